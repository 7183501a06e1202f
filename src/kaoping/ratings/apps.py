from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "kaoping.ratings"
    label = "ratings"
