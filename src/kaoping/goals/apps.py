from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "kaoping.goals"
    label = "goals"
    verbose_name = "目标任务与重点工作"

    def ready(self) -> None:
        # next year's campaign (campaigns, a layer below) takes over the key tasks not finished
        from kaoping.campaigns import hooks
        from kaoping.goals.carry import carry_unfinished_tasks

        hooks.provide_carry_over("goals_unfinished_tasks", carry_unfinished_tasks)

        # an item's rule may read a unit's target or a key task (``source: target`` / ``key_task``)
        from kaoping.engine.sources import KEY_TASK, TARGET
        from kaoping.goals.figures import KEY_TASKS, TARGETS

        hooks.provide_figure_source(TARGET.name, TARGETS)
        hooks.provide_figure_source(KEY_TASK.name, KEY_TASKS)
