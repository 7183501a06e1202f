"""A campaign's data version: what a stored result was computed from, and what changed since.

Every change to a score, status, file or the scheme appends to the campaign's audit chain, so the
chain head (seq and hash), the scheme version number, a fingerprint of the counted live-rating
ballots and one of the records of other campaigns that rules read (last year's 整改台账,
``engine.sources``) make the version. A few small queries (two more for a campaign that follows
last year's), read by every results page to tell whether the stored result is current.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaoping.audit.models import AuditEvent
from kaoping.campaigns import hooks
from kaoping.campaigns.models import Campaign
from kaoping.engine.sources import FIGURE_SOURCES
from kaoping.ratings.selectors import ballots_version

# Audit object types whose object_id names the unit ("<unit pk>:<item id>" or "<unit pk>"), and
# types that never change what results.inputs reads. Any other type means a full reload.
_UNIT_ITEM_TYPES = frozenset({"self_assessment", "department_score", "review_score", "evidence_link"})
_UNIT_TYPES = frozenset({"submission"})
_NO_INPUT_TYPES = frozenset({"evidence_file", "spot_check", "recusal", "publication", "objection"})


@dataclass(frozen=True, slots=True)
class Version:
    seq: int
    digest: str
    scheme_number: int
    ballots: str
    sources: str = ""  # records other than the campaign's own that rules read (last year's 整改台账)

    @property
    def key(self) -> str:
        return f"{self.seq}:{self.digest}:{self.scheme_number}:{self.ballots}:{self.sources}"


def chain_name(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def current_version(campaign: Campaign) -> Version:
    head = AuditEvent.objects.filter(chain=chain_name(campaign)).order_by("-seq").values_list("seq", "hash")
    seq, digest = head.first() or (0, "")
    number = campaign.scheme_versions.order_by("-number").values_list("number", flat=True).first() or 0
    sources = hooks.figure_sources_version(campaign, tuple(FIGURE_SOURCES))
    return Version(seq, digest[:16], number, ballots_version(campaign), sources)


def changed_units(campaign: Campaign, old: Version, new: Version, *, limit: int) -> set[int] | None:
    """Units whose item inputs may differ between two versions, or None: reload everything (the
    scheme or the records other campaigns keep changed, an event names no unit, the chain was
    replaced, or more than ``limit`` units changed). The ballots are not units' item inputs: a
    caller compares ``old.ballots`` with ``new.ballots`` and reloads them when they differ (a live
    rating closes one unit after another, each a new fingerprint)."""
    if old.scheme_number != new.scheme_number or old.sources != new.sources:
        return None
    if new.seq < old.seq:
        return None
    events = AuditEvent.objects.filter(chain=chain_name(campaign), seq__gte=old.seq, seq__lte=new.seq)
    units: set[int] = set()
    seen_base = old.seq == 0
    for seq, digest, object_type, object_id in events.values_list("seq", "hash", "object_type", "object_id"):
        if seq == old.seq:
            if digest[:16] != old.digest:  # the chain was replaced (a restored database)
                return None
            seen_base = True
        elif object_type in _UNIT_ITEM_TYPES:
            units.add(int(object_id.partition(":")[0]))
        elif object_type in _UNIT_TYPES:
            units.add(int(object_id))
        elif object_type not in _NO_INPUT_TYPES:
            return None
        if len(units) > limit:
            return None
    return units if seen_base else None
