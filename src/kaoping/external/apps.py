from django.apps import AppConfig


class ExternalConfig(AppConfig):
    name = "kaoping.external"
    label = "external"
    verbose_name = "导入分数"
