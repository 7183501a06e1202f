"""Writing results.json (exact) and results.xlsx (for people, formula-safe, atomic)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kaoping.engine.model import Category, Scheme
from kaoping.engine.results import (
    CampaignResult,
    ComponentResult,
    Flag,
    FlagCode,
    ItemResult,
    UnitResult,
)
from kaoping.formats import results_io
from kaoping.formats.results_io import (
    atomic_write,
    results_to_data,
    safe_cell,
    write_results_json,
    write_results_xlsx,
)

SCHEME = Scheme(
    id="t",
    name="测试",
    year=2021,
    categories=(
        Category("county", "县(区)教育行政部门", ("wukan",)),
        Category("school", "局属学校", ("wukan",)),
    ),
    components=(),
)


def _unit(unit_id: str, name: str, category: str, total: Decimal | None, rank: int | None) -> UnitResult:
    item = ItemResult(
        "3",
        "健全教育保障机制",
        Decimal("3.1") if total is not None else None,
        Decimal("4"),
        "小计",
        children=(
            ItemResult(
                "15",
                "标准班额",
                Decimal("3.1") if total is not None else None,
                Decimal("4"),
                "标准班额占比80.84%,低于90%,扣0.9分",
                basis="rule",
            ),
        ),
    )
    component = ComponentResult("wukan", "五看五比", total, Decimal("4"), "合计", items=(item,))
    flags = () if total is not None else (Flag(FlagCode.MISSING_INPUT, "指标15缺少数据", "15"),)
    return UnitResult(
        unit_id, name, category, total, Decimal("4"), "优秀" if total else None, None, rank, (component,), flags
    )


RESULT = CampaignResult(
    "t",
    "测试",
    (
        _unit("hgt", "红谷滩区", "county", Decimal("3.1"), 1),
        _unit("bad", '=HYPERLINK("http://x")', "county", None, None),
        _unit("nc2", "南昌二中", "school", Decimal("3.10"), 1),
    ),
    flags=(Flag(FlagCode.INVALID_BALLOT, "评委U-donghu的选票无效:等次全部相同"),),
)


def test_json_keeps_decimals_exact_as_strings_and_missing_as_null(tmp_path: Path) -> None:
    path = tmp_path / "results.json"

    write_results_json(RESULT, path, SCHEME)
    data = json.loads(path.read_text(encoding="utf-8"))

    first, missing, school = data["units"]
    assert first["total"] == "3.1"
    assert school["total"] == "3.10"  # the engine's exponent is kept, not re-rounded
    assert missing["total"] is None
    assert missing["rank"] is None
    assert first["category_name"] == "县(区)教育行政部门"
    item = first["components"][0]["items"][0]["children"][0]
    assert item == {
        "id": "15",
        "name": "标准班额",
        "score": "3.1",
        "max": "4",
        "basis": "rule",
        "explanation": "标准班额占比80.84%,低于90%,扣0.9分",
        "children": [],
    }
    assert missing["flags"] == [{"code": "missing_input", "message": "指标15缺少数据", "ref": "15"}]
    assert data["flags"][0]["code"] == "invalid_ballot"
    assert [c["units"] for c in data["categories"]] == [["hgt", "bad"], ["nc2"]]


def test_json_data_has_no_floats() -> None:
    text = json.dumps(results_to_data(RESULT))

    assert "3.1" in text
    assert all(not isinstance(v, float) for v in _values(results_to_data(RESULT)))


def _values(data: object) -> list[object]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data]


def test_xlsx_has_a_ranked_summary_per_category_and_a_detail_sheet(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"

    write_results_xlsx(RESULT, path, SCHEME)
    workbook = load_workbook(path)

    assert workbook.sheetnames == ["汇总-县(区)教育行政部门", "汇总-局属学校", "明细", "标记"]
    summary = workbook["汇总-县(区)教育行政部门"]
    header = [cell.value for cell in summary[1]]
    assert header[:3] == ["排名", "单位编号", "单位名称"]
    assert [cell.value for cell in summary[2]][:3] == [1, "hgt", "红谷滩区"]
    assert summary.cell(3, header.index("总分") + 1).value == "缺失"
    detail_names = [row[4] for row in workbook["明细"].iter_rows(min_row=2, values_only=True)]
    assert "  标准班额" in detail_names


def test_xlsx_never_writes_user_text_as_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"

    write_results_xlsx(RESULT, path, SCHEME)
    summary = load_workbook(path)["汇总-县(区)教育行政部门"]

    cell = summary.cell(3, 3)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_safe_cell_prefixes_formula_triggers(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_safe_cell_leaves_numbers_and_plain_text() -> None:
    assert safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert safe_cell("南昌二中") == "南昌二中"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("old", encoding="utf-8")

    def explode(temporary: Path) -> None:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(path, explode)

    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_xlsx_failure_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(sheet: object, units: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(results_io, "_write_detail", broken)

    with pytest.raises(ValueError):
        write_results_xlsx(RESULT, tmp_path / "results.xlsx", SCHEME)

    assert list(tmp_path.iterdir()) == []
