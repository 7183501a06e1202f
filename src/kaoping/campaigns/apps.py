from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "kaoping.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        # phase deadlines approaching: found by the inbox's scan (a layer below), named here
        from kaoping.campaigns.reminders import deadline_reminders
        from kaoping.inbox import scanners

        scanners.provide("phase_deadlines", deadline_reminders)
