from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "kaoping.results"
    label = "results"
