"""What changed between two versions of a scheme, for the web app's version history.

Both schemes are turned into their file data and compared field by field. Lists of things with
an id (components, categories, indicators, rater groups) or a name (grades, bands, stars) are
matched by it, so reordering or inserting one item does not show every later item as changed.

Each change keeps its ``location`` in ids (for programs and tests) and carries a ``place`` and
values in Chinese for people: "考核项目“立德树人述职测评” › 评委组“局领导” › 权重", "按分值",
never a file key, an enum value or a Python repr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kaoping.engine.model import Scheme
from kaoping.formats.scheme_dump import scheme_to_data


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


KIND_WORDS = {ChangeKind.ADDED: "新增", ChangeKind.REMOVED: "删除", ChangeKind.CHANGED: "修改"}

# The scheme file's keys as a 督学 reads them (docs/scheme-format.md).
FIELD_WORDS = {
    "scheme": "方案", "id": "编号", "name": "名称", "year": "年度", "organizer": "组织单位",
    "rounding": "取整规则", "item": "指标得分", "rating": "现场测评", "conversion": "折算",
    "component": "考核项目得分", "total": "总分", "places": "保留小数位数", "mode": "方式",
    "not_applicable": "不适用指标的处理", "score_basis": "计分依据的先后", "categories": "类别",
    "components": "考核项目", "points": "分值", "method": "计分方式", "allow_above_points": "允许超过满分",
    "indicators": "指标", "children": "下级指标", "kind": "类型", "standard": "评分标准",
    "departments": "评分处室", "department": "处室", "evidence": "佐证材料", "required": "必须提供",
    "description": "说明", "rule": "计算规则", "scale": "测评等次", "max": "满分", "abstain": "弃权选项",
    "grades": "等次", "value": "分值", "choices": "可选分值", "groups": "评委组", "weight": "权重(%)",
    "trim": "去掉最高分和最低分", "above": "票数超过", "per_side": "每端去掉", "scope": "范围",
    "empty_group": "评委组无人投票时", "ballot_rules": "选票规则", "all_identical_invalid": "各单位等次全同视为无效",
    "min_valid_ballots": "最少有效票数", "quotas": "等次比例限制", "max_count": "最多票数",
    "min_count": "最少票数", "max_share": "最高比例", "min_share": "最低比例", "raw_max": "原始满分",
    "step_percent": "每降一名递减(%)", "bands": "分档", "top_grades": "计为好票的等次",
    "top_bonuses": "前列加分", "bottom_penalties": "末位扣分", "grading": "等次评定", "stars": "星级",
    "min_percent": "最低得分率(%)", "min_score": "最低分", "quota": "名额限制", "max_percent": "最高比例(%)",
    "ranking": "排名", "ties": "并列处理", "chain": "并列时依次比较", "ref": "比较依据",
}  # fmt: skip

# What an item of a keyed list is called: components[lide] → 考核项目“立德树人述职测评”.
ITEM_WORDS = {
    "categories": "类别", "components": "考核项目", "indicators": "指标", "children": "指标",
    "groups": "评委组", "grades": "等次", "departments": "处室", "bands": "等次", "stars": "星级",
}  # fmt: skip

# Enum values of the scheme file (kaoping.engine.model) in words.
VALUE_WORDS = {
    "rating": "现场测评", "indicators": "指标考核", "imported": "外部考核折算", "half_up": "四舍五入",
    "down": "截断", "up": "进一", "floor": "向下取整", "ceiling": "向上取整", "ceil": "进一法",
    "normal": "普通指标", "bonus": "加分项", "penalty": "减分项", "points": "按分值",
    "coefficient": "按系数", "group": "各评委组内", "overall": "全体选票", "renormalize": "其他组按比例补足权重",
    "fail": "不计测评分并提示", "proportional": "按比例折算", "relative_to_best": "以最高分为满分折算",
    "by_rank": "按名次折算", "vote_share_band": "按好票比例分档", "rank_bonus": "按名次加减分",
    "component": "考核项目得分", "top_grade_count": "最高等次票数", "item": "指标得分", "shared": "并列同名次",
    "chain": "依次比较", "full_points": "计满分", "rescale": "不计入,其余指标按比例折算",
    "confirmed": "核定分", "reviewed": "复核分", "self": "自评分",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SchemeChange:
    """One difference. ``location`` uses ids: ``components[wukan].indicators[1].children[1.2]``;
    ``field`` is the last key (``points``), or the kind of thing added/removed (``indicators``).
    ``place``, ``old_text`` and ``new_text`` say the same in Chinese for the pages."""

    kind: ChangeKind
    location: str
    field: str
    old: Any = None
    new: Any = None
    place: str = ""
    old_text: str = ""
    new_text: str = ""

    def describe(self) -> str:
        """One line of Chinese: "修改 考核项目“立德树人述职测评” › 分值:100 → 120"."""
        if self.kind is ChangeKind.CHANGED:
            return f"修改 {self.place}:{self.old_text} → {self.new_text}"
        value = self.new_text if self.kind is ChangeKind.ADDED else self.old_text
        return f"{KIND_WORDS[self.kind]} {self.place} {value}".rstrip()


def shown(value: Any, names: Mapping[str, str] | None = None) -> str:
    """A value of the scheme file in words: names instead of ids, words instead of enum values."""
    names = names or {}
    if value is None:
        return "(空)"
    if isinstance(value, Mapping):
        if isinstance(value.get("name"), str):
            return str(value["name"])
        if isinstance(value.get("department"), str):
            return str(value["department"])
        return ",".join(f"{FIELD_WORDS.get(str(k), str(k))}:{shown(v, names)}" for k, v in value.items())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(shown(v, names) for v in value) or "(空)"
    if isinstance(value, Decimal | int | float):
        return str(value)
    text = str(value)
    return names.get(text) or VALUE_WORDS.get(text, text)


def _names(*datas: Any) -> dict[str, str]:
    """Ids of categories, components and rater groups → their names (both versions)."""
    names: dict[str, str] = {}
    for data in datas:
        for key in ("categories", "components"):
            for entry in data.get(key) or ():
                names[str(entry.get("id"))] = str(entry.get("name") or entry.get("id"))
        for entry in data.get("components") or ():
            for group in (entry.get("rating") or {}).get("groups") or ():
                names[str(group.get("id"))] = str(group.get("name") or group.get("id"))
    return names


def diff_schemes(old: Scheme, new: Scheme) -> list[SchemeChange]:
    changes: list[SchemeChange] = []
    old_data, new_data = scheme_to_data(old), scheme_to_data(new)
    diff_values(old_data, new_data, "", "", changes)
    names = _names(old_data, new_data)
    return [_in_words(change, names) for change in changes]


def _in_words(change: SchemeChange, names: Mapping[str, str]) -> SchemeChange:
    """The change with its place and values in Chinese."""
    return SchemeChange(
        change.kind,
        change.location,
        change.field,
        change.old,
        change.new,
        place=place_of(change.location, names),
        old_text="" if change.old is None else shown(change.old, names),
        new_text="" if change.new is None else shown(change.new, names),
    )


def place_of(location: str, names: Mapping[str, str]) -> str:
    """``components[lide].rating.groups[leaders].weight`` → 考核项目“…” › 现场测评 › 评委组“局领导” › 权重(%)."""
    parts: list[str] = []
    for step in _steps(location):
        key, _sep, item = step.partition("[")
        if item:
            item = item.rstrip("]")
            word = ITEM_WORDS.get(key, FIELD_WORDS.get(key, "项目"))
            name = names.get(item, "")
            if key in ("indicators", "children"):
                parts.append(f"{word} {item}")
            elif name:
                parts.append(f"{word}“{name}”")
            else:
                parts.append(f"{word}“{item}”")
        else:
            parts.append(FIELD_WORDS.get(key, "其他设置"))
    return " › ".join(parts) or "方案"


def _steps(location: str) -> list[str]:
    """Split on dots outside brackets (an indicator id such as 1.2 stays whole)."""
    steps: list[str] = []
    depth, current = 0, ""
    for char in location:
        if char == "." and depth == 0:
            steps.append(current)
            current = ""
            continue
        depth += char == "["
        depth -= char == "]"
        current += char
    if current:
        steps.append(current)
    return steps


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
