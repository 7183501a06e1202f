"""Reminders about a campaign's phases: who works in a phase, told when it opens and before its deadline.

A phase change calls ``phase_opened`` (inside ``campaign_set_phase``'s transaction); the deadline
scan (``deadline_reminders``) is registered with the inbox in ``CampaignsConfig.ready`` and run by
``manage.py send_reminders`` / the ``scan_reminders`` task. Keys name the campaign, phase, unit and,
for deadlines, the deadline itself and how many days before: each is sent once per person.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, PhaseDeadline
from kaoping.inbox import scanners
from kaoping.inbox import services as inbox
from kaoping.orgs.models import Membership, Role, User

UNIT_PHASES = (Phase.SELF_ASSESSMENT,)  # each unit's own people, with a link to its own page
BUREAU_ROLES = (Role.ORGANIZER, Role.ADMIN)

# (units, phase) -> those of ``units`` that still owe their part of ``phase``: a deadline reminder goes to
# them only. Provided by the app that knows (assessments: units that have not submitted their
# self-assessment, in AssessmentsConfig.ready); without a provider every unit is reminded.
WaitingUnits = Callable[[QuerySet[CampaignUnit], str], QuerySet[CampaignUnit]]
_WAITING: list[WaitingUnits] = []


def provide_waiting_units(finder: WaitingUnits) -> None:
    _WAITING[:] = [finder]


def organizers(campaign: Campaign) -> list[User]:
    """The organizers and administrators of the campaign's bureau."""
    return _users(Membership.objects.filter(organization_id=campaign.owner_id, role__in=BUREAU_ROLES))


def unit_people(unit: CampaignUnit, roles: Sequence[str] = (Role.REPORTER,)) -> list[User]:
    """The unit's reporters (or other roles at the unit itself)."""
    return _users(Membership.objects.filter(organization_id=unit.organization_id, role__in=roles))


def reviewers(campaign: Campaign) -> list[User]:
    """Reviewers beneath the bureau and the bureau's department scorers: the people of 审核评分."""
    owner = campaign.owner
    return _users(
        Membership.objects.filter(role=Role.REVIEWER, organization__path__startswith=owner.path)
        | Membership.objects.filter(role=Role.DEPARTMENT_SCORER, department__bureau_id=owner.pk)
    )


def _users(memberships: Any) -> list[User]:
    ids = set(memberships.values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _people_by_organization(organization_ids: Sequence[int], roles: Sequence[str]) -> dict[int, list[User]]:
    """The active people holding ``roles`` at each organization, in one query (2,000 units, not 2,000 queries)."""
    found: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(organization_id__in=organization_ids, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for membership in memberships:
        people = found.setdefault(membership.organization_id, [])
        if membership.user not in people:
            people.append(membership.user)
    return found


def _bureau_people(campaign: Campaign, phase: str) -> list[User]:
    if phase == Phase.REVIEW:
        return reviewers(campaign)
    if phase in (Phase.RATING, Phase.SCORING, Phase.NOTICE, Phase.FINAL):
        return organizers(campaign)
    return []


def _audiences(
    campaign: Campaign, phase: str, *, waiting: bool = False
) -> Iterator[tuple[CampaignUnit | None, list[User], str]]:
    """(unit or None, people, link) for everyone who works in ``phase``; ``waiting``: only the units
    that still owe their part (a deadline reminder)."""
    if phase in UNIT_PHASES or phase == Phase.NOTICE:
        participants = campaign.participants.all()
        if waiting and _WAITING:
            participants = _WAITING[0](participants, phase)
        units = list(participants.select_related("organization").order_by("organization__path"))
        roles = (Role.REPORTER, Role.LEADER) if phase == Phase.NOTICE else (Role.REPORTER,)
        by_org = _people_by_organization([u.organization_id for u in units], roles)
        for unit in units:
            people = by_org.get(unit.organization_id, [])
            if phase == Phase.NOTICE:
                link = reverse("publication:notice", args=[campaign.pk])
            else:
                link = reverse("assessments:unit_overview", args=[campaign.pk, unit.pk])
            yield unit, people, link
    people = _bureau_people(campaign, phase)
    if people:
        yield None, people, reverse("campaigns:detail", args=[campaign.pk])


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def phase_opened(campaign: Campaign, old: str, new: str) -> int:
    """Tell the people of ``new`` that it has opened (forward moves only); returns messages stored."""
    if Phase.values.index(new) <= Phase.values.index(old) or new in (Phase.DRAFT, Phase.ARCHIVED):
        return 0
    deadline = PhaseDeadline.objects.filter(campaign=campaign, phase=new).first()
    label = Phase(new).label
    found: list[inbox.Reminder] = []
    for unit, people, link in _audiences(campaign, new):
        subject = _("「%(c)s」进入“%(p)s”阶段") % {"c": campaign.name, "p": label}
        if unit is not None:
            subject += _("(%(u)s)") % {"u": unit.organization.name}
        body = _("考核活动「%(c)s」已进入“%(p)s”阶段。") % {"c": campaign.name, "p": label}
        if deadline:
            body += _("本阶段截止时间:%(d)s。") % {"d": _when(deadline.deadline)}
        key = f"phase:{campaign.pk}:{new}" + (f":u{unit.pk}" if unit else "")
        found.append(inbox.Reminder(people, inbox.Kind.PHASE, subject, body, link, key))
    return len(inbox.notify_many(found))


def deadline_reminders(now: datetime) -> Iterator[scanners.Reminder]:
    """The current phase's deadline, the campaign's reminder days before (``Campaign.reminder_days``,
    else ``INBOX_DEADLINE_DAYS``: 3 and 1): the nearest step reached only, so a first scan 20 hours
    before sends the 1-day reminder, not both."""
    horizon = now + timedelta(days=scanners.MAX_REMINDER_DAYS)
    due = (
        PhaseDeadline.objects.filter(deadline__gt=now, deadline__lte=horizon)
        .exclude(campaign__phase=Phase.ARCHIVED)
        .select_related("campaign", "campaign__owner")
    )
    for row in due:
        campaign = row.campaign
        if row.phase != campaign.phase:
            continue  # only the phase people are working in now
        reached = [d for d in scanners.deadline_days(campaign.reminder_days) if now >= row.deadline - timedelta(days=d)]
        if not reached:
            continue  # further away than this campaign reminds
        step = min(reached)
        left = row.deadline - now
        label = Phase(row.phase).label
        if left >= timedelta(days=1):
            remaining = _("还有 %(n)d 天") % {"n": math.floor(left / timedelta(days=1))}
        else:
            remaining = _("已不足 1 天")
        for unit, people, link in _audiences(campaign, row.phase, waiting=True):
            subject = _("「%(c)s」“%(p)s”将于 %(d)s 截止") % {"c": campaign.name, "p": label, "d": _when(row.deadline)}
            if unit is not None:
                subject += _("(%(u)s)") % {"u": unit.organization.name}
            body = _("考核活动「%(c)s」的“%(p)s”阶段将于 %(d)s 截止,%(r)s,请及时完成。") % {
                "c": campaign.name,
                "p": label,
                "d": _when(row.deadline),
                "r": remaining,
            }
            stamp = row.deadline.strftime("%Y%m%d%H%M")
            key = f"deadline:{campaign.pk}:{row.phase}:{stamp}:{step}d" + (f":u{unit.pk}" if unit else "")
            yield scanners.Reminder(people, inbox.Kind.DEADLINE, subject, body, link, key)
