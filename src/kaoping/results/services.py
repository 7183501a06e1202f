"""Runs the scoring engine on the data stored for a campaign, and keeps the result current.

Self-assessment data counts once the unit has submitted it (drafts are the unit's own business);
department and review scores count as soon as they are saved. Which score counts for an item is
the scheme's ``score_basis`` (confirmed → reviewed → self), applied by the engine.

**Version.** Every change to a score, status or file appends to the campaign's audit chain, so the
chain head (seq and hash), the scheme version number and a digest of the live-rating ballots
(read on every call, one query) make the data version (``version_key``).

**In process** (per worker) each campaign keeps a ``_State``: the engine inputs per unit, the
engine's ``IndicatorMemo`` and the last result. After a change only the units named by the new
audit events (``seq`` above the state's) are reloaded; an event that cannot be attributed to a
unit (scheme, unit list, imported scores, phases, …) reloads everything. The engine then reuses
the indicator outcome of every unit whose inputs are exactly unchanged and reruns all cross-unit
stages, so the result is the full run's, digit for digit.

**Across processes** every computed result is saved as a small ``StandingsSnapshot`` (what the
standings table shows) with its version. A process without a current result renders the
standings from the snapshot, says when it is stale, and computes in a background thread (one per
campaign per process) — see docs/decisions/standings-snapshots.md.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from kaoping.assessments import selectors as assess
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine.inputs import Ballot, ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.model import Indicator, Scheme
from kaoping.engine.results import CampaignResult, Flag, FlagCode, UnitResult
from kaoping.engine.scoring import IndicatorMemo, score
from kaoping.results.models import StandingsSnapshot

log = logging.getLogger(__name__)


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


@dataclass(frozen=True, slots=True)
class Version:
    seq: int
    digest: str
    scheme_number: int
    ballots: tuple[Ballot, ...]
    key: str


def version_key(campaign: Campaign) -> Version:
    """The campaign's data version now (three queries: chain head, scheme version, ballots)."""
    seq, digest, number = data_version(campaign)
    ballots = _ballots(campaign)
    ballot_digest = hashlib.sha256(repr(ballots).encode()).hexdigest()[:16] if ballots else "-"
    return Version(seq, digest, number, ballots, f"{seq}:{digest}:{number}:{ballot_digest}")


@dataclass(slots=True)
class _State:
    """One campaign's engine inputs and result in this process, at ``version``."""

    version: Version
    scheme: Scheme
    units: list[CampaignUnit]
    rows: dict[int, tuple[ItemInput, ...]]
    memo: IndicatorMemo
    result: CampaignResult
    computed_at: datetime
    seconds: float
    reloaded_units: int | None  # None: everything was loaded
    inputs: int  # (unit, item) inputs


# In-process states of immutable results: a shared cache would pickle and unpickle tens of
# thousands of dataclasses per request (0.5 s at 200 units), more than recomputing costs.
_STATES: dict[int, _State] = {}
_LOCK = threading.Lock()
_MAX_CACHED = 16
_COMPUTE_LOCKS: dict[int, threading.Lock] = {}
_RUNNING: set[int] = set()

# A campaign with at most this many (unit, item) inputs is computed inline on first view (well
# under 0.3 s); larger ones are computed in the background while the snapshot is shown.
INLINE_MAX_INPUTS = 5_000
# A change touching at most this many units is recomputed inline (reload those units, rerun the
# engine with the memo); more go to the background.
INLINE_MAX_UNITS = 20
# Reloading more units than this one by one is slower than reloading everything.
INCREMENTAL_MAX_UNITS = 400

# Audit object types whose object_id names the unit ("<unit pk>:<item id>" or "<unit pk>"), and
# types that never change what build_inputs reads. Any other type means a full reload.
_UNIT_ITEM_TYPES = frozenset({"self_assessment", "department_score", "review_score", "evidence_link"})
_UNIT_TYPES = frozenset({"submission"})
_NO_INPUT_TYPES = frozenset({"evidence_file", "spot_check", "recusal"})


