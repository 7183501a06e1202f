"""Reading targets and key tasks: the pages' lists, the dashboard's figures, and what an item's rule
may ask later.

For a scheme rule (not wired into the engine yet; results or ratings may call these, they sit
above goals):

- ``unit_completion_rate(campaign, unit, name)`` — "this unit's completion rate of target X": the
  Decimal rate (one decimal, 四舍五入) of the unit's target named ``name``, or None when the unit has
  no such target or nothing was reported (missing, never 0).
- ``key_task_status(campaign, number)`` — "this key task's status": a ``TaskStatus`` value
  (``not_started``/``in_progress``/``done``/``lagging``), or None when there is no task ``number``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kaoping.campaigns.access import CampaignAccess
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.goals import access as goal_access
from kaoping.goals.models import KeyTask, Milestone, Target, TargetReport, TaskArea, TaskReport, TaskStatus
from kaoping.goals.rates import Rate, rate_of
from kaoping.orgs.models import Department


@dataclass
class TargetRow:
    target: Target
    rate: Rate


def _targets(campaign: Campaign) -> QuerySet[Target]:
    return (
        Target.objects.filter(campaign=campaign)
        .select_related("unit__organization", "department")
        .prefetch_related(Prefetch("reports", queryset=TargetReport.objects.order_by("-on", "-pk")))
    )


def target_rows(campaign: Campaign, access: CampaignAccess | None = None) -> list[TargetRow]:
    """The campaign's targets the access may see, each with its rate from the latest report."""
    rows = []
    for target in _targets(campaign):
        if access is not None and not goal_access.sees_target(access, target):
            continue
        reports = list(target.reports.all())
        rows.append(TargetRow(target, rate_of(target.target_value, reports[0] if reports else None)))
    return rows


def target(campaign: Campaign, number: int) -> Target | None:
    return (
        Target.objects.select_related("unit__organization", "department", "campaign")
        .filter(campaign=campaign, number=number)
        .first()
    )


def target_reports(target: Target) -> list[TargetReport]:
    return list(target.reports.select_related("reported_by").order_by("-on", "-pk"))


def areas(campaign: Campaign) -> list[TaskArea]:
    return list(TaskArea.objects.filter(campaign=campaign).order_by("number"))


def _tasks(campaign: Campaign) -> QuerySet[KeyTask]:
    return (
        KeyTask.objects.filter(area__campaign=campaign)
        .select_related("area", "lead")
        .prefetch_related("supporting", "milestones")
        .order_by("area__number", "number")
    )


@dataclass
class AreaBlock:
    area: TaskArea
    tasks: list[KeyTask] = field(default_factory=list)


def task_blocks(campaign: Campaign) -> list[AreaBlock]:
    blocks = {a.pk: AreaBlock(a) for a in areas(campaign)}
    for task in _tasks(campaign):
        blocks[task.area_id].tasks.append(task)
    return list(blocks.values())


def task(campaign: Campaign, number: int) -> KeyTask | None:
    return (
        KeyTask.objects.filter(area__campaign=campaign, number=number)
        .select_related("area__campaign", "lead")
        .prefetch_related("supporting")
        .first()
    )


def task_reports(task: KeyTask) -> list[TaskReport]:
    return list(task.reports.select_related("reported_by").order_by("-on", "-pk"))


def milestones(task: KeyTask) -> list[Milestone]:
    return list(task.milestones.order_by("due_on", "pk"))


def departments(campaign: Campaign) -> list[Department]:
    return list(Department.objects.filter(bureau_id=campaign.owner_id).order_by("name"))


def units(campaign: Campaign) -> list[CampaignUnit]:
    return list(
        CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("organization__name")
    )


# -- overdue -----------------------------------------------------------------------------------------


def overdue_milestone(milestone: Milestone, today: date | None = None) -> bool:
    return milestone.done_on is None and milestone.due_on < (today or timezone.localdate())


def overdue_task(task: KeyTask, today: date | None = None) -> bool:
    """Past its deadline and not done, lagging, or with a milestone past due."""
    today = today or timezone.localdate()
    if task.status == TaskStatus.DONE:
        return False
    if task.status == TaskStatus.LAGGING or (task.due_on is not None and task.due_on < today):
        return True
    return any(overdue_milestone(m, today) for m in task.milestones.all())


@dataclass(frozen=True)
class Overdue:
    task: KeyTask
    milestones: tuple[Milestone, ...]


def overdue(campaign: Campaign, today: date | None = None) -> list[Overdue]:
    today = today or timezone.localdate()
    found = []
    for task in _tasks(campaign):
        if overdue_task(task, today):
            late = tuple(m for m in task.milestones.all() if overdue_milestone(m, today))
            found.append(Overdue(task, late))
    return found


def tasks_of(campaign: Campaign) -> list[KeyTask]:
    return list(_tasks(campaign))


def group_rates(rows: Iterable[TargetRow], key: str) -> dict[str, list[Rate]]:
    """Rates grouped by the target's area (``key="area"``) or owner name (``"owner"``), in order."""
    grouped: dict[str, list[Rate]] = defaultdict(list)
    for row in rows:
        name = row.target.area if key == "area" else row.target.owner_name
        grouped[name].append(row.rate)
    return dict(grouped)


# -- for an item's rule ------------------------------------------------------------------------------


def unit_completion_rate(campaign: Campaign | int, unit: CampaignUnit | int, name: str) -> Decimal | None:
    """This unit's completion rate of target ``name`` (see the module's docstring)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    unit_id = unit if isinstance(unit, int) else unit.pk
    found = Target.objects.filter(campaign_id=campaign_id, unit_id=unit_id, name=name).first()
    if found is None:
        return None
    latest = found.reports.order_by("-on", "-pk").first()
    return rate_of(found.target_value, latest).rate


def key_task_status(campaign: Campaign | int, number: int) -> str | None:
    """This key task's status (see the module's docstring)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    status = KeyTask.objects.filter(area__campaign_id=campaign_id, number=number).values_list("status", flat=True)
    return status.first()
