"""Reading one audit chain: a page of its events, its head and its verification.

A chain is named by a string (``campaign:<pk>``, ``rating-session:<pk>``, ``accounts``); the audit app
knows nothing of campaigns or organizations (it sits below them in the layers, docs/architecture.md).
Who may read which history is checked above it, in ``kaoping.web.audit_access``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import GENESIS, ChainCheck, verify_chain


def campaign_chain(campaign_id: int) -> str:
    """The name of a campaign's chain."""
    return f"campaign:{campaign_id}"


def chain_log(chain: str, page_number: str | None, per_page: int = 100) -> Page[AuditEvent]:
    """One page of the chain's events, newest first."""
    events = AuditEvent.objects.filter(chain=chain).select_related("actor").order_by("-seq")
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


def chain_head(chain: str) -> ChainHead:
    """The newest event's seq (= number of events in an intact chain) and hash, in one query."""
    last = AuditEvent.objects.filter(chain=chain).order_by("-seq").values_list("seq", "hash").first()
    return ChainHead(count=last[0], hash=last[1]) if last else ChainHead(count=0, hash=GENESIS)


def chain_check(chain: str, *, force: bool = False) -> ChainCheck | None:
    """The chain's verification, or None when it is long and nobody has verified this head yet.

    ``force`` re-hashes the whole chain (the organizer's explicit 校验 action) whatever its length.
    """
    head = chain_head(chain)
    if head.count <= AUTO_VERIFY_LIMIT:
        return verify_chain(chain)
    key = f"audit-chain-check:{chain}:{head.count}:{head.hash}"
    if not force:
        cached: ChainCheck | None = cache.get(key)
        return cached
    check = verify_chain(chain)
    cache.set(key, check, _CHECK_CACHE_SECONDS)
    return check
