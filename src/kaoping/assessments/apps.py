from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kaoping.assessments"
    label = "assessments"
