"""Runs the scoring engine on the data stored for a campaign.

Self-assessment data counts once the unit has submitted it (drafts are the unit's own business);
department and review scores count as soon as they are saved. Which score counts for an item is
the scheme's ``score_basis`` (confirmed → reviewed → self), applied by the engine.

Results are cached per campaign (in process), keyed on the campaign's audit-chain head: every change to a
score, status or file appends to that chain, so the key changes exactly when the data does. Live
rating ballots are read on every call (one query) and their digest is part of the key.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kaoping.assessments import selectors as assess
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine import score
from kaoping.engine.inputs import Ballot, ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.model import Indicator, Scheme
from kaoping.engine.results import CampaignResult


def unit_key(unit: CampaignUnit | int) -> str:
    """The engine's unit id for a campaign unit."""
    return str(unit if isinstance(unit, int) else unit.pk)


def data_version(campaign: Campaign) -> tuple[int, str, int]:
    """Changes whenever a score, status, file or scheme version of the campaign changes.

    The audit chain's head hash covers every audited change, so it is the data version.
    """
    head = AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}").order_by("-seq").values_list("seq", "hash")
    seq, digest = head.first() or (0, "")
    version = campaign.scheme_versions.order_by("-number").values_list("number", flat=True).first() or 0
    return (seq, digest[:16], version)


def compute_campaign_result(campaign: Campaign, *, use_cache: bool = True) -> CampaignResult:
    """Load the stored data into engine Inputs and score it with the campaign's scheme."""
    ballots = _ballots(campaign)
    ballot_digest = hashlib.sha256(repr(ballots).encode()).hexdigest()[:16] if ballots else "-"
    key = f"kaoping:result:{campaign.pk}:{':'.join(map(str, data_version(campaign)))}:{ballot_digest}"
    if use_cache:
        with _LOCK:
            cached = _RESULTS.get(campaign.pk)
        if cached is not None and cached[0] == key:
            return cached[1]
    scheme = assess.scheme_for(campaign)
    result = score(scheme, build_inputs(campaign, scheme, ballots=ballots))
    if use_cache:
        with _LOCK:
            _RESULTS.pop(campaign.pk, None)
            _RESULTS[campaign.pk] = (key, result)
            while len(_RESULTS) > _MAX_CACHED:
                _RESULTS.pop(next(iter(_RESULTS)))
    return result


# In-process cache of immutable results: a shared cache would pickle and unpickle tens of
# thousands of dataclasses per request (0.5 s at 200 units), more than recomputing costs.
_RESULTS: dict[int, tuple[str, CampaignResult]] = {}
_LOCK = threading.Lock()
_MAX_CACHED = 16


def clear_result_cache() -> None:
    with _LOCK:
        _RESULTS.clear()


def build_inputs(campaign: Campaign, scheme: Scheme, *, ballots: tuple[Ballot, ...] | None = None) -> Inputs:
    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))
    engine_units = tuple(Unit(id=unit_key(u), name=u.organization.name, category=u.category) for u in units)
    return Inputs(
        units=engine_units,
        items=_item_inputs(campaign, scheme, units),
        ballots=_ballots(campaign) if ballots is None else ballots,
        imported=_imported(campaign),
    )


@dataclass(frozen=True, slots=True)
class _Entry:
    self_score: Decimal | None
    figures: dict[str, str]
    level: str
    triggered: bool | None
    not_applicable: bool
    note: str


def _item_inputs(campaign: Campaign, scheme: Scheme, units: list[CampaignUnit]) -> tuple[ItemInput, ...]:
    submitted = assess.submitted_unit_ids(u.pk for u in units)
    rows = SelfAssessment.objects.filter(unit__campaign=campaign, unit_id__in=submitted).values_list(
        "unit_id", "item_id", "self_score", "figures", "level", "triggered", "not_applicable", "note"
    )
    entries = {(row[0], row[1]): _Entry(*row[2:]) for row in rows}
    department: dict[tuple[int, str], dict[str, Decimal | None]] = defaultdict(dict)
    for unit_id, item_id, name, value in DepartmentScore.objects.filter(unit__campaign=campaign).values_list(
        "unit_id", "item_id", "department__name", "score"
    ):
        department[(unit_id, item_id)][name] = value
    confirmed = {
        (unit_id, item_id): value
        for unit_id, item_id, value in ReviewScore.objects.filter(unit__campaign=campaign).values_list(
            "unit_id", "item_id", "confirmed_score"
        )
    }
    # (item, is split) per category, worked out once rather than once per unit
    items_by_category = {
        c.id: [(ref.item, assess.is_split(ref.item)) for ref in assess.leaf_items(scheme, c.id)]
        for c in scheme.categories
    }
    inputs: list[ItemInput] = []
    no_scores: dict[str, Decimal | None] = {}
    for unit in units:
        unit_pk = unit.pk
        engine_id = unit_key(unit_pk)
        for item, split in items_by_category.get(unit.category, []):
            key = (unit_pk, item.id)
            inputs.append(
                _item_input(
                    engine_id, item, split, entries.get(key), department.get(key, no_scores), confirmed.get(key)
                )
            )
    return tuple(inputs)


def _item_input(
    engine_id: str,
    item: Indicator,
    split: bool,
    entry: _Entry | None,
    department_scores: dict[str, Decimal | None],
    confirmed: Decimal | None,
) -> ItemInput:
    reviewed = None
    if department_scores and not split:
        reviewed = assess.reviewed_from_departments(item, department_scores)
    if entry is None:
        return ItemInput(
            unit_id=engine_id,
            item_id=item.id,
            reviewed_score=reviewed,
            confirmed_score=confirmed,
            department_scores={k: v for k, v in department_scores.items() if v is not None} if split else {},
        )
    return ItemInput(
        unit_id=engine_id,
        item_id=item.id,
        self_score=entry.self_score,
        reviewed_score=reviewed,
        confirmed_score=confirmed,
        figures={name: Decimal(value) for name, value in entry.figures.items()} if entry.figures else {},
        level=entry.level or None,
        triggered=entry.triggered,
        not_applicable=entry.not_applicable,
        department_scores={k: v for k, v in department_scores.items() if v is not None} if split else {},
        note=entry.note,
    )


def _ballots(campaign: Campaign) -> tuple[Ballot, ...]:
    """Live-rating ballots, when the ratings app provides them."""
    try:
        module = importlib.import_module("kaoping.ratings.selectors")
    except ImportError:
        return ()
    engine_ballots = getattr(module, "engine_ballots", None)
    return tuple(engine_ballots(campaign)) if callable(engine_ballots) else ()


def _imported(campaign: Campaign) -> tuple[ImportedScore, ...]:
    """Scores assessed elsewhere (折算 components), when the external app provides them."""
    try:
        module = importlib.import_module("kaoping.external.selectors")
    except ImportError:
        return ()
    engine_imported_scores = getattr(module, "engine_imported_scores", None)
    return tuple(engine_imported_scores(campaign)) if callable(engine_imported_scores) else ()
