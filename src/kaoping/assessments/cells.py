"""One writable cell: the guard a page and its API twin share, and the reads of the pages around it.

A cell is one item of one unit that someone writes: the unit's own entry (填报), a department's
score (部门评分) or a reviewer's 核定分. The page (``assessments.views``) and the API
(``api.assessments``) find it through the same function here, so both answer a foreign or
not-yet-visible cell with the same 404; neither filters a queryset itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kaoping.assessments import selectors
from kaoping.assessments.models import DepartmentScore, Recusal, ReviewScore, SelfAssessment, SpotCheck
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.models import Department


@dataclass(frozen=True)
class ItemCell:
    campaign: Campaign
    access: CampaignAccess
    unit: CampaignUnit
    ref: selectors.ItemRef


@dataclass(frozen=True)
class DepartmentCell(ItemCell):
    department: Department


def entry_cell(user: object, campaign_id: object, unit_id: object, item_id: str) -> ItemCell:
    """An item of a unit the user reports for (its reporters only), or 404."""
    campaign, access = campaign_for(user, campaign_id)
    unit = selectors.reporter_unit(user, access, unit_id)
    return ItemCell(campaign, access, unit, selectors.item_ref(selectors.scheme_for(campaign), unit.category, item_id))


def department_cell(
    user: object, campaign_id: object, department_id: object, unit_id: object, item_id: str
) -> DepartmentCell:
    """A department's cell: the user scores for the department, the department is assigned the item,
    the unit is visible and has submitted (departments never see drafts). Anything else is a 404."""
    campaign, access = campaign_for(user, campaign_id)
    department = selectors.department_for(access, department_id)
    unit = selectors.visible_unit(user, access, unit_id)
    ref = selectors.item_ref(selectors.scheme_for(campaign), unit.category, item_id)
    selectors.department_share_for(campaign, ref.item, department)  # 404 unless assigned
    if selectors.awaiting_submission(unit):
        raise Http404
    return DepartmentCell(campaign, access, unit, ref, department)


def review_cell(user: object, campaign_id: object, unit_id: object, item_id: str) -> ItemCell:
    """An item of a unit the user reviews, or 404."""
    campaign, access = campaign_for(user, campaign_id)
    unit = selectors.reviewable_unit(user, access, unit_id)
    return ItemCell(campaign, access, unit, selectors.item_ref(selectors.scheme_for(campaign), unit.category, item_id))


# -- what the pages around the cells read ---------------------------------------------------------


@dataclass(frozen=True)
class GridRows:
    """One page of a department's grid for one item, read in four queries whatever the page length."""

    scores: dict[int, DepartmentScore]  # unit id → the department's score
    entries: dict[int, SelfAssessment]  # unit id → the submitted unit's own entry, with its evidence
    confirmed: dict[int, Decimal]  # unit id → a reviewer's 核定分


def grid_rows(units: Iterable[CampaignUnit], item_id: str, department: Department, submitted: set[int]) -> GridRows:
    page_units = list(units)
    scores = {
        row.unit_id: row
        for row in DepartmentScore.objects.filter(unit__in=page_units, item_id=item_id, department=department)
    }
    entries = {
        row.unit_id: row
        for row in SelfAssessment.objects.filter(
            unit__in=page_units, item_id=item_id, unit_id__in=submitted
        ).prefetch_related("evidence")
    }
    confirmed = {
        unit_id: score
        for unit_id, score in ReviewScore.objects.filter(
            unit__in=page_units, item_id=item_id, confirmed_score__isnull=False
        ).values_list("unit_id", "confirmed_score")
        if score is not None
    }
    return GridRows(scores, entries, confirmed)


def spot_checks(unit: CampaignUnit) -> QuerySet[SpotCheck]:
    return SpotCheck.objects.filter(unit=unit)


def active_recusals(unit: CampaignUnit) -> QuerySet[Recusal]:
    return Recusal.objects.filter(unit=unit, active=True).select_related("user")


def active_recusal(unit: CampaignUnit, recusal_id: Any) -> Recusal:
    """One active recusal of the unit, or 404."""
    recusal = active_recusals(unit).filter(pk=recusal_id).first()
    if recusal is None:
        raise Http404
    return recusal
