"""The unit's Excel 自评表: template layout and reading a filled file (kaoping.formats.self_assessment_xlsx)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kaoping.formats import self_assessment_xlsx as xlsx

ITEMS = [
    xlsx.TemplateItem("1.1", "党建 / 党组织建设", Decimal(3), score=Decimal("2.5"), note="已建"),
    xlsx.TemplateItem(
        "1.2", "班额", Decimal(4), figures=(("ratio", "标准班额比例"), ("big", "大班额数")), figure_values={"big": "2"}
    ),
    xlsx.TemplateItem("3", "安全事故", Decimal(0), scored=False),
]
INFO = xlsx.TemplateInfo("7", "42", "第一中学", "第一中学 · 2024 · 自评表")


def template() -> Any:
    return load_workbook(io.BytesIO(xlsx.write_template(ITEMS, INFO)))


def save(workbook: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_template_has_one_row_per_item_prefilled_locked_and_validated():
    workbook = template()
    sheet = workbook[xlsx.SHEET_NAME]
    assert [c.value for c in sheet[3]] == ["序号", "指标", "分值", "自评分", "数据1", "数据2", "说明"]
    assert [c.value for c in sheet[4]] == ["1.1", "党建 / 党组织建设", 3, 2.5, None, None, "已建"]
    assert sheet["B5"].value == "班额(需填数据:数据1:标准班额比例;数据2:大班额数)"
    assert sheet["F5"].value == 2
    assert sheet.protection.sheet
    assert sheet["A4"].protection.locked and sheet["C4"].protection.locked
    assert not sheet["D4"].protection.locked and not sheet["G4"].protection.locked
    assert sheet["E4"].protection.locked and not sheet["E5"].protection.locked  # 1.1 has no figures
    assert sheet["D6"].protection.locked  # a veto-type item takes no score
    ranges = {(v.formula1, v.formula2): str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert ranges[("0", "3")] == "D4" and ranges[("0", "4")] == "D5"
    assert workbook[xlsx.META_SHEET].sheet_state == "hidden"


def test_a_filled_template_reads_back_as_text_values():
    workbook = template()
    sheet = workbook[xlsx.SHEET_NAME]
    sheet["D4"] = 3
    sheet["E5"] = "85.5%"
    sheet["D5"] = "3.5"
    sheet["G5"] = "  班额达标\n第二行 "
    read = xlsx.read_filled(save(workbook), ITEMS)
    assert read.problems == []
    assert (read.info.campaign_id, read.info.unit_id) == ("7", "42")
    by_id = {r.item_id: r for r in read.rows}
    assert (by_id["1.1"].row, by_id["1.1"].score, by_id["1.1"].note) == (4, "3", "已建")
    assert by_id["1.2"].figures == {"ratio": "85.5", "big": "2"}
    assert (by_id["1.2"].score, by_id["1.2"].note) == ("3.5", "班额达标\n第二行")


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("D5", 9, "第 5 行 自评分:超出 0–4 分"),
        ("D4", "三分", "第 4 行 自评分:“三分”不是数字"),
        ("E5", "很多", "第 5 行 数据“标准班额比例”:“很多”不是数字"),
        ("D6", 1, "第 6 行 自评分:本项按是否发生认定"),
        ("E4", 5, "第 4 行 第 5 列:本项没有这个数据"),
        ("A5", "9.9", "第 5 行 序号:“9.9”不是本单位的指标"),
        ("A5", "1.1", "第 5 行 序号:“1.1”与第 4 行重复"),
        ("D4", True, "第 4 行 自评分:“TRUE”不是数字"),
        ("D4", "NaN", "第 4 行 自评分:“NaN”不是有效的数字"),
    ],
)
def test_every_problem_names_its_row_and_column(cell: str, value: Any, message: str):
    workbook = template()
    workbook[xlsx.SHEET_NAME][cell] = value
    read = xlsx.read_filled(save(workbook), ITEMS)
    assert any(p.startswith(message) for p in read.problems), read.problems


def test_a_deleted_row_is_reported():
    workbook = template()
    workbook[xlsx.SHEET_NAME].delete_rows(6)
    assert read_problems(workbook) == ["文件中缺少 1 个指标(序号 3),请不要删除行;请重新下载模板"]


def test_another_workbook_is_not_a_template():
    from openpyxl import Workbook

    other = Workbook()
    other.active["A1"] = "序号"
    assert read_problems(other) == [xlsx.NOT_TEMPLATE]


def test_changed_headers_are_refused_with_the_expected_ones():
    workbook = template()
    workbook[xlsx.SHEET_NAME]["D3"] = "得分"
    (problem,) = read_problems(workbook)
    assert problem.startswith("第 3 行 表头应为“序号、指标、分值、自评分、数据1、数据2、说明”")


def test_not_an_xlsx_is_refused_by_the_guard():
    with pytest.raises(xlsx.WorkbookRefused) as refused:
        xlsx.read_filled(io.BytesIO(b"%PDF-1.4 not a workbook"), ITEMS)
    assert "不是有效的 .xlsx 文件" in refused.value.message


@pytest.mark.parametrize("hostile", ["zip_bomb", "billion_laughs", "huge_dimension", "traversal_entry", "truncated"])
def test_hostile_workbooks_are_refused_before_openpyxl_reads_them(hostile: str):
    from tests import hostile_xlsx

    data = getattr(hostile_xlsx, hostile)(xlsx.write_template(ITEMS, INFO))
    with pytest.raises(xlsx.WorkbookRefused):
        xlsx.read_filled(io.BytesIO(data), ITEMS)


def read_problems(workbook: Any) -> list[str]:
    return xlsx.read_filled(save(workbook), ITEMS).problems
