from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "kaoping.analytics"
    label = "analytics"
    verbose_name = "评委与结果分析"
