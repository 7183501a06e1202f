"""Reading the audit trail with access checks: a foreign object's history is a 404.

Every audit event lives on a chain ``campaign:<pk>`` (or another app's chain). Who may read the
history of one object depends on its type; apps register a check per type with
``register_history_check``. A type nobody registered is readable only by the bureau side of the
campaign (organizer, administrator, leader), never by units or departments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import Http404

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import GENESIS, ChainCheck, history, verify_chain
from kaoping.campaigns.models import Campaign
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
    grant = access.campaign_access(user, campaign)
    return grant.organizer or grant.leader


def _campaign_check(user: object, object_id: str) -> bool:
    try:
        access.campaign_for(user, object_id)
    except Http404:
        return False
    return True


def _campaign_unit_check(user: object, object_id: str) -> bool:
    from kaoping.campaigns.models import CampaignUnit

    unit = CampaignUnit.objects.filter(pk=int(object_id) if object_id.isdigit() else 0).first()
    if unit is None:
        return False
    try:
        _campaign, grant = access.campaign_for(user, unit.campaign_id)
        access.unit_for(grant, unit.pk)
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


def campaign_log(campaign: Campaign, page_number: str | None, per_page: int = 100) -> Page[AuditEvent]:
    events = AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}").select_related("actor").order_by("-seq")
    return Paginator(events, per_page).get_page(page_number)


# Up to this many events the log page verifies the chain on every view (milliseconds). A longer
# chain (a 2,000-unit campaign writes 200,000+ events: ~1 min of hashing) is verified only when the
# organizer asks; the result is remembered for that exact chain head, so later views show it free.
AUTO_VERIFY_LIMIT = 5_000
_CHECK_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class ChainHead:
    count: int
    hash: str


def chain_head(campaign: Campaign) -> ChainHead:
    """The newest event's seq (= number of events in an intact chain) and hash, in one query."""
    last = (
        AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}").order_by("-seq").values_list("seq", "hash").first()
    )
    return ChainHead(count=last[0], hash=last[1]) if last else ChainHead(count=0, hash=GENESIS)


def campaign_chain_check(campaign: Campaign, *, force: bool = False) -> ChainCheck | None:
    """The chain's verification, or None when it is long and nobody has verified this head yet.

    ``force`` re-hashes the whole chain (the organizer's explicit 校验 action) whatever its length.
    """
    chain = f"campaign:{campaign.pk}"
    head = chain_head(campaign)
    if head.count <= AUTO_VERIFY_LIMIT:
        return verify_chain(chain)
    key = f"audit-chain-check:{chain}:{head.count}:{head.hash}"
    if not force:
        cached: ChainCheck | None = cache.get(key)
        return cached
    check = verify_chain(chain)
    cache.set(key, check, _CHECK_CACHE_SECONDS)
    return check
