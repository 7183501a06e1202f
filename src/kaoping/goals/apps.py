from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "kaoping.goals"
    label = "goals"
    verbose_name = "目标任务与重点工作"
