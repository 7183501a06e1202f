"""Reminders about problems to rectify (kaoping.inbox): a new problem and a re-check's outcome reach
the unit's reporters, a request for the re-check reaches whoever registered the problem, and two
scanners remind the unit of deadlines coming (``INBOX_DEADLINE_DAYS`` before) and past (已超期)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Phase
from kaoping.campaigns.reminders import unit_people
from kaoping.inbox import scanners
from kaoping.inbox import services as inbox
from kaoping.rectification.models import Problem, ProblemState


def _names(problem: Problem) -> dict[str, Any]:
    return {
        "c": problem.unit.campaign.name,
        "u": problem.unit.organization.name,
        "n": problem.number,
        "t": problem.description[:40],
        "d": problem.deadline.isoformat(),
    }


def _link(problem: Problem) -> str:
    return reverse("rectification:problem", args=[problem.campaign_id, problem.unit_id, problem.number])


def _unit(problem: Problem) -> list[Any]:
    return unit_people(problem.unit)


def created(problem: Problem) -> None:
    names = _names(problem)
    inbox.notify(
        _unit(problem),
        inbox.Kind.RECTIFICATION,
        _("%(u)s有新的整改问题:%(t)s") % names,
        _("考核活动「%(c)s」中登记了%(u)s的问题 %(n)s(“%(t)s”),请在 %(d)s 前整改并报送进展。") % names,
        _link(problem),
        key=f"rectification-created:{problem.pk}",
    )


def reported(problem: Problem) -> None:
    """The unit asks for the re-check: whoever registered the problem hears of it."""
    if problem.created_by is None:
        return
    names = _names(problem)
    count = problem.reports.filter(done=True).count()
    inbox.notify(
        [problem.created_by],
        inbox.Kind.RECTIFICATION,
        _("%(u)s问题 %(n)s 已申请复查") % names,
        _("考核活动「%(c)s」中%(u)s报告问题 %(n)s(“%(t)s”)已整改完成,请复查。") % names,
        _link(problem),
        key=f"rectification-reported:{problem.pk}:{count}",
    )


def rechecked(problem: Problem, *, closed: bool) -> None:
    names = _names(problem)
    count = problem.rechecks.count()
    subject = _("%(u)s问题 %(n)s 已销号") if closed else _("%(u)s问题 %(n)s 须重新整改")
    body = (
        _("考核活动「%(c)s」中%(u)s的问题 %(n)s(“%(t)s”)经复查整改到位,已销号。")
        if closed
        else _("考核活动「%(c)s」中%(u)s的问题 %(n)s(“%(t)s”)经复查整改未到位,请在 %(d)s 前重新整改。")
    )
    inbox.notify(
        _unit(problem),
        inbox.Kind.RECTIFICATION,
        subject % names,
        body % names,
        _link(problem),
        key=f"rectification-rechecked:{problem.pk}:{count}",
    )


def _open(today: datetime.date) -> Any:
    return (
        Problem.objects.exclude(state=ProblemState.CLOSED)
        .exclude(campaign__phase=Phase.ARCHIVED)
        .select_related("unit__campaign", "unit__organization", "created_by")
        .order_by("pk")
    )


def overdue_problems(now: datetime.datetime) -> Iterator[scanners.Reminder]:
    """Open problems past their deadline: the unit's reporters and whoever registered the problem."""
    today = timezone.localdate(now)
    for problem in _open(today).filter(deadline__lt=today):
        names = _names(problem)
        people = [*_unit(problem), *([problem.created_by] if problem.created_by else [])]
        yield scanners.Reminder(
            people,
            inbox.Kind.OVERDUE,
            _("%(u)s问题 %(n)s 整改已超期") % names,
            _("考核活动「%(c)s」中%(u)s的问题 %(n)s(“%(t)s”)整改期限是 %(d)s,现已超期。") % names,
            _link(problem),
            f"rectification-overdue:{problem.pk}:{problem.deadline.isoformat()}",
        )


def deadlines_coming(now: datetime.datetime) -> Iterator[scanners.Reminder]:
    """Open problems due within their campaign's reminder days: the nearest step reached is sent once
    per deadline."""
    today = timezone.localdate(now)
    last = today + datetime.timedelta(days=scanners.MAX_REMINDER_DAYS)
    for problem in _open(today).filter(deadline__gte=today, deadline__lte=last):
        left = (problem.deadline - today).days
        days = scanners.deadline_days(problem.unit.campaign.reminder_days)
        if not days or left > max(days):
            continue  # further away than this campaign reminds
        step = min(d for d in days if d >= left)
        names = {**_names(problem), "k": left}
        yield scanners.Reminder(
            _unit(problem),
            inbox.Kind.DEADLINE,
            _("%(u)s问题 %(n)s 整改期限还有 %(k)s 天") % names,
            _("考核活动「%(c)s」中%(u)s的问题 %(n)s(“%(t)s”)须在 %(d)s 前整改完成并申请复查。") % names,
            _link(problem),
            f"rectification-due:{problem.pk}:{problem.deadline.isoformat()}:{step}",
        )
