from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "kaoping.publication"
    label = "publication"
    verbose_name = "结果公示"

    def ready(self) -> None:
        from kaoping.campaigns import hooks

        hooks.provide_final_step(_check_final, _on_phase_changed)

        from kaoping.inbox import scanners
        from kaoping.publication.reminders import overdue_objections

        scanners.provide("objections_overdue", overdue_objections)


# The services import the results tasks, whose task backend must not be read during start-up
# (settings such as the tests' inline backend are applied after it): imported on first use.
def _check_final(campaign: Any) -> str:
    from kaoping.publication.services import check_final

    return check_final(campaign)


def _on_phase_changed(campaign: Any, old: str, new: str, actor: Any) -> None:
    from kaoping.publication.services import on_phase_changed

    on_phase_changed(campaign, old, new, actor)
