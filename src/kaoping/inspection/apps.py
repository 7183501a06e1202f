from django.apps import AppConfig


class InspectionConfig(AppConfig):
    name = "kaoping.inspection"
    label = "inspection"
    verbose_name = "督查检查"