def clear_result_cache() -> None:
    """Forget every in-process state, as a fresh worker starts (tests, benchmarks)."""
    with _LOCK:
        _STATES.clear()
        _RUNNING.clear()


def _compute_lock(campaign_pk: int) -> threading.Lock:
    with _LOCK:
        return _COMPUTE_LOCKS.setdefault(campaign_pk, threading.Lock())


def compute_campaign_result(campaign: Campaign, *, use_cache: bool = True) -> CampaignResult:
    """The campaign's current result, computed now if need be (incrementally when this process
    has an earlier state). ``use_cache=False``: a full run from scratch that touches no state."""
    version = version_key(campaign)
    if not use_cache:
        return _compute(campaign, None, version, None).result
    state = _cached(campaign.pk, version)
    if state is not None:
        return state.result
    with _compute_lock(campaign.pk):
        return _refresh_locked(campaign, version).result


def current_result(campaign: Campaign, version: Version | None = None) -> CampaignResult | None:
    """The current result if it can be had within a page's time, else None (then the caller shows
    the snapshot and calls ``start_background``)."""
    version = version or version_key(campaign)
    state = _cached(campaign.pk, version)
    if state is not None:
        return state.result
    with _LOCK:
        previous = _STATES.get(campaign.pk)
    if previous is None:
        if _estimated_inputs(campaign) > INLINE_MAX_INPUTS:
            return None
    elif previous.inputs > INLINE_MAX_INPUTS:  # a small campaign is simply recomputed
        changed = _changed_units(campaign, previous.version, version)
        if changed is None or len(changed) > INLINE_MAX_UNITS:
            return None
    lock = _compute_lock(campaign.pk)
    if not lock.acquire(timeout=0.05):  # a background run holds it: show the snapshot meanwhile
        return None
    try:
        return _refresh_locked(campaign, version).result
    finally:
        lock.release()


def cached_state(campaign: Campaign, version: Version | None = None) -> _State | None:
    """This process's state if it is at the current version (no computing)."""
    return _cached(campaign.pk, version or version_key(campaign))


def _cached(campaign_pk: int, version: Version) -> _State | None:
    with _LOCK:
        state = _STATES.get(campaign_pk)
    return state if state is not None and state.version.key == version.key else None


def _refresh_locked(campaign: Campaign, version: Version) -> _State:
    """With the campaign's compute lock held: bring the state to ``version`` and save the snapshot."""
    with _LOCK:
        previous = _STATES.get(campaign.pk)
    if previous is not None and previous.version.key == version.key:
        return previous
    changed = _changed_units(campaign, previous.version, version) if previous is not None else None
    state = _compute(campaign, previous, version, changed)
    with _LOCK:
        _STATES.pop(campaign.pk, None)
        _STATES[campaign.pk] = state
        while len(_STATES) > _MAX_CACHED:
            _STATES.pop(next(iter(_STATES)))
    save_snapshot(campaign, state)
    if state.reloaded_units is None and state.inputs > INLINE_MAX_INPUTS:
        _freeze_long_lived()
    return state


def _freeze_long_lived() -> None:
    """Keep the cyclic garbage collector off a large new state.

    A 2,000-unit state holds ≈0.5 million objects that live until the next full load and form no
    reference cycles (they are freed by reference counting). Left to the collector, every
    full (generation 2) pass walks all of them: ≈0.25 s, landing on whichever page request trips
    it. Collect once now, then move everything alive into the permanent generation."""
    gc.collect()
    gc.freeze()


def _estimated_inputs(campaign: Campaign) -> int:
    scheme = assess.scheme_for(campaign)
    leaves = max((len(assess.leaf_items(scheme, c.id)) for c in scheme.categories), default=0)
    return CampaignUnit.objects.filter(campaign=campaign).count() * max(leaves, 1)


