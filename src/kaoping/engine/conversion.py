"""Conversion (折算): a component's raw score → points on the component.

Methods (``ConversionSpec.method``):

* PROPORTIONAL — ``raw / raw_max × points`` (按所占分值折算).
* RELATIVE_TO_BEST — ``raw / best raw in the unit's category × points`` (与第一名的比值).
* BY_RANK — rank in the category by raw (ties share a place, 1, 2, 2, 4);
  ``points × (1 − step_percent% × (place − 1))``, never below 0 (按名次赋分).
* VOTE_SHARE_BAND — the share of top grades (``top_shares``, percent) picks the first band,
  best first, whose ``min_share`` it reaches; below every band → 0 (按得票率分档).
* RANK_BONUS — ``raw + bonus``: the top N places get ``top_bonuses`` (1st, 2nd, …), the bottom N
  get ``bottom_penalties`` (last, second last, …) subtracted. Penalties may be written as 5 or
  −5; both subtract 5. A unit in both the top N and the bottom N (a small category) gets the
  bonus only (按名次加减分).

A missing raw (None) stays missing. The result is rounded by ``rounding`` when given.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kaoping.engine.model import Component, ConversionMethod, ConversionSpec, Rounding
from kaoping.engine.numbers import fixed, fmt

__all__ = ["Converted", "convert"]

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Converted:
    score: Decimal | None
    explanation: str


def _places_by_category(
    raws: Mapping[str, Decimal | None], categories: Mapping[str, str]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(place from the top, place from the bottom, units ranked) per unit, ties shared."""
    by_category: dict[str, list[Decimal]] = defaultdict(list)
    for unit_id, raw in raws.items():
        if raw is not None:
            by_category[categories.get(unit_id, "")].append(raw)
    for values in by_category.values():
        values.sort()
    top: dict[str, int] = {}
    bottom: dict[str, int] = {}
    size: dict[str, int] = {}
    for unit_id, raw in raws.items():
        if raw is None:
            continue
        values = by_category[categories.get(unit_id, "")]
        lower = _count_below(values, raw)
        higher = len(values) - _count_at_or_below(values, raw)
        top[unit_id] = higher + 1
        bottom[unit_id] = lower + 1
        size[unit_id] = len(values)
    return top, bottom, size


def _count_below(sorted_values: list[Decimal], value: Decimal) -> int:
    return bisect_left(sorted_values, value)


def _count_at_or_below(sorted_values: list[Decimal], value: Decimal) -> int:
    return bisect_right(sorted_values, value)


def _proportional(
    spec: ConversionSpec, points: Decimal, raw: Decimal, raw_max: Decimal | None
) -> tuple[Decimal | None, str]:
    maximum = raw_max if raw_max is not None else spec.raw_max
    if maximum is None or maximum <= 0:
        return None, "缺少原始满分(raw_max),无法折算"
    return raw / maximum * points, f"{fmt(raw)} ÷ {fmt(maximum)} × {fmt(points)}"


def _relative_to_best(points: Decimal, raw: Decimal, best: Decimal) -> tuple[Decimal, str]:
    if best <= 0:
        return _ZERO, f"本类别最高分为 {fmt(best)},无法按比值折算,计 0"
    text = f"本单位 {fmt(raw)} ÷ 本类别最高 {fmt(best)} × {fmt(points)}"
    return raw / best * points, text


def _by_rank(spec: ConversionSpec, points: Decimal, place: int) -> tuple[Decimal, str]:
    step = spec.step_percent or _ZERO
    factor = _HUNDRED - step * (place - 1)
    value = max(points * factor / _HUNDRED, _ZERO)
    return value, (f"本类别第 {place} 名,{fmt(points)} × (1 − {fmt(step)}% × {place - 1})")


def _vote_share(spec: ConversionSpec, share: Decimal) -> tuple[Decimal, str]:
    for band in spec.bands:
        if share >= band.min_share:
            return band.points, (f"优秀票比例 {fixed(share)}% ≥ {fmt(band.min_share)}%,得 {fmt(band.points)}")
    return _ZERO, f"优秀票比例 {fixed(share)}% 低于所有档次,得 0"


def _rank_bonus(spec: ConversionSpec, raw: Decimal, top: int, bottom: int) -> tuple[Decimal, str]:
    if top <= len(spec.top_bonuses):
        bonus = spec.top_bonuses[top - 1]
        return raw + bonus, f"{fmt(raw)} + 第 {top} 名加 {fmt(bonus)}"
    if bottom <= len(spec.bottom_penalties):
        penalty = abs(spec.bottom_penalties[bottom - 1])
        return raw - penalty, f"{fmt(raw)} − 倒数第 {bottom} 名减 {fmt(penalty)}"
    return raw, f"{fmt(raw)}(第 {top} 名,不加不减)"


def convert(
    component: Component,
    raws: Mapping[str, Decimal | None],
    categories: Mapping[str, str],
    top_shares: Mapping[str, Decimal | None] | None = None,
    rounding: Rounding | None = None,
    raw_maxes: Mapping[str, Decimal] | None = None,
) -> dict[str, Converted]:
    """Convert every unit's raw score of ``component`` (see the module docstring).

    ``categories`` maps unit → category; RELATIVE_TO_BEST, BY_RANK and RANK_BONUS compare
    within a category. ``raw_maxes`` overrides ``raw_max`` per unit (ImportedScore.raw_max).
    Without a ConversionSpec the raw is the score.
    """
    spec = component.conversion
    points = component.points
    top, bottom, _ = _places_by_category(raws, categories)
    best: dict[str, Decimal] = {}
    for unit_id, raw in raws.items():
        if raw is not None:
            category = categories.get(unit_id, "")
            best[category] = max(best.get(category, raw), raw)

    out: dict[str, Converted] = {}
    for unit_id, raw in raws.items():
        value: Decimal | None
        if spec is not None and spec.method is ConversionMethod.VOTE_SHARE_BAND:
            share = None if top_shares is None else top_shares.get(unit_id)
            if share is None:
                out[unit_id] = Converted(None, "缺少优秀票比例,折算结果缺失")
                continue
            value, text = _vote_share(spec, share)
        elif raw is None:
            out[unit_id] = Converted(None, "缺少原始分,折算结果缺失")
            continue
        elif spec is None:
            value, text = raw, f"不折算,原始分 {fmt(raw)}"
        elif spec.method is ConversionMethod.PROPORTIONAL:
            override = None if raw_maxes is None else raw_maxes.get(unit_id)
            value, text = _proportional(spec, points, raw, override)
        elif spec.method is ConversionMethod.RELATIVE_TO_BEST:
            value, text = _relative_to_best(points, raw, best[categories.get(unit_id, "")])
        elif spec.method is ConversionMethod.BY_RANK:
            value, text = _by_rank(spec, points, top[unit_id])
        else:
            value, text = _rank_bonus(spec, raw, top[unit_id], bottom[unit_id])
        if value is None:
            out[unit_id] = Converted(None, text)
            continue
        if rounding is not None:
            value = rounding.apply(value)
        out[unit_id] = Converted(value, f"{text} = {fixed(value, rounding)}")
    return out
