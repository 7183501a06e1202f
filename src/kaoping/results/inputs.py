"""A campaign's engine inputs, gathered from each app's stored data in one place.

Self-assessment data counts once the unit has submitted it (drafts are the unit's own business);
department and review scores count as soon as they are saved. Which score counts for an item is
the scheme's ``score_basis`` (confirmed → reviewed → self), applied by the engine. Ballots come
from the ratings app and scores assessed elsewhere (折算 components) from the external app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched, chain
from types import MappingProxyType
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.db import connections
from django.db.models import DecimalField, JSONField, QuerySet, TextField, Value
from django.db.models.functions import Cast, NullIf
from django.db.models.sql.constants import MULTI

from kaoping.assessments import selectors as assess
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.campaigns import hooks
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine import stored
from kaoping.engine.inputs import Ballot, ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.model import Scheme
from kaoping.engine.sources import source_key, source_of
from kaoping.external.selectors import engine_imported_scores
from kaoping.ratings.selectors import counted_sessions, engine_ballots, engine_ballots_by_session, live_session_ids

# Reloading more units than this one by one is slower than reloading everything.
INCREMENTAL_MAX_UNITS = 400


def unit_key(unit: CampaignUnit | int) -> str:
    """The engine's unit id for a campaign unit."""
    return str(unit if isinstance(unit, int) else unit.pk)


def load_units(campaign: Campaign) -> list[CampaignUnit]:
    return list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))


def engine_units(campaign_units: list[CampaignUnit]) -> tuple[Unit, ...]:
    return tuple(Unit(id=unit_key(u), name=u.organization.name, category=u.category) for u in campaign_units)


def build_inputs(campaign: Campaign, scheme: Scheme, *, ballots: tuple[Ballot, ...] | None = None) -> Inputs:
    """Everything the engine needs for the campaign, read now."""
    campaign_units = load_units(campaign)
    rows = item_inputs(campaign, scheme, campaign_units)
    return Inputs(
        units=engine_units(campaign_units),
        items=tuple(item for u in campaign_units for item in rows.get(u.pk, ())),
        ballots=ballots_of(campaign) if ballots is None else ballots,
        imported=imported_of(campaign),
    )


def ballots_of(campaign: Campaign) -> tuple[Ballot, ...]:
    """Live-rating ballots of closed units."""
    return tuple(engine_ballots(campaign))


@dataclass(frozen=True, slots=True)
class CountedBallots:
    """The live-rating ballots the engine counts, kept per session with the fingerprint of each
    session they were read at (``ratings.selectors.counted_sessions``)."""

    sessions: Mapping[int, tuple[Any, ...]]
    by_session: Mapping[int, tuple[Ballot, ...]]
    ballots: tuple[Ballot, ...]  # every session's, in ``engine_ballots``' order


def counted_ballots(campaign: Campaign, previous: CountedBallots | None = None) -> CountedBallots:
    """``ballots_of``, read again only for the sessions whose fingerprint moved since ``previous``:
    during a live rating one session's units close one after another while the others' ballots
    stay as they were. The fingerprints are read before the ballots, so ballots are never older
    than the fingerprint kept with them (a newer one is read again next time)."""
    fingerprints = counted_sessions(campaign)
    order = live_session_ids(campaign)
    kept = previous.by_session if previous is not None else {}
    kept_at = previous.sessions if previous is not None else {}
    stale = {pk for pk in order if pk not in kept or kept_at.get(pk) != fingerprints.get(pk)}
    fresh = engine_ballots_by_session(campaign, only=stale) if stale else {}
    by_session = {pk: tuple(fresh.get(pk, ())) if pk in stale else kept[pk] for pk in order}
    return CountedBallots(fingerprints, by_session, tuple(chain.from_iterable(by_session.values())))


def imported_of(campaign: Campaign) -> tuple[ImportedScore, ...]:
    """Scores assessed elsewhere (折算 components)."""
    return tuple(engine_imported_scores(campaign))