def _changed_units(campaign: Campaign, old: Version, new: Version) -> set[int] | None:
    """Units whose stored inputs may differ between two versions, or None: reload everything."""
    if old.scheme_number != new.scheme_number or old.ballots != new.ballots or new.seq < old.seq:
        return None
    events = AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", seq__gte=old.seq, seq__lte=new.seq)
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
        if len(units) > INCREMENTAL_MAX_UNITS:
            return None
    return units if seen_base else None


def _compute(campaign: Campaign, previous: _State | None, version: Version, changed: set[int] | None) -> _State:
    started = time.perf_counter()
    scheme = assess.scheme_for(campaign)
    if previous is not None and changed is not None and previous.scheme is scheme:
        memo = previous.memo
        units = previous.units
        rows = dict(previous.rows)
        fresh = _item_inputs(campaign, scheme, [u for u in units if u.pk in changed])
        rows.update({pk: fresh.get(pk, ()) for pk in changed if pk in rows})
        reloaded: int | None = len(changed)
    else:
        # every input is a new object: comparing them all would cost what scoring them costs
        memo = IndicatorMemo()
        units = _units(campaign)
        rows = _item_inputs(campaign, scheme, units)
        reloaded = None
    inputs = Inputs(
        units=tuple(Unit(id=unit_key(u), name=u.organization.name, category=u.category) for u in units),
        items=tuple(item for u in units for item in rows.get(u.pk, ())),
        ballots=version.ballots,
        imported=_imported(campaign),
    )
    result = score(scheme, inputs, memo=memo)
    count = len(inputs.items)
    return _State(
        version=version,
        scheme=scheme,
        units=units,
        rows=rows,
        memo=memo,
        result=result,
        computed_at=timezone.now(),
        seconds=time.perf_counter() - started,
        reloaded_units=reloaded,
        inputs=count,
    )


def _units(campaign: Campaign) -> list[CampaignUnit]:
    return list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))


def build_inputs(campaign: Campaign, scheme: Scheme, *, ballots: tuple[Ballot, ...] | None = None) -> Inputs:
    units = _units(campaign)
    rows = _item_inputs(campaign, scheme, units)
    return Inputs(
        units=tuple(Unit(id=unit_key(u), name=u.organization.name, category=u.category) for u in units),
        items=tuple(item for u in units for item in rows.get(u.pk, ())),
        ballots=_ballots(campaign) if ballots is None else ballots,
        imported=_imported(campaign),
    )


# ---- the background and the snapshot --------------------------------------------------------


def start_background(campaign: Campaign) -> bool:
    """Bring this process's state to the current version in a background thread (at most one per
    campaign per process). False when one is running already."""
    with _LOCK:
        if campaign.pk in _RUNNING:
            return False
        _RUNNING.add(campaign.pk)
    spawn(_background, campaign.pk)
    return True


def _spawn_thread(target: Callable[[int], None], campaign_pk: int) -> None:
    threading.Thread(target=target, args=(campaign_pk,), name=f"kaoping-results-{campaign_pk}", daemon=True).start()


# How background work is started; tests replace it to run the work inline or not at all.
spawn: Callable[[Callable[[int], None], int], None] = _spawn_thread


def background_running(campaign: Campaign) -> bool:
    with _LOCK:
        return campaign.pk in _RUNNING


