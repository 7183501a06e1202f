"""Write a campaign's results as JSON (exact, for machines) and XLSX (for people).

JSON keeps every number exact: decimals are strings ("99.1"), missing is ``null``.
The XLSX has one ranked summary sheet per category, a detail sheet with every item and its
explanation, and a flags sheet. User text never becomes a formula.

Both writers write to a temporary file next to the target and rename it, so a failure
never leaves a half-written file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from kaoping.engine.model import Scheme
from kaoping.engine.results import (
    CampaignResult,
    ComponentResult,
    Flag,
    ItemResult,
    RatingResult,
    UnitResult,
)

FORMAT_VERSION = 1
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def results_to_data(result: CampaignResult, scheme: Scheme | None = None) -> dict[str, Any]:
    """The JSON document as plain data (decimals as strings, missing as None)."""
    category_names = {c.id: c.name for c in scheme.categories} if scheme else {}
    categories: dict[str, list[str]] = {}
    for unit in result.units:
        categories.setdefault(unit.category, []).append(unit.unit_id)
    return {
        "format": "kaoping-results",
        "version": FORMAT_VERSION,
        "scheme": {"id": result.scheme_id, "name": result.scheme_name},
        "categories": [
            {"id": cid, "name": category_names.get(cid, cid), "units": ids} for cid, ids in categories.items()
        ],
        "units": [_unit_data(unit, category_names) for unit in result.units],
        "flags": [_flag_data(flag) for flag in result.flags],
    }


def write_results_json(result: CampaignResult, path: Path, scheme: Scheme | None = None) -> None:
    text = json.dumps(results_to_data(result, scheme), ensure_ascii=False, indent=2) + "\n"
    with _atomic(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_results_xlsx(result: CampaignResult, path: Path, scheme: Scheme | None = None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    category_names = {c.id: c.name for c in scheme.categories} if scheme else {}
    by_category: dict[str, list[UnitResult]] = {}
    for unit in result.units:
        by_category.setdefault(unit.category, []).append(unit)
    used_titles: set[str] = set()
    for category_id, units in by_category.items():
        title = _sheet_title(f"汇总-{category_names.get(category_id, category_id)}", used_titles)
        _write_summary(workbook.create_sheet(title), units)
    _write_detail(workbook.create_sheet(_sheet_title("明细", used_titles)), result.units)
    _write_flags(workbook.create_sheet(_sheet_title("标记", used_titles)), result)
    with _atomic(path) as temporary:
        workbook.save(temporary)


# --------------------------------------------------------------------------- JSON pieces


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _flag_data(flag: Flag) -> dict[str, Any]:
    return {"code": str(flag.code), "message": flag.message, "ref": flag.ref}


def _unit_data(unit: UnitResult, category_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": unit.unit_id,
        "name": unit.name,
        "category": unit.category,
        "category_name": category_names.get(unit.category, unit.category),
        "total": _text(unit.total),
        "max": _text(unit.max),
        "grade": unit.grade,
        "stars": unit.stars,
        "rank": unit.rank,
        "grade_explanation": unit.grade_explanation,
        "rank_explanation": unit.rank_explanation,
        "components": [_component_data(c) for c in unit.components],
        "flags": [_flag_data(flag) for flag in unit.flags],
    }


def _component_data(component: ComponentResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": component.component_id,
        "name": component.name,
        "score": _text(component.score),
        "max": _text(component.max),
        "raw": _text(component.raw),
        "explanation": component.explanation,
        "items": [_item_data(item) for item in component.items],
    }
    if component.rating is not None:
        data["rating"] = _rating_data(component.rating)
    return data


def _item_data(item: ItemResult) -> dict[str, Any]:
    return {
        "id": item.item_id,
        "name": item.name,
        "score": _text(item.score),
        "max": _text(item.max),
        "basis": item.basis,
        "explanation": item.explanation,
        "children": [_item_data(child) for child in item.children],
    }


def _rating_data(rating: RatingResult) -> dict[str, Any]:
    return {
        "score": _text(rating.score),
        "raw": _text(rating.raw),
        "explanation": rating.explanation,
        "groups": [
            {
                "id": group.group_id,
                "name": group.name,
                "weight": _text(group.weight),
                "valid_ballots": group.valid_ballots,
                "mean": _text(group.mean),
                "dropped": [str(value) for value in group.dropped],
            }
            for group in rating.groups
        ],
        "grade_counts": {grade: count for grade, count in rating.grade_counts},
        "flags": [_flag_data(flag) for flag in rating.flags],
    }


# --------------------------------------------------------------------------- XLSX pieces


def safe_cell(value: object) -> object:
    """A value that Excel shows as typed: text that looks like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number
    return value