# A self-assessment row as fetched: unit_id, item_id, self_score, figures, level, triggered,
# not_applicable, note. Kept as the row itself: a dataclass per row costs 0.6 s at 200,000 rows.
_Entry = Sequence[Any]


def item_inputs(campaign: Campaign, scheme: Scheme, units: list[CampaignUnit]) -> dict[int, tuple[ItemInput, ...]]:
    """unit pk → its ItemInputs in scheme order. Four queries for any number of units; with a
    few units (an incremental reload) the queries name them."""
    if not units:
        return {}
    every = len(units) > INCREMENTAL_MAX_UNITS
    only: dict[str, Any] = {} if every else {"unit_id__in": [u.pk for u in units]}
    submitted = assess.submitted_unit_ids(u.pk for u in units)
    rows = _value_rows(
        SelfAssessment.objects.filter(unit__campaign=campaign, unit_id__in=submitted).annotate(
            figures_text=Cast(NullIf("figures", Value({}, output_field=JSONField())), TextField())
        ),
        "unit_id",
        "item_id",
        "self_score",
        "figures_text",
        "level",
        "triggered",
        "not_applicable",
        "note",
        shared=(0, 1, 2, 4, 7),  # unit and item (keys until every unit is built), self_score, level, note
    )
    # Grouped by unit, then by item: the loop below looks each unit up once and each item by its
    # id, rather than building and hashing a (unit, item) key three times for each of 2,000,000 items.
    entries: dict[int, dict[str, _Entry]] = {}
    figures_of = _FiguresText()
    for row in rows:
        if row[3] is not None:
            row = figures_of.decoded(row)
        of_unit = entries.get(row[0])
        if of_unit is None:
            of_unit = entries[row[0]] = {}
        of_unit[row[1]] = row
    department: dict[int, dict[str, Mapping[str, Decimal | None]]] = {}
    # Nearly every item has one department's score, and a few scores and departments recur over
    # 2,000,000 items: each (department, score object) is one read-only mapping that those items share.
    single: dict[tuple[str, int], Mapping[str, Decimal | None]] = {}
    for unit_id, item_id, name, value in _value_rows(
        DepartmentScore.objects.filter(unit__campaign=campaign, **only),
        "unit_id",
        "item_id",
        "scheme_department",  # the scheme's name for the share (assessments.department_map)
        "score",
        shared=(0, 1, 2, 3),
    ):
        of_unit_scores = department.get(unit_id)
        if of_unit_scores is None:
            of_unit_scores = department[unit_id] = {}
        shares = of_unit_scores.get(item_id)
        if shares is None:
            # keyed by the score's identity, which the mapping keeps alive: -0 and 0 stay apart
            one = single.get((name, id(value)))
            if one is None:
                one = single[(name, id(value))] = MappingProxyType({name: value})
            of_unit_scores[item_id] = one
        else:
            of_unit_scores[item_id] = {**shares, name: value}
    confirmed: dict[int, dict[str, tuple[Decimal | None, str]]] = {}
    for unit_id, item_id, value, reason in _value_rows(
        ReviewScore.objects.filter(unit__campaign=campaign, **only),
        "unit_id",
        "item_id",
        "confirmed_score",
        "reason",
        shared=(2, 3),
    ):
        confirmed.setdefault(unit_id, {})[item_id] = (value, reason)
    # (item, is split, its departments) per category, worked out once rather than once per unit
    items_by_category = {
        c.id: [stored.item_facts(ref.item) for ref in assess.leaf_items(scheme, c.id)] for c in scheme.categories
    }
    by_unit: dict[int, tuple[ItemInput, ...]] = {}
    nothing: dict[str, Any] = {}
    sums: dict[int, tuple[Decimal, Decimal]] = {}  # one reviewed value per shared score object
    unit_item_inputs = stored.unit_item_inputs
    for unit in units:
        unit_pk = unit.pk
        by_unit[unit_pk] = unit_item_inputs(
            unit_key(unit_pk),
            items_by_category.get(unit.category, ()),
            entries.get(unit_pk, nothing),
            department.get(unit_pk, nothing),
            confirmed.get(unit_pk, nothing),
            sums,
        )
    _fill_sourced_figures(campaign, units, items_by_category, by_unit)
    return by_unit