def wait_for_background(timeout: float = 60.0) -> bool:
    """Wait until no background run is going on in this process (benchmarks, tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _LOCK:
            if not _RUNNING:
                return True
        time.sleep(0.01)
    return False


def _background(campaign_pk: int) -> None:
    try:
        campaign = Campaign.objects.get(pk=campaign_pk)
        with _compute_lock(campaign_pk):
            _refresh_locked(campaign, version_key(campaign))
    except Exception:  # logged; the page keeps saying it is computing and the next view retries
        log.exception("background result computation failed for campaign %s", campaign_pk)
    finally:
        with _LOCK:
            _RUNNING.discard(campaign_pk)
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()


@dataclass(frozen=True, slots=True)
class SnapshotComponent:
    component_id: str
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class SnapshotUnit:
    """What the standings table shows of a UnitResult (same attribute names)."""

    unit_id: str
    name: str
    category: str
    total: Decimal | None
    max: Decimal
    grade: str | None
    stars: str | None
    rank: int | None
    components: tuple[SnapshotComponent, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class Standings:
    """What the standings page shows: the current result, or the last snapshot (``stale`` when
    the data changed since), or nothing yet (``units is None``: still computing)."""

    units: tuple[UnitResult, ...] | tuple[SnapshotUnit, ...] | None
    flags: tuple[Flag, ...] = ()
    stale: bool = False
    computed_at: datetime | None = None
    version: str = ""
    source: str = "result"  # result / snapshot / none


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _flags_data(flags: Iterable[Flag]) -> list[list[str | None]]:
    return [[str(f.code), f.message, f.ref] for f in flags]


def _flags(data: list[list[Any]]) -> tuple[Flag, ...]:
    return tuple(Flag(FlagCode(code), message, ref) for code, message, ref in data)


def snapshot_data(result: CampaignResult) -> dict[str, Any]:
    """The standings of a result as JSON (Decimals as exact strings, missing as null)."""
    return {
        "units": [
            {
                "id": u.unit_id,
                "name": u.name,
                "category": u.category,
                "total": _text(u.total),
                "max": str(u.max),
                "grade": u.grade,
                "stars": u.stars,
                "rank": u.rank,
                "components": [[c.component_id, _text(c.score)] for c in u.components],
                "flags": _flags_data(u.flags),
            }
            for u in result.units
        ],
        "flags": _flags_data(result.flags),
    }


def snapshot_units(data: dict[str, Any]) -> tuple[SnapshotUnit, ...]:
    return tuple(
        SnapshotUnit(
            unit_id=u["id"],
            name=u["name"],
            category=u["category"],
            total=_dec(u["total"]),
            max=Decimal(u["max"]),
            grade=u["grade"],
            stars=u["stars"],
            rank=u["rank"],
            components=tuple(SnapshotComponent(cid, _dec(value)) for cid, value in u["components"]),
            flags=_flags(u["flags"]),
        )
        for u in data["units"]
    )


def save_snapshot(campaign: Campaign, state: _State) -> None:
    """Save the state's standings unless a newer snapshot is there already (another process)."""
    values = {
        "version": state.version.key,
        "seq": state.version.seq,
        "computed_at": state.computed_at,
        "seconds": round(state.seconds, 3),
        "data": snapshot_data(state.result),
    }
    updated = StandingsSnapshot.objects.filter(campaign=campaign, seq__lte=state.version.seq).update(**values)
    if not updated and not StandingsSnapshot.objects.filter(campaign=campaign).exists():
        StandingsSnapshot.objects.create(campaign=campaign, **values)


def standings(campaign: Campaign) -> Standings:
    """The standings to show now, never stale without saying so.

    The current result when it can be had within a page's time; otherwise a background run is
    started and the last snapshot is shown (stale or not), or nothing yet."""
    version = version_key(campaign)
    state = _cached(campaign.pk, version)
    result = state.result if state is not None else current_result(campaign, version)
    if result is None:
        start_background(campaign)
        state = _cached(campaign.pk, version)  # a background run may finish at once (tests run it inline)
        if state is not None:
            result = state.result
    if result is not None:
        state = state or _cached(campaign.pk, version)
        return Standings(
            units=result.units,
            flags=result.flags,
            computed_at=state.computed_at if state is not None else None,
            version=version.key,
        )
    snapshot = StandingsSnapshot.objects.filter(campaign=campaign).first()
    if snapshot is None:
        return Standings(units=None, stale=True, version=version.key, source="none")
    return Standings(
        units=snapshot_units(snapshot.data),
        flags=_flags(snapshot.data["flags"]),
        stale=snapshot.version != version.key,
        computed_at=snapshot.computed_at,
        version=version.key,
        source="snapshot",
    )


