"""What a rater may read while grading, when the session shows it (``RatingSession.show_goals``):
each unit's targets (目标任务) and the campaign's key tasks (重点工作), read-only, from
``kaoping.goals.selectors``.

The same for every rater of a unit: nothing depends on the credential, nothing of it enters a
ballot. A fixed handful of queries per page, whatever the number of units: the session's units,
the campaign's targets with their reports, the areas, the tasks with their departments and
milestones. Rates are the goals app's (``goals.rates``): a target without a reported figure reads
缺, never 0.

The key tasks are the campaign's (a task is led by a department, not by a unit), so the same list
serves every unit: the page shows it once and each unit's block gives the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign
from kaoping.goals import selectors as goal_selectors
from kaoping.goals.models import TaskStatus
from kaoping.ratings.models import RatingSession, SessionUnit


@dataclass(frozen=True)
class TargetLine:
    name: str
    measure: str
    target: str
    done: str  # "" = no figure reported (缺)
    rate: str  # "68.1%", "" = missing (缺)
    stated: bool  # the rate is the one the unit stated (报送值), not computed from a figure


@dataclass(frozen=True)
class TaskLine:
    number: int
    title: str
    status: str  # the Chinese label
    milestones_done: int
    milestones_total: int
    overdue: bool


@dataclass
class AreaLines:
    number: int
    name: str
    tasks: list[TaskLine] = field(default_factory=list)


@dataclass
class KeyTasks:
    areas: list[AreaLines]
    total: int
    overdue: int
    by_status: list[tuple[str, int]]  # (Chinese label, count) in TaskStatus order, counts > 0 only


@dataclass
class SessionGoals:
    targets: dict[int, list[TargetLine]]  # by SessionUnit id; a unit without targets is absent
    tasks: KeyTasks


def session_goals(session: RatingSession) -> SessionGoals:
    """The targets of the session's units and the campaign's key tasks."""
    units = dict(SessionUnit.objects.filter(session=session).values_list("campaign_unit_id", "pk"))
    targets: dict[int, list[TargetLine]] = {}
    for row in goal_selectors.target_rows(session.campaign):
        session_unit = units.get(row.target.unit_id) if row.target.unit_id is not None else None
        if session_unit is None:
            continue
        targets.setdefault(session_unit, []).append(
            TargetLine(
                name=row.target.name,
                measure=row.target.measure,
                target=row.target.target_text,
                done=row.rate.done_text,
                rate=row.rate.text,
                stated=row.rate.stated,
            )
        )
    return SessionGoals(targets=targets, tasks=key_tasks(session.campaign))


def key_tasks(campaign: Campaign) -> KeyTasks:
    today = timezone.localdate()
    labels = dict(TaskStatus.choices)
    areas, statuses, overdue = [], Counter[str](), 0
    for block in goal_selectors.task_blocks(campaign):
        area = AreaLines(block.area.number, block.area.name)
        for task in block.tasks:
            milestones = list(task.milestones.all())
            late = goal_selectors.overdue_task(task, today)
            overdue += late
            statuses[task.status] += 1
            area.tasks.append(
                TaskLine(
                    number=task.number,
                    title=task.title,
                    status=str(labels.get(task.status, _("未知"))),
                    milestones_done=sum(1 for m in milestones if m.done_on is not None),
                    milestones_total=len(milestones),
                    overdue=late,
                )
            )
        if area.tasks:
            areas.append(area)
    return KeyTasks(
        areas=areas,
        total=sum(statuses.values()),
        overdue=overdue,
        by_status=[(str(label), statuses[value]) for value, label in TaskStatus.choices if statuses[value]],
    )
