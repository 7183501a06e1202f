"""What changed between two versions of a scheme, for the web app's version history.

Both schemes are turned into their file data and compared field by field. Lists of things with
an id (components, categories, indicators, rater groups) or a name (grades, bands, stars) are
matched by it, so reordering or inserting one item does not show every later item as changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kaoping.engine.model import Scheme
from kaoping.formats.scheme_dump import scheme_to_data


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


KIND_WORDS = {ChangeKind.ADDED: "新增", ChangeKind.REMOVED: "删除", ChangeKind.CHANGED: "修改"}


@dataclass(frozen=True, slots=True)
class SchemeChange:
    """One difference. ``location`` uses ids: ``components[wukan].indicators[1].children[1.2]``;
    ``field`` is the last key (``points``), or the kind of thing added/removed (``indicators``)."""

    kind: ChangeKind
    location: str
    field: str
    old: Any = None
    new: Any = None

    def describe(self) -> str:
        """One line of Chinese for the version history: "修改 components[lide].points:100 → 120"."""
        if self.kind is ChangeKind.CHANGED:
            return f"修改 {self.location}:{shown(self.old)} → {shown(self.new)}"
        value = self.new if self.kind is ChangeKind.ADDED else self.old
        return f"{KIND_WORDS[self.kind]} {self.location} {shown(value)}".rstrip()


def shown(value: Any) -> str:
    if value is None:
        return "(空)"
    if isinstance(value, Mapping):
        return str(value.get("name", ""))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(shown(v) for v in value)
    return str(value)


def diff_schemes(old: Scheme, new: Scheme) -> list[SchemeChange]:
    changes: list[SchemeChange] = []
    diff_values(scheme_to_data(old), scheme_to_data(new), "", "", changes)
    return changes


def key_of(item: Any) -> str | None:
    if isinstance(item, Mapping):
        for key in ("id", "name", "department"):
            if isinstance(item.get(key), str):
                return str(item[key])
    return None


def diff_values(old: Any, new: Any, location: str, field: str, out: list[SchemeChange]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in dict.fromkeys([*old, *new]):
            where = f"{location}.{key}" if location else str(key)
            if key not in old:
                out.append(SchemeChange(ChangeKind.ADDED, where, str(key), None, new[key]))
            elif key not in new:
                out.append(SchemeChange(ChangeKind.REMOVED, where, str(key), old[key], None))
            else:
                diff_values(old[key], new[key], where, str(key), out)
    elif isinstance(old, list) and isinstance(new, list) and keyed(old) and keyed(new):
        diff_keyed_lists(old, new, location, field, out)
    elif old != new:
        out.append(SchemeChange(ChangeKind.CHANGED, location, field, old, new))


def keyed(items: list[Any]) -> bool:
    keys = [key_of(item) for item in items]
    return None not in keys and len(set(keys)) == len(keys)


def diff_keyed_lists(old: list[Any], new: list[Any], location: str, field: str, out: list[SchemeChange]) -> None:
    old_by_key = {key_of(item): item for item in old}
    new_by_key = {key_of(item): item for item in new}
    for key, item in old_by_key.items():
        where = f"{location}[{key}]"
        if key not in new_by_key:
            out.append(SchemeChange(ChangeKind.REMOVED, where, field, item, None))
        else:
            diff_values(item, new_by_key[key], where, field, out)
    for key, item in new_by_key.items():
        if key not in old_by_key:
            out.append(SchemeChange(ChangeKind.ADDED, f"{location}[{key}]", field, None, item))
