"""What changed between two published versions: which units, which items, which ranks and grades.

Works on the stored ``engine.codec`` data of each unit (positional lists, exact decimal strings),
so a diff needs no engine run. No Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

# engine.codec layout of a unit: [format, id, name, category, total, max, grade, stars, rank, components, ...]
_TOTAL, _GRADE, _STARS, _RANK, _COMPONENTS = 4, 6, 7, 8, 9


@dataclass(frozen=True)
class ItemChange:
    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class UnitChange:
    unit: int  # the campaign unit's key, to match versions; never shown
    name: str
    category: str
    old_total: str | None
    new_total: str | None
    old_rank: int | None
    new_rank: int | None
    old_grade: str
    new_grade: str
    items: tuple[ItemChange, ...] = field(default=())
    added: bool = False
    removed: bool = False

    @property
    def rank_or_grade_moved(self) -> bool:
        return self.added or self.removed or self.old_rank != self.new_rank or self.old_grade != self.new_grade


@dataclass(frozen=True)
class Changes:
    units: tuple[UnitChange, ...]

    @property
    def rank_or_grade_moved(self) -> bool:
        return any(u.rank_or_grade_moved for u in self.units)

    def to_data(self) -> dict[str, Any]:
        return {"units": [asdict(u) for u in self.units]}

    @staticmethod
    def from_data(data: Mapping[str, Any]) -> Changes:
        units = []
        for u in data.get("units", []):
            items = tuple(ItemChange(**i) for i in u.get("items", []))
            units.append(UnitChange(**{**u, "items": items}))
        return Changes(tuple(units))


def _same_number(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


def _leaves(items: Iterable[list[Any]], prefix: str) -> Iterator[tuple[str, str, str | None]]:
    """(key, shown name, score) for every item without children, depth first."""
    for item in items:
        key = f"{prefix}/{item[0]}"
        if len(item) > 6 and item[6]:
            yield from _leaves(item[6], key)
        else:
            yield key, item[1], item[2]


def _item_scores(data: list[Any]) -> dict[str, tuple[str, str | None]]:
    scores: dict[str, tuple[str, str | None]] = {}
    for component in data[_COMPONENTS]:
        for key, name, score in _leaves(component[6], str(component[0])):
            scores[key] = (name, score)
        if component[7] is not None:  # a live-rating component: its score is the item
            scores[f"{component[0]}/rating"] = (component[1], component[2])
    return scores


def _item_changes(old: list[Any], new: list[Any]) -> tuple[ItemChange, ...]:
    before, after = _item_scores(old), _item_scores(new)
    changes = []
    for key in [*before, *(k for k in after if k not in before)]:
        old_name, old_score = before.get(key, ("", None))
        new_name, new_score = after.get(key, (old_name, None))
        if not _same_number(old_score, new_score):
            changes.append(ItemChange(new_name or old_name, old_score, new_score))
    return tuple(changes)


def compare(old: Mapping[int, list[Any]], new: Mapping[int, list[Any]]) -> Changes:
    """``old``/``new``: each unit's stored data by campaign unit key, in the published order."""
    units: list[UnitChange] = []
    for key, data in new.items():
        before = old.get(key)
        if before is None:
            units.append(_unit_change(key, None, data, added=True))
            continue
        items = _item_changes(before, data)
        head_moved = (
            not _same_number(before[_TOTAL], data[_TOTAL])
            or before[_RANK] != data[_RANK]
            or before[_GRADE] != data[_GRADE]
        )
        if items or head_moved:
            units.append(_unit_change(key, before, data, items=items))
    units.extend(_unit_change(key, data, None, removed=True) for key, data in old.items() if key not in new)
    return Changes(tuple(units))


def _unit_change(
    key: int,
    old: list[Any] | None,
    new: list[Any] | None,
    *,
    items: tuple[ItemChange, ...] = (),
    added: bool = False,
    removed: bool = False,
) -> UnitChange:
    shown = new if new is not None else old
    assert shown is not None
    return UnitChange(
        unit=key,
        name=shown[2],
        category=shown[3],
        old_total=old[_TOTAL] if old else None,
        new_total=new[_TOTAL] if new else None,
        old_rank=old[_RANK] if old else None,
        new_rank=new[_RANK] if new else None,
        old_grade=(old[_GRADE] or "") if old else "",
        new_grade=(new[_GRADE] or "") if new else "",
        items=items,
        added=added,
        removed=removed,
    )
