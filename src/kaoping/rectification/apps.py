from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "kaoping.rectification"
    label = "rectification"
    verbose_name = "问题整改"
