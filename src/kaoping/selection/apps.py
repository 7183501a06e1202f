from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "kaoping.selection"
    label = "selection"
    verbose_name = "评选"
