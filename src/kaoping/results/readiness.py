"""Whether a campaign's results are complete enough to be put on notice (结果公示) or published.

A unit that never submitted its self-assessment, or whose total is missing, would appear on a
notice without a number (or not at all) and nobody would have decided that. The campaign
services refuse the step until the organizer has seen the list and confirmed it with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kaoping.assessments import selectors as assess
from kaoping.campaigns.models import Campaign, CampaignUnit

SHOWN = 20  # units named in a message; the page lists them all


@dataclass(frozen=True)
class IncompleteUnit:
    name: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}({'、'.join(self.problems)})"


def incomplete_units(campaign: Campaign, *, wait: bool = True) -> list[IncompleteUnit] | None:
    """Participating units whose result is not complete. With ``wait`` the current result is
    computed if need be (a step that depends on it); without, None while it is still computing
    (a page must not wait)."""
    from kaoping.results.services import unit_key, units_with_total

    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))
    if not units:
        return []
    with_total = units_with_total(campaign, wait=wait)
    if with_total is None:
        return None
    scheme = assess.scheme_for(campaign)
    submitted = assess.submitted_unit_ids(u.pk for u in units)
    found: list[IncompleteUnit] = []
    for unit in units:
        problems: list[str] = []
        if unit.pk not in submitted and assess.indicator_components(scheme, unit.category):
            problems.append(_("自评未提交"))
        if unit_key(unit) not in with_total:
            problems.append(_("总分缺失"))
        if problems:
            found.append(IncompleteUnit(unit.organization.name, tuple(problems)))
    return found


def describe(units: list[IncompleteUnit]) -> str:
    """The list in one sentence, naming at most ``SHOWN`` units."""
    named = "、".join(str(unit) for unit in units[:SHOWN])
    more = _(" 等 %(count)s 个单位") % {"count": len(units)} if len(units) > SHOWN else ""
    return named + more
