"""Starting next year's campaign from this one ("开始下一年度考核", issue 14 §4).

The new campaign starts as a draft with a copy of this year's scheme (its version 1, to edit
before the freeze), the same participating units in the same categories and the phase deadlines
moved on by the years between. Apps above campaigns carry over what outlives a year through
``hooks.carry_over`` (the department mapping, open problems, unfinished key tasks) in the same
transaction, so the new campaign appears whole or not at all. Last year's campaign is only read:
it may be archived.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns import hooks
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, PhaseDeadline, SchemeVersion
from kaoping.campaigns.services import CampaignError, chain_of

_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def suggested_name(previous: Campaign, year: int | None) -> str:
    """Last year's title with its year replaced ("2024年度学校考核" → "2025年度学校考核")."""
    if previous.year is not None and year is not None and str(previous.year) in previous.name:
        return _YEAR.sub(lambda m: str(year) if m.group(0) == str(previous.year) else m.group(0), previous.name)
    return _("%(name)s(下一年度)") % {"name": previous.name}


def refusal(previous: Campaign) -> str:
    """Why next year's campaign cannot be started from ``previous``, or ""."""
    following = Campaign.objects.filter(previous=previous).first()
    if following is not None:
        return _("本考核已开始过下一年度考核“%(name)s”,请在那里继续。") % {"name": following.name}
    if previous.current_version() is None:
        return _("本考核还没有考核方案,无法复制到下一年度。")
    return ""


def start_next_year(*, previous: Campaign, name: str, year: int | None, actor: Any) -> tuple[Campaign, list[str]]:
    """The new draft campaign and the Chinese lines saying what it took over from ``previous``."""
    name = name.strip()
    if not name:
        raise CampaignError(_("请填写新考核的名称。"))
    if previous.year is not None and (year is None or year <= previous.year):
        raise CampaignError(_("新考核的年度应晚于%(year)s年。") % {"year": previous.year})
    try:
        with transaction.atomic():
            return _start(previous, name, year, actor)
    except IntegrityError:  # two clicks at once: the other one started it
        raise CampaignError(refusal(previous) or _("下一年度考核已由他人开始,请刷新页面。")) from None


def _start(previous: Campaign, name: str, year: int | None, actor: Any) -> tuple[Campaign, list[str]]:
    previous = Campaign.objects.select_for_update().get(pk=previous.pk)
    reason = refusal(previous)
    if reason:
        raise CampaignError(reason)
    version = previous.current_version()
    assert version is not None  # refusal() says so otherwise
    campaign = Campaign.objects.create(
        owner_id=previous.owner_id,
        name=name,
        year=year,
        phase=Phase.DRAFT,
        previous=previous,
        created_by=actor,
        reminder_days=previous.reminder_days,
    )
    SchemeVersion.objects.create(
        campaign=campaign,
        number=1,
        data=version.data,
        source_name=version.source_name,
        reason=_("由“%(name)s”方案第 %(number)s 版复制") % {"name": previous.name, "number": version.number},
        created_by=actor,
    )
    units = CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, organization_id=unit.organization_id, category=unit.category)
        for unit in previous.participants.order_by("pk")
    )
    years = year - previous.year if year is not None and previous.year is not None else 0
    deadlines = _moved_deadlines(previous, campaign, years)
    lines = [_("复制考核方案(第 %(number)s 版)") % {"number": version.number}]
    lines.append(_("沿用参评单位 %(count)s 个") % {"count": len(units)})
    if deadlines:
        lines.append(_("各阶段截止时间顺延 %(years)s 年,共 %(count)s 项") % {"years": years, "count": deadlines})
    lines += hooks.carry_over(previous, campaign, actor)
    _audit(previous, campaign, lines, actor)
    return campaign, lines


def _moved_deadlines(previous: Campaign, campaign: Campaign, years: int) -> int:
    if years <= 0:
        return 0
    moved = [
        PhaseDeadline(campaign=campaign, phase=deadline.phase, deadline=_years_later(deadline.deadline, years))
        for deadline in previous.deadlines.all()
    ]
    PhaseDeadline.objects.bulk_create(moved)
    return len(moved)


def _years_later(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February in a year without one
        return moment.replace(year=moment.year + years, day=28)


def _audit(previous: Campaign, campaign: Campaign, lines: list[str], actor: Any) -> None:
    audit_record(
        chain=chain_of(campaign),
        action="campaign.next_year",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        new={"name": campaign.name, "year": campaign.year, "from": previous.name, "carried": lines},
    )
    audit_record(
        chain=chain_of(previous),
        action="campaign.followed",
        object_type="campaign",
        object_id=previous.pk,
        actor=actor,
        new={"name": campaign.name, "year": campaign.year},
    )
