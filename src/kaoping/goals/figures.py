"""Targets and key tasks as figures of an item's rule (``source: target`` / ``source: key_task``).

- ``target`` (``source_key``: the target's name): for each unit with a target of that name in the
  campaign, its target value (``target``), what its latest report says is done (``done``) and the
  completion rate as the goals pages show it (``rate``, %, one place 四舍五入; a rate the unit stated
  without the figure counts too). A blank report leaves ``done`` and ``rate`` out: missing, never 0.
- ``key_task`` (``source_key``: the task's number): the campaign's key task, the same for every
  unit: ``done`` (1 when 已完成, else 0), ``milestones``, ``milestones_done`` and
  ``milestone_rate`` (%, one place). No such task: no figures.

Both live in the campaign itself, whose audit chain already marks every change, so their data
version adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from kaoping.campaigns.hooks import FigureSourceProvider
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.goals.models import KeyTask, Target, TaskStatus
from kaoping.goals.rates import rate_of

TENTH = Decimal("0.1")


def target_figures(campaign: Campaign, units: Sequence[CampaignUnit], key: str) -> dict[int, dict[str, Decimal]]:
    wanted = {unit.pk for unit in units}
    targets = Target.objects.filter(campaign=campaign, name=key, unit_id__isnull=False).prefetch_related("reports")
    figures: dict[int, dict[str, Decimal]] = {}
    for target in targets:
        if target.unit_id not in wanted:
            continue
        reports = sorted(target.reports.all(), key=lambda r: (r.on, r.pk))
        rate = rate_of(target.target_value, reports[-1] if reports else None)
        found = {"target": target.target_value}
        if rate.done is not None:
            found["done"] = rate.done
        if rate.rate is not None:
            found["rate"] = rate.rate
        figures[target.unit_id] = found
    return figures


def key_task_figures(campaign: Campaign, units: Sequence[CampaignUnit], key: str) -> dict[int, dict[str, Decimal]]:
    task = KeyTask.objects.filter(area__campaign=campaign, number=int(key)).first() if key.isdigit() else None
    if task is None:
        return {}
    dates = list(task.milestones.values_list("done_on", flat=True))
    done = sum(1 for on in dates if on is not None)
    found = {
        "done": Decimal(1 if task.status == TaskStatus.DONE else 0),
        "milestones": Decimal(len(dates)),
        "milestones_done": Decimal(done),
    }
    if dates:
        found["milestone_rate"] = (Decimal(100) * done / len(dates)).quantize(TENTH, rounding=ROUND_HALF_UP)
    return {unit.pk: dict(found) for unit in units}


def _same_as_the_chain(campaign: Campaign) -> str:
    return ""


TARGETS = FigureSourceProvider(figures=target_figures, version=_same_as_the_chain)
KEY_TASKS = FigureSourceProvider(figures=key_task_figures, version=_same_as_the_chain)
