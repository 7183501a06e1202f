"""Who a commendation list names, from final results: framework-free, so the rules are tested alone.

``draw`` takes the units of one category (in the stored order: by rank) and gives every unit its
status. Units without a total are never listed, only counted. A unit whose result carries a veto,
downgrade or not-excellent flag (一票否决, 降等, 不得评优) is excluded with the flag's own words. A unit
the organizer excluded by hand is excluded with their reason, and the next unit moves up. For the
top N, units sharing the rank of the N-th unit that reach past N are tied (待定): never cut
silently; each stays 待定 until the organizer includes it or excludes it with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaoping.engine.results import FlagCode, UnitResult

EXCLUDING = (FlagCode.VETO, FlagCode.DOWNGRADED, FlagCode.NOT_EXCELLENT)

LISTED = "listed"
TIED = "tied"
FLAGGED = "flagged"
BY_HAND = "by_hand"


@dataclass(frozen=True, slots=True)
class Rule:
    basis: str  # "top_n" | "grade" | "stars"
    n: int | None = None
    grade: str = ""
    star_tier: str = ""


@dataclass(frozen=True, slots=True)
class Drawn:
    unit: UnitResult
    status: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Category:
    drawn: tuple[Drawn, ...]
    missing: int


def flag_reason(unit: UnitResult) -> str:
    """The words of the unit's excluding flags, or "" when none."""
    return ";".join(flag.message for flag in unit.flags if flag.code in EXCLUDING)


def _tie_key(unit: UnitResult) -> tuple[int | None, Decimal | None]:
    return (unit.rank, None) if unit.rank is not None else (None, unit.total)


def draw(units: Sequence[UnitResult], rule: Rule, decisions: Mapping[str, tuple[bool, str]]) -> Category:
    """``decisions``: engine unit id → (include, reason) as the organizer decided."""
    missing = sum(1 for u in units if u.total is None)
    drawn: list[Drawn] = []
    eligible: list[UnitResult] = []
    for unit in units:
        if unit.total is None:
            continue
        reason = flag_reason(unit)
        if reason:
            if _qualifies(unit, rule):
                drawn.append(Drawn(unit, FLAGGED, reason))
            continue
        decision = decisions.get(unit.unit_id)
        if decision is not None and not decision[0]:
            if _qualifies(unit, rule) or rule.basis == "top_n":
                drawn.append(Drawn(unit, BY_HAND, decision[1]))
            continue
        eligible.append(unit)
    if rule.basis == "top_n":
        drawn[:0] = _top(eligible, rule.n or 0, decisions)
    else:
        drawn[:0] = [Drawn(u, LISTED) for u in eligible if _qualifies(u, rule)]
    return Category(tuple(drawn), missing)


def _qualifies(unit: UnitResult, rule: Rule) -> bool:
    if rule.basis == "grade":
        return unit.grade == rule.grade
    if rule.basis == "stars":
        return unit.stars == rule.star_tier
    return True


def _top(eligible: list[UnitResult], n: int, decisions: Mapping[str, tuple[bool, str]]) -> list[Drawn]:
    if n <= 0 or not eligible:
        return []
    if len(eligible) <= n:
        return [Drawn(u, LISTED) for u in eligible]
    boundary = _tie_key(eligible[n - 1])
    if _tie_key(eligible[n]) != boundary:
        return [Drawn(u, LISTED) for u in eligible[:n]]
    result: list[Drawn] = []
    for unit in eligible:
        key = _tie_key(unit)
        if key == boundary:
            decision = decisions.get(unit.unit_id)
            if decision is not None and decision[0]:
                result.append(Drawn(unit, LISTED, decision[1]))
            else:
                result.append(Drawn(unit, TIED))
        elif not _after(key, boundary):
            result.append(Drawn(unit, LISTED))
    return result


def _after(key: tuple[int | None, Decimal | None], boundary: tuple[int | None, Decimal | None]) -> bool:
    """Whether a unit of ``key`` comes after the boundary's tied group (lower in the order)."""
    if key[0] is not None and boundary[0] is not None:
        return key[0] > boundary[0]
    if key[1] is not None and boundary[1] is not None:
        return key[1] < boundary[1]
    return False
