"""Reading the audit trail with access checks: a foreign object's history is a 404.

Here, above every app, because the checks need campaigns and organizations (the audit app itself
sits below them in the layers and knows only chains, ``kaoping.audit.selectors``).

Every audit event lives on a chain ``campaign:<pk>`` (or another app's chain). Who may read the
history of one object depends on its type; apps register a check per type with
``register_history_check``. A type nobody registered is readable only by the bureau side of the
campaign (organizer, administrator, leader), never by units or departments.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import history
from kaoping.campaigns import access as campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs import access

HistoryCheck = Callable[[object, str], bool]  # (user, object_id) -> may read
_CHECKS: dict[str, HistoryCheck] = {}


def register_history_check(object_type: str, check: HistoryCheck) -> None:
    _CHECKS[object_type] = check


def history_for(user: object, object_type: str, object_id: str) -> list[AuditEvent]:
    """The object's events, oldest first, or Http404 when the user may not see them."""
    check = _CHECKS.get(object_type)
    events = history(object_type, object_id)
    if check is not None:
        allowed = check(user, object_id)
    else:
        allowed = bool(events) and all(_bureau_side(user, event.chain) for event in events)
    if not allowed:
        raise Http404
    return events


def _bureau_side(user: object, chain: str) -> bool:
    kind, _sep, pk = chain.partition(":")
    if kind != "campaign":
        return False
    campaign = Campaign.objects.select_related("owner").filter(pk=int(pk) if pk.isdigit() else 0).first()
    if campaign is None:
        return False
    grant = campaign_access.campaign_access(user, campaign)
    return grant.organizer or grant.leader


def _campaign_check(user: object, object_id: str) -> bool:
    try:
        campaign_access.campaign_for(user, object_id)
    except Http404:
        return False
    return True


def _campaign_unit_check(user: object, object_id: str) -> bool:
    unit = CampaignUnit.objects.filter(pk=int(object_id) if object_id.isdigit() else 0).first()
    if unit is None:
        return False
    try:
        _campaign, grant = campaign_access.campaign_for(user, unit.campaign_id)
        campaign_access.unit_for(grant, unit.pk)
    except Http404:
        return False
    return True


def _organization_check(user: object, object_id: str) -> bool:
    try:
        access.org_for(user, object_id)
    except Http404:
        return False
    return True


register_history_check("campaign", _campaign_check)
register_history_check("campaign_unit", _campaign_unit_check)
register_history_check("organization", _organization_check)
