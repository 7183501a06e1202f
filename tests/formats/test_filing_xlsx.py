"""The Excel tables a bureau files (汇总表, 明细表, 现场测评分组统计表), read back with openpyxl."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from kaoping.engine.results import ComponentResult, GroupRating, ItemResult, RatingResult, UnitResult
from kaoping.formats import filing_xlsx
from kaoping.formats.filing_xlsx import (
    CategoryBlock,
    ComponentHead,
    GroupHead,
    Heading,
    Places,
    RatingBlock,
)

D = Decimal
HEADING = Heading("2026年度教育工作考核", "东湖市教育局", "2026年12月6日", "1234")
PLACES = Places(item=None, component=2, total=1, rating=2)
WORK = ComponentHead("work", "工作实绩", D(10))
LIDE = ComponentHead("lide", "立德树人述职测评", D(20))


def _unit(unit_id: str, name: str, *, scored: bool) -> UnitResult:
    items = (
        ItemResult(
            "1",
            "党的建设",
            D("2.5") if scored else None,
            D(5),
            "",
            children=(
                ItemResult("1.1", "领导体制机制", D("2.5") if scored else None, D(3), ""),
                ItemResult("1.2", "学校党组织建设", None, D(2), ""),
            ),
        ),
        ItemResult("2", "教育保障", D(4), D(5), ""),
    )
    rating = RatingResult(
        unit_id,
        D("18.5"),
        D("92.5"),
        (
            GroupRating("leaders", "局领导", D("62.5"), 7, D("95.12")),
            GroupRating("heads", "处室负责人", D("37.5"), 3, D(90)),
        ),
        (),
        "",
    )
    return UnitResult(
        unit_id,
        name,
        "school",
        D("25") if scored else None,
        D(30),
        "优秀" if scored else None,
        "五星级" if scored else None,
        1 if scored else None,
        (
            ComponentResult("work", "工作实绩", D("6.5") if scored else None, D(10), "", items=items),
            ComponentResult("lide", "立德树人述职测评", D("18.5"), D(20), "", rating=rating),
        ),
    )


UNITS = [_unit("1", "=1+1", scored=True), _unit("2", "@SUM(A1:A3)", scored=False)]
BLOCK = CategoryBlock("学校", D(30), (WORK, LIDE), UNITS, {"五星级": 5})
RATING = RatingBlock(
    LIDE,
    D(100),
    (
        GroupHead("leaders", "局领导", D(50)),
        GroupHead("heads", "处室负责人", D(30)),
        GroupHead("units", "县区(学校)", D(20)),
    ),
    [("学校", unit) for unit in UNITS],
)


def _read(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _merged(sheet: Any) -> set[str]:
    return {str(r) for r in sheet.merged_cells.ranges}


def _check_print_setup(sheet: Any, last: str, rows: int, header: str) -> None:
    assert sheet.print_area == f"'{sheet.title}'!$A$1:${last}${rows}"
    assert sheet.print_title_rows == header
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet.page_margins.left == pytest.approx(0.4)


def test_ranking_table_has_merged_title_group_headers_and_numbers_with_the_schemes_decimals() -> None:
    book = _read(filing_xlsx.ranking_workbook(HEADING, [BLOCK], PLACES))
    assert book.sheetnames == ["汇总表-学校"]
    sheet = book["汇总表-学校"]
    assert sheet["A1"].value == "2026年度教育工作考核结果汇总表(学校)"
    assert (sheet["A1"].font.name, sheet["A1"].font.sz) == ("黑体", 16)
    assert sheet["A2"].value == "东湖市教育局    计算日期:2026年12月6日    数据版本:1234"
    assert (sheet["A2"].font.name, sheet["A2"].font.sz) == ("宋体", 10)
    assert {"A1:G1", "A2:G2", "A3:A4", "B3:B4", "C3:D3", "E3:E4", "F3:F4", "G3:G4"} == _merged(sheet)
    row3 = [sheet.cell(3, c).value for c in range(1, 8)]
    assert row3 == ["名次", "单位名称", "各项得分", None, "总分\n(满分30)", "等次", "星级"]
    assert [sheet["C4"].value, sheet["D4"].value] == ["工作实绩\n(10分)", "立德树人述职测评\n(20分)"]
    assert (sheet["C4"].font.name, sheet["C4"].font.sz) == ("黑体", 10)
    first = [sheet.cell(5, c).value for c in range(1, 8)]
    assert first == [1, "=1+1", 6.5, 18.5, 25, "优秀", "★★★★★"]
    assert (sheet["C5"].number_format, sheet["E5"].number_format) == ("0.00", "0.0")
    assert (sheet["B5"].font.name, sheet["B5"].font.sz) == ("宋体", 10)
    second = [sheet.cell(6, c).value for c in range(1, 8)]
    assert second == ["—", "@SUM(A1:A3)", "缺", 18.5, "缺", "—", None]  # missing is 缺, never 0
    _check_print_setup(sheet, "G", 6, "$3:$4")
    assert sheet.page_setup.orientation == "portrait"  # seven columns fit an upright A4 page
    assert sheet.page_setup.fitToWidth == 1


def test_user_text_that_looks_like_a_formula_stays_text() -> None:
    for content in (
        filing_xlsx.ranking_workbook(HEADING, [BLOCK], PLACES),
        filing_xlsx.detail_workbook(HEADING, [BLOCK], PLACES),
    ):
        sheet = _read(content).worksheets[0]
        for cell, text in (("B5", "=1+1"), ("B6", "@SUM(A1:A3)")):
            assert sheet[cell].value == text
            assert sheet[cell].data_type == "s"  # never "f"
            assert sheet[cell].quotePrefix is True  # Excel keeps it text when the cell is edited
    rating = _read(filing_xlsx.rating_workbook(HEADING, [RATING], PLACES)).worksheets[0]
    assert (rating["C5"].value, rating["C5"].data_type) == ("=1+1", "s")


def test_column_widths_fit_the_chinese_text() -> None:
    long_name = "东湖市第一实验中学附属小学(南校区)"
    block = CategoryBlock("学校", D(30), (WORK, LIDE), [_unit("1", long_name, scored=True)], {"五星级": 5})
    sheet = _read(filing_xlsx.ranking_workbook(HEADING, [block], PLACES)).worksheets[0]
    assert sheet.column_dimensions["B"].width >= 2 * len(long_name)
    assert sheet.column_dimensions["A"].width == 6
    assert 8 <= sheet.column_dimensions["C"].width <= 14  # a component header wraps


def test_detail_table_has_a_column_per_item_under_its_component() -> None:
    sheet = _read(filing_xlsx.detail_workbook(HEADING, [BLOCK], PLACES))["明细表-学校"]
    assert sheet["A1"].value == "2026年度教育工作考核得分明细表(学校)"
    # 工作实绩 over its three scored items and its subtotal; the rating component has no items
    assert {"A1:H1", "A2:H2", "A3:A4", "B3:B4", "C3:F3", "G3:G4", "H3:H4"} == _merged(sheet)
    assert sheet["C3"].value == "工作实绩"
    heads = [sheet.cell(4, c).value for c in range(3, 7)]
    assert heads == ["1.1 领导体制机制\n(3分)", "1.2 学校党组织建设\n(2分)", "2 教育保障\n(5分)", "小计\n(10分)"]
    assert sheet["G3"].value == "立德树人述职测评\n(20分)"
    assert [sheet.cell(5, c).value for c in range(1, 9)] == [1, "=1+1", 2.5, "缺", 4, 6.5, 18.5, 25]
    assert [sheet.cell(6, c).value for c in range(3, 9)] == ["缺", "缺", 4, "缺", 18.5, "缺"]
    assert sheet["C5"].number_format == "General"  # the scheme does not round items
    assert sheet["F5"].font.b is True  # subtotals and the total are bold
    _check_print_setup(sheet, "H", 6, "$3:$4")


def test_a_wide_detail_table_prints_landscape_over_several_pages_with_names_repeated() -> None:
    items = tuple(ItemResult(f"{n}", f"考核指标第{n}项", D(1), D(1), "") for n in range(1, 41))
    unit = UnitResult(
        "1",
        "东湖一中",
        "school",
        D(40),
        D(40),
        None,
        None,
        1,
        (ComponentResult("work", "工作实绩", D(40), D(40), "", items=items),),
    )
    block = CategoryBlock("学校", D(40), (ComponentHead("work", "工作实绩", D(40)),), [unit])
    sheet = _read(filing_xlsx.detail_workbook(HEADING, [block], PLACES)).worksheets[0]
    assert sheet.max_column == 2 + 40 + 1 + 1
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 3  # 44 columns, 18 a page
    assert sheet.print_title_cols == "$A:$B"


def test_rating_breakdown_names_each_rater_group_in_chinese_with_ballots_averages_and_weights() -> None:
    book = _read(filing_xlsx.rating_workbook(HEADING, [RATING], PLACES))
    sheet = book.worksheets[0]
    assert sheet.title == "测评-立德树人述职测评"
    assert sheet["A1"].value == "2026年度教育工作考核立德树人述职测评分组统计表"
    assert [sheet.cell(3, c).value for c in (4, 7, 10)] == [
        "局领导(权重50%)",
        "处室负责人(权重30%)",
        "县区(学校)(权重20%)",
    ]
    assert {"D3:F3", "G3:I3", "J3:L3", "M3:M4", "N3:N4"} <= _merged(sheet)
    assert [sheet.cell(4, c).value for c in range(4, 7)] == ["有效票数", "平均分", "实际权重(%)"]
    row = [sheet.cell(5, c).value for c in range(1, 15)]
    assert row == [1, "学校", "=1+1", 7, 95.12, 62.5, 3, 90, 37.5, "缺", "缺", "缺", 92.5, 18.5]
    assert sheet["E5"].number_format == "0.00"
    assert sheet.page_setup.orientation == "landscape"
    _check_print_setup(sheet, "N", 6, "$3:$4")


def test_sheet_names_are_valid_and_unique() -> None:
    odd = CategoryBlock("县/区:[直属]*学校?很长很长很长很长很长很长的类别名称", D(30), (WORK,), UNITS)
    book = _read(filing_xlsx.ranking_workbook(HEADING, [odd, odd], PLACES))
    assert len(set(book.sheetnames)) == 2
    for name in book.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_control_characters_pasted_into_a_name_are_dropped() -> None:
    block = CategoryBlock("学校", D(30), (WORK,), [_unit("1", "东湖\x07一中", scored=True)])
    sheet = _read(filing_xlsx.ranking_workbook(HEADING, [block], PLACES)).worksheets[0]
    assert sheet["B5"].value == "东湖一中"


def test_a_table_with_no_unit_to_list_says_so_in_chinese() -> None:
    for make in (filing_xlsx.ranking_workbook, filing_xlsx.detail_workbook, filing_xlsx.rating_workbook):
        book = _read(make(HEADING, [], PLACES))
        assert book.sheetnames == ["说明"]
        sheet = book["说明"]
        assert sheet["A1"].value.startswith("2026年度教育工作考核")
        assert sheet["A4"].value == "暂无可列出的单位考核结果。"


def test_a_wide_rating_table_repeats_the_unit_columns_on_every_page() -> None:
    groups = tuple(GroupHead(f"g{n}", f"第{n}评委组", D(20)) for n in range(1, 6))
    block = RatingBlock(LIDE, D(100), groups, [("学校", unit) for unit in UNITS])
    sheet = _read(filing_xlsx.rating_workbook(HEADING, [block], PLACES)).worksheets[0]
    assert sheet.max_column == 3 + 5 * 3 + 2
    assert sheet.print_title_cols == "$A:$C"  # 序号, 类别, 单位名称
    assert sheet.freeze_panes == "D5"
    assert sheet.page_setup.fitToWidth == 2
