"""A unit's result as compact JSON-able data and back, exactly.

Stored results (results app) keep every unit's explained tree so that any web process on any host
can show it without computing. Decimals travel as their exact strings (``Decimal("2.50")`` stays
``"2.50"``, so the displayed precision is the engine's), a missing number as ``None``. Records are
positional lists rather than dicts: a province's run stores two million item nodes, and the key
names would be most of the bytes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaoping.engine.results import (
    ComponentResult,
    Flag,
    FlagCode,
    GroupRating,
    ItemResult,
    RatingResult,
    UnitResult,
)

# Bumped whenever a record's layout changes: stored data of another version is recomputed, not read.
FORMAT = 1

Data = list[Any]


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def encode_flags(flags: tuple[Flag, ...]) -> Data:
    return [[str(f.code), f.message, f.ref] for f in flags]


def decode_flags(data: Data) -> tuple[Flag, ...]:
    return tuple(Flag(FlagCode(code), message, ref) for code, message, ref in data)


def _encode_item(item: ItemResult) -> Data:
    record: Data = [item.item_id, item.name, _num(item.score), str(item.max), item.explanation, item.basis]
    if item.children:
        record.append([_encode_item(child) for child in item.children])
    return record


def _decode_item(data: Data) -> ItemResult:
    children = tuple(_decode_item(child) for child in data[6]) if len(data) > 6 else ()
    return ItemResult(
        item_id=data[0],
        name=data[1],
        score=_dec(data[2]),
        max=Decimal(data[3]),
        explanation=data[4],
        basis=data[5],
        children=children,
    )


def _encode_rating(rating: RatingResult | None) -> Data | None:
    if rating is None:
        return None
    groups = [
        [g.group_id, g.name, str(g.weight), g.valid_ballots, _num(g.mean), [str(d) for d in g.dropped]]
        for g in rating.groups
    ]
    counts = [[grade, count] for grade, count in rating.grade_counts]
    return [
        rating.unit_id,
        _num(rating.score),
        _num(rating.raw),
        groups,
        counts,
        rating.explanation,
        encode_flags(rating.flags),
    ]


def _decode_rating(data: Data | None) -> RatingResult | None:
    if data is None:
        return None
    unit_id, score, raw, groups, counts, explanation, flags = data
    return RatingResult(
        unit_id=unit_id,
        score=_dec(score),
        raw=_dec(raw),
        groups=tuple(
            GroupRating(gid, name, Decimal(weight), valid, _dec(mean), tuple(Decimal(d) for d in dropped))
            for gid, name, weight, valid, mean, dropped in groups
        ),
        grade_counts=tuple((grade, count) for grade, count in counts),
        explanation=explanation,
        flags=decode_flags(flags),
    )


def _encode_component(component: ComponentResult) -> Data:
    return [
        component.component_id,
        component.name,
        _num(component.score),
        str(component.max),
        component.explanation,
        _num(component.raw),
        [_encode_item(item) for item in component.items],
        _encode_rating(component.rating),
    ]


def _decode_component(data: Data) -> ComponentResult:
    component_id, name, score, maximum, explanation, raw, items, rating = data
    return ComponentResult(
        component_id=component_id,
        name=name,
        score=_dec(score),
        max=Decimal(maximum),
        explanation=explanation,
        raw=_dec(raw),
        items=tuple(_decode_item(item) for item in items),
        rating=_decode_rating(rating),
    )


def encode_unit(unit: UnitResult) -> Data:
    """The unit's whole result, explanations included, as nested lists of str/int/None."""
    return [
        FORMAT,
        unit.unit_id,
        unit.name,
        unit.category,
        _num(unit.total),
        str(unit.max),
        unit.grade,
        unit.stars,
        unit.rank,
        [_encode_component(c) for c in unit.components],
        encode_flags(unit.flags),
        unit.grade_explanation,
        unit.rank_explanation,
    ]


def encode_head(unit: UnitResult) -> Data:
    """The unit's result without its item trees and rating details (what a list of units shows:
    total, grade, stars, rank, each component's score, flags), in ``encode_unit``'s layout, so
    ``decode_unit`` reads it back with empty item lists. A few hundred bytes instead of ≈15 KB."""
    data = encode_unit(unit)
    data[9] = [[*component[:6], [], None] for component in data[9]]
    return data


class StaleFormat(ValueError):
    """Stored data written by another version of this codec (recompute it)."""


def decode_unit(data: Data) -> UnitResult:
    if not data or data[0] != FORMAT:
        raise StaleFormat(data[0] if data else None)
    _, unit_id, name, category, total, maximum, grade, stars, rank, components, flags, grade_ex, rank_ex = data
    return UnitResult(
        unit_id=unit_id,
        name=name,
        category=category,
        total=_dec(total),
        max=Decimal(maximum),
        grade=grade,
        stars=stars,
        rank=rank,
        components=tuple(_decode_component(c) for c in components),
        flags=decode_flags(flags),
        grade_explanation=grade_ex,
        rank_explanation=rank_ex,
    )
