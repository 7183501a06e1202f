from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "kaoping.campaigns"
    label = "campaigns"
