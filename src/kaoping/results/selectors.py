"""Who may see which results. Units see only their own result, and only after publication."""

from __future__ import annotations

from django.http import Http404

from kaoping.assessments import selectors as assess
from kaoping.campaigns.access import CampaignAccess
from kaoping.campaigns.models import CampaignUnit
from kaoping.engine.results import CampaignResult, ComponentResult, ItemResult, UnitResult
from kaoping.results.services import unit_key


def can_see_standings(access: CampaignAccess) -> bool:
    """The whole table: the bureau (organizer, leader, reviewers) any time; departments once published."""
    if access.organizer or access.leader or access.review_paths:
        return True
    return access.campaign.results_published and bool(access.department_ids)


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
