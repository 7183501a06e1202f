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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

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


# A self-assessment row as fetched: unit_id, item_id, self_score, figures, level, triggered,
# not_applicable, note. Kept as the row itself: a dataclass per row costs 0.6 s at 200,000 rows.
_Entry = list[Any]


def _item_inputs(campaign: Campaign, scheme: Scheme, units: list[CampaignUnit]) -> tuple[ItemInput, ...]:
    submitted = assess.submitted_unit_ids(u.pk for u in units)
    rows = _value_rows(
        SelfAssessment.objects.filter(unit__campaign=campaign, unit_id__in=submitted),
        "unit_id",
        "item_id",
        "self_score",
        "figures",
        "level",
        "triggered",
        "not_applicable",
        "note",
    )
    entries: dict[tuple[int, str], _Entry] = {(row[0], row[1]): row for row in rows}
    department: dict[tuple[int, str], dict[str, Decimal | None]] = defaultdict(dict)
    for unit_id, item_id, name, value in _value_rows(
        DepartmentScore.objects.filter(unit__campaign=campaign), "unit_id", "item_id", "department__name", "score"
    ):
        department[(unit_id, item_id)][name] = value
    confirmed = {
        (unit_id, item_id): value
        for unit_id, item_id, value in _value_rows(
            ReviewScore.objects.filter(unit__campaign=campaign), "unit_id", "item_id", "confirmed_score"
        )
    }
    # (item, is split, its departments) per category, worked out once rather than once per unit
    items_by_category = {
        c.id: [_item_facts(ref.item) for ref in assess.leaf_items(scheme, c.id)] for c in scheme.categories
    }
    inputs: list[ItemInput] = []
    no_scores: dict[str, Decimal | None] = {}
    for unit in units:
        unit_pk = unit.pk
        engine_id = unit_key(unit_pk)
        for facts in items_by_category.get(unit.category, []):
            key = (unit_pk, facts.item_id)
            inputs.append(
                _item_input(engine_id, facts, entries.get(key), department.get(key, no_scores), confirmed.get(key))
            )
    return tuple(inputs)


@dataclass(frozen=True, slots=True)
class _ItemFacts:
    item: Indicator
    item_id: str
    split: bool
    departments: tuple[str, ...]


def _item_facts(item: Indicator) -> _ItemFacts:
    return _ItemFacts(item, item.id, assess.is_split(item), tuple(share.department for share in item.departments))


_ZERO = Decimal(0)


def _reviewed(facts: _ItemFacts, scores: dict[str, Decimal | None]) -> Decimal | None:
    """``assess.reviewed_from_departments`` with the common one-department case done inline."""
    if len(facts.departments) == 1:
        value = scores.get(facts.departments[0])
        # the same arithmetic as the general rule (sum from Decimal(0)), so the exponent is identical
        return None if value is None else _ZERO + value
    return assess.reviewed_from_departments(facts.item, scores)


def _value_rows(queryset: QuerySet[Any], *fields: str) -> Iterator[list[Any]]:
    """``queryset.values_list(*fields)`` rows, converting each distinct database value only once.

    Django converts every value of every row (SQLite decimals go float → Decimal → quantize, JSON is
    parsed each time); scores and figures repeat a handful of values over hundreds of thousands of rows.
    Converted values are shared between rows, so callers must not mutate them.
    """
    query = queryset.values_list(*fields).query
    compiler = query.get_compiler(using=queryset.db)
    connection = connections[queryset.db]
    results = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=10_000)
    if results is None:
        return
    columns = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = [
        (pos, _memoized(convs, expression, connection))
        for pos, (convs, expression) in compiler.get_converters(columns).items()
    ]
    for chunk in results:
        for raw in chunk:
            row = list(raw)
            for pos, convert in converters:
                row[pos] = convert(row[pos])
            yield row


def _memoized(convs: list[Callable[..., Any]], expression: Any, connection: Any) -> Callable[[Any], Any]:
    # Each entry remembers the raw type, so 1 never answers for 1.0; float zero is never stored
    # because 0.0 == -0.0 but they convert to Decimal("0.00") and Decimal("-0.00").
    cache: dict[Any, tuple[type, Any]] = {}

    def convert_uncached(value: Any) -> Any:
        for converter in convs:
            value = converter(value, expression, connection)
        return value

    def convert(value: Any) -> Any:
        kind = value.__class__
        try:
            hit = cache.get(value)
        except TypeError:  # unhashable raw value (e.g. a driver-decoded JSON dict)
            return convert_uncached(value)
        if hit is not None and hit[0] is kind:
            return hit[1]
        converted = convert_uncached(value)
        if hit is None and kind in _CACHEABLE and (value or kind is not float):
            cache[value] = (kind, converted)
        return converted

    return convert


_CACHEABLE = frozenset({str, int, float, bool, bytes, type(None)})


def _item_input(
    engine_id: str,
    facts: _ItemFacts,
    entry: _Entry | None,
    department_scores: dict[str, Decimal | None],
    confirmed: Decimal | None,
) -> ItemInput:
    item, split = facts.item, facts.split
    reviewed = None
    if department_scores and not split:
        reviewed = _reviewed(facts, department_scores)
    if entry is None:
        return ItemInput(
            unit_id=engine_id,
            item_id=item.id,
            reviewed_score=reviewed,
            confirmed_score=confirmed,
            department_scores={k: v for k, v in department_scores.items() if v is not None} if split else {},
        )
    _, _, self_score, figures, level, triggered, not_applicable, note = entry
    return ItemInput(
        unit_id=engine_id,
        item_id=item.id,
        self_score=self_score,
        reviewed_score=reviewed,
        confirmed_score=confirmed,
        figures={name: Decimal(value) for name, value in figures.items()} if figures else {},
        level=level or None,
        triggered=triggered,
        not_applicable=not_applicable,
        department_scores={k: v for k, v in department_scores.items() if v is not None} if split else {},
        note=note,
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
