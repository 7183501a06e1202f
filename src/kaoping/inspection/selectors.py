"""Reads for the inspection pages: who may see what, and the progress board.

The organizers and the bureau's leader see every group and unit; a group's members see their own
group's units; a unit's own people (reporters, leaders at the unit) see only their unit's record,
once the group has submitted it. Anyone else gets 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign
from kaoping.inspection.models import Assignment, Group
from kaoping.orgs.access import as_int

VISITED, SCHEDULED, OVERDUE, UNSCHEDULED = "visited", "scheduled", "overdue", "unscheduled"


def status(assignment: Assignment, today: datetime.date | None = None) -> str:
    """已检查 (record submitted), 已超期 (planned date passed, no submitted record), 已安排, 未安排."""
    today = today or timezone.localdate()
    if assignment.submitted:
        return VISITED
    if assignment.planned_on is None:
        return UNSCHEDULED
    return OVERDUE if assignment.planned_on < today else SCHEDULED


def status_label(code: str) -> str:
    return {
        VISITED: _("已检查"),
        SCHEDULED: _("已安排"),
        OVERDUE: _("已超期"),
        UNSCHEDULED: _("未安排"),
    }[code]


def sees_all(access: CampaignAccess) -> bool:
    return access.organizer or access.leader


def my_groups(user: Any, campaign: Campaign) -> list[Group]:
    pk = getattr(user, "pk", None) or 0
    rows = Group.objects.filter(Q(leader_id=pk) | Q(members__pk=pk), campaign=campaign).distinct()
    return list(rows.select_related("leader").prefetch_related("members").order_by("number"))


def overview_for(user: Any, campaign_id: object) -> tuple[Campaign, CampaignAccess, list[Group]]:
    """The campaign, the access and the groups the user may see; 404 for anyone with no part in it."""
    campaign, access = campaign_for(user, campaign_id)
    if sees_all(access):
        groups = list(Group.objects.filter(campaign=campaign).select_related("leader").prefetch_related("members"))
        return campaign, access, groups
    mine = my_groups(user, campaign)
    if not mine and not access.review_paths:
        raise Http404  # a reviewer in no group sees the page with no group on it
    return campaign, access, mine


def may_read(user: Any, access: CampaignAccess, assignment: Assignment) -> bool:
    if sees_all(access):
        return True
    pk = getattr(user, "pk", None)
    if assignment.group.leader_id == pk or assignment.group.members.filter(pk=pk or 0).exists():
        return True
    return assignment.submitted and access.can_read_as_unit(assignment.unit.organization)


_MAX_ID = 2**63 - 1  # the largest key either database stores; a larger number names no unit


def _key(value: object) -> int:
    number = as_int(value)
    if not 0 < number <= _MAX_ID:
        raise Http404
    return number


def assignment_for(user: Any, campaign_id: object, unit_id: object) -> tuple[Assignment, CampaignAccess]:
    campaign, access = campaign_for(user, campaign_id)
    assignment = (
        Assignment.objects.select_related("campaign", "group__leader", "unit__organization")
        .filter(campaign=campaign, unit__pk=_key(unit_id))
        .first()
    )
    if assignment is None or not may_read(user, access, assignment):
        raise Http404
    return assignment, access


@dataclass
class GroupProgress:
    group: Group
    visited: int = 0
    scheduled: int = 0
    overdue: int = 0
    unscheduled: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)


def board(groups: list[Group], today: datetime.date | None = None) -> list[GroupProgress]:
    today = today or timezone.localdate()
    result = {g.pk: GroupProgress(group=g) for g in groups}
    assignments = Assignment.objects.filter(group__in=groups).select_related("unit__organization", "group")
    for a in assignments.order_by("unit__organization__name"):
        code = status(a, today)
        progress = result[a.group_id]
        setattr(progress, code, getattr(progress, code) + 1)
        progress.rows.append({"a": a, "status": code, "label": status_label(code)})
    return list(result.values())
