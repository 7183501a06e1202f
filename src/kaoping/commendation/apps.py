from django.apps import AppConfig


class CommendationConfig(AppConfig):
    name = "kaoping.commendation"
    label = "commendation"
    verbose_name = "表彰名单"
