"""Computing a campaign's result and storing it: the worker's side of results.

``recompute`` is what the task runs. A worker process keeps, per campaign, the engine inputs per
unit, the engine's ``IndicatorMemo`` and the last result (``_State``). After a change only the
units named by the new audit events are reloaded and the engine reuses every unchanged unit's
indicator outcome, so the numbers are the full run's, digit for digit, in a fraction of the time.
Web processes never call this module's recompute: they read what it stored (results.services).

Storing writes the campaign's ``StoredStandings`` and one ``StoredUnitResult`` per unit in one
transaction, so a page sees the whole old result or the whole new one. After an incremental run
only units whose result changed are rewritten. On PostgreSQL the rows go in with COPY (a
province's 20,000 rows of explained trees are ≈250 MB of JSON: ``bulk_create`` spends most of its
time quoting them into array literals); elsewhere with ``bulk_create`` in batches.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from kaoping.assessments import selectors as assess
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine import codec
from kaoping.engine.inputs import Inputs, ItemInput, Unit
from kaoping.engine.model import Scheme
from kaoping.engine.results import CampaignResult, UnitResult
from kaoping.engine.scoring import IndicatorMemo, score
from kaoping.results import inputs
from kaoping.results.models import StoredStandings, StoredUnitResult, compact_json
from kaoping.results.versions import Version, changed_units, current_version

# A change touching more units than this reloads everything (one query per table either way).
INCREMENTAL_MAX_UNITS = inputs.INCREMENTAL_MAX_UNITS
STORE_BATCH = 500

Report = Callable[[int, int, str], None]


def _silent(done: int, total: int, step: str) -> None:
    return None


@dataclass(slots=True)
class _State:
    """One campaign's engine inputs and result in this worker, at ``version``."""

    version: Version
    scheme: Scheme
    units: list[CampaignUnit]
    rows: dict[int, tuple[ItemInput, ...]]
    engine_units: tuple[Unit, ...]
    ballots: inputs.CountedBallots
    memo: IndicatorMemo
    result: CampaignResult
    computed_at: datetime
    seconds: float
    changed: set[int] | None  # units reloaded; None: everything was loaded


# Worker-process memory only (a task worker runs one task at a time). The newest few campaigns.
_STATES: dict[int, _State] = {}
_MAX_STATES = 8


def forget_states() -> None:
    """Forget every in-process state, as a fresh worker starts (tests, benchmarks)."""
    _STATES.clear()


def compute_campaign_result(campaign: Campaign) -> CampaignResult:
    """The campaign's result from its data now, computed from scratch (touches no stored state)."""
    with _collector_paused():
        return _compute(campaign, None, current_version(campaign), None, _silent).result


def recompute(campaign: Campaign, report: Report = _silent) -> _State:
    """Bring the stored result to the campaign's current data (incrementally when this worker
    computed the campaign before) and return the state it stored."""
    version = current_version(campaign)
    previous = _STATES.get(campaign.pk)
    changed = None
    if previous is not None:
        changed = changed_units(campaign, previous.version, version, limit=INCREMENTAL_MAX_UNITS)
    if changed is None:  # a full load, whose state may be frozen afterwards: see _keep_from_collector
        gc.collect()
    with _collector_paused():
        state = _compute(campaign, previous, version, changed, report)
        _STATES.pop(campaign.pk, None)
        _STATES[campaign.pk] = state
        while len(_STATES) > _MAX_STATES:
            _STATES.pop(next(iter(_STATES)))
        store(campaign, state, previous, report)
        # before the collector is on again: its first pass would walk the whole new state
        _keep_from_collector(state)
    return state


# A kept state of at least this many item inputs is moved out of the collector's reach once stored.
KEEP_FROM_COLLECTOR_ITEMS = 100_000