def _fill_sourced_figures(
    campaign: Campaign,
    units: list[CampaignUnit],
    items_by_category: dict[str, list[stored.ItemFacts]],
    by_unit: dict[int, tuple[ItemInput, ...]],
) -> None:
    """Items whose rule reads a platform record (``source``, e.g. last year's 整改台账) take their
    figures from it, whatever the unit typed; a unit the record does not know has none (missing)."""
    places: dict[str, list[tuple[int, tuple[str, str]]]] = {}
    for category, facts_list in items_by_category.items():
        for index, facts in enumerate(facts_list):
            source = source_of(facts.item.rule)
            if source is not None:
                places.setdefault(category, []).append((index, (source.name, source_key(facts.item.rule))))
    if not places:
        return
    wanted = {record for found in places.values() for _index, record in found}
    values = {(name, key): hooks.figure_source(name).figures(campaign, units, key) for name, key in wanted}
    for unit in units:
        found = places.get(unit.category)
        if not found:
            continue
        row = list(by_unit[unit.pk])
        for index, record in found:
            row[index] = row[index]._replace(figures=values[record].get(unit.pk, {}))
        by_unit[unit.pk] = tuple(row)


# Figures are read as their JSON text (none when empty) and decoded here, only where there are
# any: as a JSON column every one of 2,000,000 rows went through Django's converter (≈1.7 µs a row,
# 3.4 s at province scale), and with no column to convert PostgreSQL's rows are used as fetched.


class _FiguresText:
    """Decodes a self-assessment row's figures text, each distinct text once (rows share the dict)."""

    def __init__(self) -> None:
        self.decoded_texts: dict[str, Any] = {}

    def decoded(self, row: Sequence[Any]) -> list[Any]:
        text = row[3]
        figures = self.decoded_texts.get(text)
        if figures is None:
            figures = self.decoded_texts[text] = json.loads(text)
        changed = list(row)
        changed[3] = figures
        return changed


def _value_rows(queryset: QuerySet[Any], *fields: str, shared: Sequence[int] = ()) -> Iterator[Sequence[Any]]:
    """``queryset.values_list(*fields)`` rows, converting each distinct database value only once.

    Django converts every value of every row (SQLite decimals go float → Decimal → quantize, JSON is
    parsed each time); scores and figures repeat a handful of values over hundreds of thousands of rows.
    Converted values are shared between rows, so callers must not mutate them.

    The columns at ``shared`` positions, which the caller keeps for every row, are shared too: equal
    values become one object (2,000,000 self scores are a few dozen Decimals, not 200 MB of copies).
    A decimal column's values all carry its decimal places, so equal values are the same in every
    digit; zero is left as it came (``-0`` equals ``0`` but is written differently). On PostgreSQL a
    shared decimal column is read as its text, each distinct text made a Decimal once: the driver
    would make a Decimal of every value, which costs more than the whole lookup.
    """
    connection = connections[queryset.db]
    queryset, fields, as_text = _decimals_as_text(queryset, fields, shared, connection.vendor)
    query = queryset.values_list(*fields).query
    compiler = query.get_compiler(using=queryset.db)
    results = _fetched(compiler, connection)
    columns = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = [
        (pos, _memoized(convs, expression, connection))
        for pos, (convs, expression) in compiler.get_converters(columns).items()
    ]
    if not converters and not shared:  # nothing to do (PostgreSQL: ids, text and numerics come ready)
        yield from results
        return
    if not converters:
        yield from _shared_by_column(results, shared, as_text)
        return
    # inline rather than a function per value: this loop runs 14,000,000 times at province scale
    kept: list[tuple[int, dict[Any, Any]]] = [(pos, {}) for pos in shared if pos not in as_text]
    texts: list[tuple[int, dict[str, Decimal]]] = [(pos, {}) for pos in shared if pos in as_text]
    for raw in results:
        row = list(raw)
        for pos, convert in converters:
            row[pos] = convert(row[pos])
        for pos, seen in kept:
            value = row[pos]
            if value:  # zero left as it came: -0 equals 0 but is written differently
                row[pos] = seen.setdefault(value, value)
        for pos, made in texts:
            text = row[pos]
            if text is not None:
                number = made.get(text)
                if number is None:
                    number = made[text] = Decimal(text)
                row[pos] = number
        yield row


