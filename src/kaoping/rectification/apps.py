from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "kaoping.rectification"
    label = "rectification"
    verbose_name = "问题整改"

    def ready(self) -> None:
        from kaoping.inbox import scanners
        from kaoping.rectification import reminders

        scanners.provide("rectification_overdue", reminders.overdue_problems)
        scanners.provide("rectification_deadlines", reminders.deadlines_coming)

        from kaoping.campaigns import hooks
        from kaoping.rectification.carry import carry_open_problems

        hooks.provide_carry_over("rectification_open_problems", carry_open_problems)

        from kaoping.engine.sources import PREVIOUS_PROBLEMS
        from kaoping.rectification.figures import PREVIOUS_PROBLEMS as LEDGER

        hooks.provide_figure_source(PREVIOUS_PROBLEMS.name, LEDGER)