def _keep_from_collector(state: _State) -> None:
    """A province-scale state (millions of objects without cycles, kept until the next run) moved
    out of the cyclic collector's reach (``gc.freeze``). Otherwise the collector, paused while the
    state was built, walks all of it on its next passes, during the following runs: a changed
    score's recompute at 20,000 units took 1.2–2.8 s instead of 0.9 s. Frozen objects are still
    freed when the state is replaced (by their reference counts). Called while the collector is
    still paused: the objects a run made are all in its youngest generation, and the first
    allocation after ``gc.enable()`` would start a pass over all of them (1.2 s at 20,000 units).

    Garbage is collected before a full load (``recompute``), while little is alive outside the
    frozen states, rather than here: a collection now walks the whole new state for nothing (1.4 s
    at 20,000 units, after a 20 s run, and it found no cycle), and a run makes no cycles for the
    freeze to keep. Only after a full load: an incremental run adds the new results (≈100,000
    objects at 20,000 units), which the collector walks after the task at little cost. A small
    campaign's state is left to the collector."""
    if state.changed is not None or sum(len(items) for items in state.rows.values()) < KEEP_FROM_COLLECTOR_ITEMS:
        return
    gc.freeze()


def _compute(
    campaign: Campaign, previous: _State | None, version: Version, changed: set[int] | None, report: Report
) -> _State:
    started = time.perf_counter()
    report(0, 0, "读取考核数据")
    scheme = assess.scheme_for(campaign)
    if previous is not None and changed is not None and previous.scheme is scheme:
        # The same units and scheme (``changed_units`` answers None when the scheme moved): only
        # the changed units' item rows are read again, and the ballots when their fingerprint moved
        # (the engine then aggregates the ratings again; every unit's item outcome is reused).
        memo, units, engine_units = previous.memo, previous.units, previous.engine_units
        ballots = previous.ballots
        if previous.version.ballots != version.ballots:
            ballots = inputs.counted_ballots(campaign, previous.ballots)  # the sessions that moved
        rows = dict(previous.rows)
        fresh = inputs.item_inputs(campaign, scheme, [u for u in units if u.pk in changed])
        rows.update({pk: fresh.get(pk, ()) for pk in changed if pk in rows})
    else:
        # every input is a new object: comparing them all would cost what scoring them costs
        memo, units, changed = IndicatorMemo(), inputs.load_units(campaign), None
        rows = inputs.item_inputs(campaign, scheme, units)
        engine_units, ballots = inputs.engine_units(units), inputs.counted_ballots(campaign)
    engine_inputs = Inputs(
        units=engine_units,
        # each unit's tuple as kept: an unchanged unit's is the previous run's very object
        unit_items={inputs.unit_key(pk): items for pk, items in rows.items()},
        # per session, each unmoved session's tuple as kept: the engine counts only the moved ones
        ballot_batches=tuple(ballots.by_session.values()),
        imported=inputs.imported_of(campaign),
    )
    report(0, 0, "计算得分")
    result = score(scheme, engine_inputs, memo=memo)
    return _State(
        version=version,
        scheme=scheme,
        units=units,
        rows=rows,
        engine_units=engine_units,
        ballots=ballots,
        memo=memo,
        result=result,
        computed_at=timezone.now(),
        seconds=time.perf_counter() - started,
        changed=changed,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a run loads and scores (and, in ``recompute``,
    stores): a province-scale run allocates millions of small objects (2,000,000 item inputs, their
    results) and no reference cycles, and the collector walking them again and again was a third of
    the engine's time and a third of the load's at 20,000 units (the engine leaves this to its caller)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def store(campaign: Campaign, state: _State, previous: _State | None, report: Report = _silent) -> None:
    """Write the state's result unless a newer one is stored already (another worker)."""
    with transaction.atomic():
        head = StoredStandings.objects.select_for_update().filter(campaign=campaign).first()
        if head is not None and head.seq > state.version.seq:
            return
        units = {u.pk: u for u in state.units}
        rewrite = _units_to_rewrite(head, state, previous)
        if rewrite is None:
            StoredUnitResult.objects.filter(campaign=campaign).delete()
            rewrite = list(units)
        else:
            StoredUnitResult.objects.filter(campaign=campaign, unit_id__in=rewrite).delete()
        by_key = {u.unit_id: (position, u) for position, u in enumerate(state.result.units)}
        entries = [by_key[inputs.unit_key(pk)] for pk in rewrite]
        connection = connections[router.db_for_write(StoredUnitResult)]
        if connection.vendor == "postgresql":
            _copy_rows(connection, campaign, units, entries, report)
        else:
            total = len(entries)
            for start in range(0, total, STORE_BATCH):
                batch = entries[start : start + STORE_BATCH]
                StoredUnitResult.objects.bulk_create([_row(campaign, units, *entry) for entry in batch])
                report(min(start + STORE_BATCH, total), total, "保存结果")
        StoredStandings.objects.update_or_create(
            campaign=campaign,
            defaults={
                "version": state.version.key,
                "seq": state.version.seq,
                "computed_at": state.computed_at,
                "seconds": round(state.seconds, 3),
                "flags": codec.encode_flags(state.result.flags),
                "units": len(state.result.units),
            },
        )


def _units_to_rewrite(head: StoredStandings | None, state: _State, previous: _State | None) -> list[int] | None:
    """Units whose stored row must change, or None: rewrite every row. Only when the stored
    result is exactly the one this worker computed last can rows be compared with it."""
    if head is None or previous is None or state.changed is None or head.version != previous.version.key:
        return None
    if [u.pk for u in previous.units] != [u.pk for u in state.units]:
        return None
    before = {u.unit_id: (position, u) for position, u in enumerate(previous.result.units)}
    rewrite = []
    for position, unit in enumerate(state.result.units):
        pk = int(unit.unit_id)
        old_position, old = before.get(unit.unit_id, (None, None))
        if pk in state.changed or old_position != position or (old is not unit and old != unit):
            rewrite.append(pk)
    return rewrite


_COPY_COLUMNS = ("campaign_id", "unit_id", "position", "category", "name", "rank", "total", "data", "head")


def _encoded(result: UnitResult) -> tuple[codec.Data, codec.Data]:
    """The unit's stored ``data`` and ``head``: ``codec.encode_head`` made from the one encoding
    (encoding the unit twice would double the encode step of a full run)."""
    data = codec.encode_unit(result)
    head = list(data)
    head[9] = [[*component[:6], [], None] for component in data[9]]  # as codec.encode_head
    return data, head


def _copy_rows(
    connection: Any,
    campaign: Campaign,
    units: dict[int, CampaignUnit],
    entries: list[tuple[int, UnitResult]],
    report: Report,
) -> None:
    """The rows ``_row`` would make, written with COPY (PostgreSQL). ``total`` goes through the
    field's own preparation, as bulk_create does; ``data`` and ``head`` the field's compact JSON text."""
    total_field = StoredUnitResult._meta.get_field("total")
    statement = f"COPY {StoredUnitResult._meta.db_table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN"
    count = len(entries)
    # One COPY per batch: the progress report between them writes to the job row on this same
    # connection, which it cannot do while a COPY is in progress.
    for start in range(0, count, STORE_BATCH * 4):
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for position, result in entries[start : start + STORE_BATCH * 4]:
                unit = units[int(result.unit_id)]
                data, head = _encoded(result)
                copy.write_row(
                    (
                        campaign.pk,
                        unit.pk,
                        position,
                        result.category,
                        unit.organization.name,
                        result.rank,
                        total_field.get_db_prep_save(result.total, connection),
                        compact_json(data),
                        compact_json(head),
                    )
                )
        report(min(start + STORE_BATCH * 4, count), count, "保存结果")


def _row(campaign: Campaign, units: dict[int, CampaignUnit], position: int, result: UnitResult) -> StoredUnitResult:
    unit = units[int(result.unit_id)]
    data, head = _encoded(result)
    return StoredUnitResult(
        campaign=campaign,
        unit=unit,
        position=position,
        category=result.category,
        name=unit.organization.name,
        rank=result.rank,
        total=result.total,
        data=data,
        head=head,
    )
