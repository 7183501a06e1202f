"""Who may see which results. Units see only their own result, and only after publication."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kaoping.assessments import selectors as assess
from kaoping.assessments import visibility
from kaoping.campaigns.access import CampaignAccess
from kaoping.campaigns.models import CampaignUnit
from kaoping.engine.results import CampaignResult, ComponentResult, ItemResult, UnitResult
from kaoping.results.inputs import unit_key
from kaoping.results.models import StoredUnitResult


def can_see_standings(access: CampaignAccess) -> bool:
    """The whole table (``CampaignAccess.can_see_standings``: the page and the API alike)."""
    return access.can_see_standings


def visible_stored_units(user: object, access: CampaignAccess) -> QuerySet[StoredUnitResult]:
    """The stored results of the units this user may see in the standings (page and API alike),
    or 404 when they may not see the table."""
    if access.sees_all_units and access.can_see_standings:
        # every unit but those the user is recused from: no join with the campaign's units, which
        # cost each query of a 5,000-row standings page ≈30–100 ms at 20,000 units
        rows = StoredUnitResult.objects.filter(campaign=access.campaign)
        recused = assess.recused_unit_ids(user, access.campaign)
        return rows.exclude(unit_id__in=recused) if recused else rows
    visible = visibility.standings_units(user, access).values("pk")
    return StoredUnitResult.objects.filter(campaign=access.campaign, unit__in=visible)


def result_unit(user: object, access: CampaignAccess, unit_id: object) -> CampaignUnit:
    """A unit whose result the user may read, or 404."""
    unit = assess.visible_unit(user, access, unit_id)
    if can_see_standings(access):
        return unit
    if access.campaign.results_published and access.can_read_as_unit(unit.organization):
        return unit
    raise Http404


def unit_result(result: CampaignResult, unit: CampaignUnit) -> UnitResult:
    try:
        return result.unit(unit_key(unit))
    except KeyError:
        raise Http404 from None


def find_component(unit: UnitResult, component_id: str) -> ComponentResult:
    for component in unit.components:
        if component.component_id == component_id:
            return component
    raise Http404


def find_item(items: tuple[ItemResult, ...], item_id: str) -> ItemResult:
    stack = list(items)
    while stack:
        node = stack.pop()
        if node.item_id == item_id:
            return node
        stack.extend(node.children)
    raise Http404