def _shared_by_column(
    rows: Iterator[Sequence[Any]], shared: Sequence[int], as_text: set[int]
) -> Iterator[Sequence[Any]]:
    """``_value_rows``' sharing where nothing needs converting (PostgreSQL), a chunk of rows at a
    time and column by column: ``map`` over a column runs in C, where the row loop ran Python code
    for each of 14,000,000 values at province scale. No decimal column is shared by value here
    (those are read as text), so equal values are written alike."""
    by_value: dict[int, dict[Any, Any]] = {pos: {} for pos in shared if pos not in as_text}
    decimals = {pos: _DecimalOfText() for pos in shared if pos in as_text}
    for chunk in batched(rows, STREAM_ROWS):
        columns: list[Iterable[Any]] = list(zip(*chunk, strict=True))
        for pos, seen in by_value.items():
            columns[pos] = map(seen.setdefault, columns[pos], columns[pos])
        for pos, made in decimals.items():
            columns[pos] = map(made.__getitem__, columns[pos])
        yield from zip(*columns, strict=True)


class _DecimalOfText(dict[str | None, Decimal | None]):
    """A decimal column's text → its Decimal, each distinct text made once (None stays None)."""

    def __missing__(self, text: str | None) -> Decimal | None:
        number = self[text] = None if text is None else Decimal(text)
        return number


# Rows PostgreSQL streams at a time (libpq's chunked mode): small enough that a chunk is converted
# while the server produces the next one.
STREAM_ROWS = 5_000


def _fetched(compiler: Any, connection: Any) -> Iterator[Sequence[Any]]:
    """The compiled query's rows (compiled now, so that the compiler knows its columns). On
    PostgreSQL they are streamed (``Cursor.stream``): the server sends rows as it makes them and
    the worker converts each chunk meanwhile, on the machine's other core. Django's chunked fetch
    declares a cursor ``WITH HOLD`` outside a transaction, which makes the server write the whole
    result aside before the first row comes: 2,000,000 self-assessment rows took 3.3 s that way
    and 1.5 s streamed. Elsewhere, Django's chunked fetch."""
    if connection.vendor == "postgresql" and _streams_in_chunks():
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return iter(())
        return _streamed(connection, sql, params)
    return chain.from_iterable(compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=50_000) or ())


def _streamed(connection: Any, sql: str, params: Sequence[Any]) -> Iterator[Sequence[Any]]:
    # The driver's cursor itself (Django's wrapper has no stream), its errors raised as Django's.
    # The connection is busy until the last row is read: a loop over these rows must not query
    # the database (the driver would wait for its own lock). Leaving the loop early cancels the rest.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        yield from cursor.cursor.stream(sql, params, size=STREAM_ROWS)


def _streams_in_chunks() -> bool:
    from psycopg import capabilities  # PostgreSQL only: the driver's libpq is 17 or newer

    return capabilities.has_stream_chunked()


def _decimals_as_text(
    queryset: QuerySet[Any], fields: tuple[str, ...], shared: Sequence[int], vendor: str
) -> tuple[QuerySet[Any], tuple[str, ...], set[int]]:
    """On PostgreSQL, the shared decimal columns fetched as text (``_value_rows``)."""
    if vendor != "postgresql":
        return queryset, fields, set()
    names, as_text = list(fields), set()
    for pos in shared:
        try:
            field = queryset.model._meta.get_field(fields[pos])
        except FieldDoesNotExist:  # an annotation
            continue
        if isinstance(field, DecimalField):
            names[pos] = f"{fields[pos]}_as_text"
            queryset = queryset.annotate(**{names[pos]: Cast(fields[pos], TextField())})
            as_text.add(pos)
    return queryset, tuple(names), as_text


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