def standings_ready(campaign: Campaign) -> bool:
    """Whether the standings page would now show current numbers (for the page's polling)."""
    version = version_key(campaign)
    if _cached(campaign.pk, version) is not None:
        return True
    return StandingsSnapshot.objects.filter(campaign=campaign, version=version.key).exists()


def result_or_start(campaign: Campaign) -> CampaignResult | None:
    """The current result for a unit's pages, or None after starting a background run."""
    version = version_key(campaign)
    result = current_result(campaign, version)
    if result is None:
        start_background(campaign)
        state = cached_state(campaign, version)
        result = state.result if state is not None else None
    return result


# A self-assessment row as fetched: unit_id, item_id, self_score, figures, level, triggered,
# not_applicable, note. Kept as the row itself: a dataclass per row costs 0.6 s at 200,000 rows.
_Entry = list[Any]


def _item_inputs(campaign: Campaign, scheme: Scheme, units: list[CampaignUnit]) -> dict[int, tuple[ItemInput, ...]]:
    """unit pk → its ItemInputs in scheme order. Four queries for any number of units; with a
    few units (an incremental reload) the queries name them."""
    if not units:
        return {}
    every = len(units) > INCREMENTAL_MAX_UNITS
    only: dict[str, Any] = {} if every else {"unit_id__in": [u.pk for u in units]}
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
        DepartmentScore.objects.filter(unit__campaign=campaign, **only),
        "unit_id",
        "item_id",
        "scheme_department",  # the scheme's name for the share (assessments.department_map)
        "score",
    ):
        department[(unit_id, item_id)][name] = value
    confirmed = {
        (unit_id, item_id): (value, reason)
        for unit_id, item_id, value, reason in _value_rows(
            ReviewScore.objects.filter(unit__campaign=campaign, **only),
            "unit_id",
            "item_id",
            "confirmed_score",
            "reason",
        )
    }
    # (item, is split, its departments) per category, worked out once rather than once per unit
    items_by_category = {
        c.id: [_item_facts(ref.item) for ref in assess.leaf_items(scheme, c.id)] for c in scheme.categories
    }
    by_unit: dict[int, tuple[ItemInput, ...]] = {}
    no_scores: dict[str, Decimal | None] = {}
    for unit in units:
        unit_pk = unit.pk
        engine_id = unit_key(unit_pk)
        by_unit[unit_pk] = tuple(
            _item_input(
                engine_id,
                facts,
                entries.get((unit_pk, facts.item_id)),
                department.get((unit_pk, facts.item_id), no_scores),
                confirmed.get((unit_pk, facts.item_id), _NOT_CONFIRMED),
            )
            for facts in items_by_category.get(unit.category, [])
        )
    return by_unit


@dataclass(frozen=True, slots=True)
class _ItemFacts:
    item: Indicator
    item_id: str
    split: bool
    departments: tuple[str, ...]


def _item_facts(item: Indicator) -> _ItemFacts:
    return _ItemFacts(item, item.id, assess.is_split(item), tuple(share.department for share in item.departments))


_ZERO = Decimal(0)
_NOT_CONFIRMED: tuple[Decimal | None, str] = (None, "")


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
    review: tuple[Decimal | None, str],
) -> ItemInput:
    item, split = facts.item, facts.split
    confirmed, review_note = review
    reviewed = None
    if department_scores and not split:
        reviewed = _reviewed(facts, department_scores)
    if entry is None:
        return ItemInput(
            unit_id=engine_id,
            item_id=item.id,
            reviewed_score=reviewed,
            confirmed_score=confirmed,
            review_note=review_note if confirmed is not None else "",
            department_scores={k: v for k, v in department_scores.items() if v is not None} if split else {},
        )
    _, _, self_score, figures, level, triggered, not_applicable, note = entry
    return ItemInput(
        unit_id=engine_id,
        item_id=item.id,
        self_score=self_score,
        reviewed_score=reviewed,
        confirmed_score=confirmed,
        review_note=review_note if confirmed is not None else "",
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