def _append(sheet: Any, values: Sequence[object]) -> None:
    sheet.append([safe_cell(v) for v in values])


def _flags_text(flags: tuple[Flag, ...]) -> str:
    return ";".join(flag.message for flag in flags)


def _write_summary(sheet: Any, units: list[UnitResult]) -> None:
    component_heads = [(c.component_id, f"{c.name}({c.max}分)") for c in units[0].components]
    _append(
        sheet,
        ["排名", "单位编号", "单位名称"]
        + [head for _, head in component_heads]
        + ["总分", "满分", "等次", "星级", "标记"],
    )
    for unit in units:
        scores = {c.component_id: c.score for c in unit.components}
        _append(
            sheet,
            [unit.rank, unit.unit_id, unit.name]
            + [scores.get(cid) if scores.get(cid) is not None else "缺失" for cid, _ in component_heads]
            + [unit.total if unit.total is not None else "缺失", unit.max, unit.grade, unit.stars]
            + [_flags_text(unit.flags)],
        )
    _fit_columns(sheet)


def _write_detail(sheet: Any, units: tuple[UnitResult, ...]) -> None:
    _append(sheet, ["单位编号", "单位名称", "考核项目", "指标编号", "指标", "得分", "分值", "依据", "说明"])
    for unit in units:
        for component in unit.components:
            _append(
                sheet,
                [
                    *(unit.unit_id, unit.name, component.name, "", "(项目合计)"),
                    *(_score_cell(component.score), component.max, "", component.explanation),
                ],
            )
            for item, depth in _walk_items(component.items):
                _append(
                    sheet,
                    [
                        *(unit.unit_id, unit.name, component.name, item.item_id),
                        "  " * depth + item.name,
                        *(_score_cell(item.score), item.max, item.basis or "", item.explanation),
                    ],
                )
    _fit_columns(sheet)


def _write_flags(sheet: Any, result: CampaignResult) -> None:
    _append(sheet, ["单位编号", "单位名称", "类型", "涉及", "说明"])
    for flag in result.flags:
        _append(sheet, ["", "(全局)", str(flag.code), flag.ref or "", flag.message])
    for unit in result.units:
        for flag in unit.flags:
            _append(sheet, [unit.unit_id, unit.name, str(flag.code), flag.ref or "", flag.message])
    _fit_columns(sheet)


def _score_cell(score: Decimal | None) -> object:
    return "缺失" if score is None else score


def _walk_items(items: tuple[ItemResult, ...], depth: int = 0) -> Iterator[tuple[ItemResult, int]]:
    for item in items:
        yield item, depth
        yield from _walk_items(item.children, depth + 1)


def _fit_columns(sheet: Any) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows(values_only=True):
        for index, value in enumerate(row, start=1):
            length = sum(2 if ord(ch) > 127 else 1 for ch in str(value or ""))
            widths[index] = max(widths.get(index, 0), min(length + 2, 60))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _sheet_title(wanted: str, used: set[str]) -> str:
    base = wanted.translate(SHEET_TITLE_FORBIDDEN)[:31]
    title, number = base, 2
    while title in used:
        suffix = f"-{number}"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(title)
    return title


# --------------------------------------------------------------------------- atomic write


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it over ``path`` on success."""
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(temporary_path)`` and move the file into place only when it succeeded."""
    with _atomic(path) as temporary:
        write(temporary)
