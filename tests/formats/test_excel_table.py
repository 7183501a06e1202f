"""The Excel 量化考核表: template → fill → read, flexible layouts, and located errors."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kaoping.engine.model import DepartmentShare, Indicator, ItemKind
from kaoping.formats.excel_table import (
    EXAMPLE,
    SHEET_NAME,
    read_indicator_table,
    write_indicator_table,
    write_indicator_template,
)
from kaoping.formats.problems import Problem, SchemeError
from kaoping.formats.scheme_file import load_scheme, validate_scheme_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Row = list[object]


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(SchemeError) as caught:
        read_indicator_table(path)
    return caught.value.problems


def sheet_file(tmp_path: Path, header: Row, rows: list[Row], title: str = SHEET_NAME) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "table.xlsx"
    workbook.save(path)
    return path


def without_rules(indicator: Indicator) -> Indicator:
    return dataclasses.replace(indicator, rule=None, children=tuple(without_rules(c) for c in indicator.children))


# -- template ----------------------------------------------------------------------------------------


def test_the_template_reads_back_as_its_example_block(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_indicator_template(path)
    assert read_indicator_table(path) == EXAMPLE


def test_the_template_has_headers_widths_validation_and_help(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_indicator_template(path)
    workbook = load_workbook(path)
    sheet = workbook[SHEET_NAME]
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["编号", "一级指标", "二级指标", "三级指标", "分值", "评分标准", "责任处室", "佐证材料", "类型"]
    assert sheet.column_dimensions["F"].width == 50
    kinds = {v.type for v in sheet.data_validations.dataValidation}
    assert kinds == {"decimal", "list"}
    assert "填写说明" in workbook.sheetnames


def test_template_filled_in_by_hand_is_read(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_indicator_template(path)
    workbook = load_workbook(path)
    sheet = workbook[SHEET_NAME]
    sheet.delete_rows(2, sheet.max_row)
    rows: list[Row] = [
        [None, "党的建设(20分)", "班子建设", None, 12, "按期换届", "组织处", "换届材料", None],
        [None, None, "党员管理", None, 8, "三会一课", "组织处、宣传处", None, None],
        [None, "安全稳定", "校园安全", None, "10", "无安全事故", "安全处:6, 办公室:4", None, None],
        [None, None, "安全事故", None, 5, "每起扣 1 分", "安全处", None, "减分"],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    party, safety = read_indicator_table(path)
    assert (party.name, party.points, [c.points for c in party.children]) == (
        "党的建设",
        Decimal(20),
        [Decimal(12), Decimal(8)],
    )
    assert party.children[1].departments == (DepartmentShare("组织处"), DepartmentShare("宣传处"))
    assert party.children[0].evidence.description == "换届材料"
    assert safety.points == Decimal(10)  # the penalty item is not part of the sum
    assert safety.children[0].departments == (
        DepartmentShare("安全处", Decimal(6)),
        DepartmentShare("办公室", Decimal(4)),
    )
    assert safety.children[1].kind is ItemKind.PENALTY
    assert [c.id for c in safety.children] == ["2.1", "2.2"]


# -- flexible layouts ----------------------------------------------------------------------------


def test_synonym_headers_and_a_header_below_a_title_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["2018年县区考核量化表"])
    sheet.append(["序号", "考核项目", "考核内容", "分数(分)", "考核标准", "责任部门", "备查资料"])
    sheet.append(["A1", "看质量", "义务教育均衡", 15, "达标", "基础教育处", "是"])
    sheet.append(["A2", "看质量", "学前教育", 10, "达标", "基础教育处", None])
    path = tmp_path / "county.xlsx"
    workbook.save(path)
    [quality] = read_indicator_table(path)
    assert quality.points == Decimal(25)
    assert [c.id for c in quality.children] == ["A1", "A2"]  # the parent repeated on each row is one node
    assert quality.children[0].evidence.required
    assert quality.children[0].evidence.description == ""


def test_merged_parent_cells_repeat_the_parent(tmp_path: Path) -> None:
    header: Row = ["一级指标", "二级指标", "评价要点", "分值"]
    rows: list[Row] = [
        ["保障", "经费", "只增不减", 4],
        [None, None, "生均经费", 2],
        [None, "队伍", "编制", 3],
        ["合计", None, None, 9],
    ]
    path = sheet_file(tmp_path, header, rows)
    workbook = load_workbook(path)
    workbook.active.merge_cells("A2:A4")  # type: ignore[union-attr]
    workbook.save(path)
    [root] = read_indicator_table(path)
    assert root.points == Decimal(9)
    assert [(c.name, c.points) for c in root.children] == [("经费", Decimal(6)), ("队伍", Decimal(3))]
    assert [leaf.id for leaf in root.leaves()] == ["1.1.1", "1.1.2", "1.2.1"]


def test_a_parent_row_with_its_own_points(tmp_path: Path) -> None:
    header: Row = ["一级指标", "二级指标", "分值"]
    rows: list[Row] = [["党建", None, 10], [None, "班子", 6], [None, "制度", 4]]
    [root] = read_indicator_table(sheet_file(tmp_path, header, rows))
    assert (root.points, len(root.children)) == (Decimal(10), 2)


def test_decimal_points_are_exact(tmp_path: Path) -> None:
    rows: list[Row] = [["甲", 2.2], ["乙", "1.8"], ["丙", 0.1]]
    indicators = read_indicator_table(sheet_file(tmp_path, ["一级指标", "分值"], rows))
    assert [i.points for i in indicators] == [Decimal("2.2"), Decimal("1.8"), Decimal("0.1")]


# -- errors ----------------------------------------------------------------------------------------


def test_points_that_are_not_a_number_are_located_to_sheet_and_row(tmp_path: Path) -> None:
    rows: list[Row] = [["甲", 1]] * 15 + [["乙", "abc"]]
    problems = problems_of(
        sheet_file(tmp_path, ["一级指标", "分值"], [[f"{r[0]}{n}", r[1]] for n, r in enumerate(rows)])
    )
    assert Problem("量化考核表!B17", "量化考核表 第17行:分值“abc”不是数字") in problems


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    header: Row = ["一级指标", "二级指标", "分值", "责任处室", "类型"]
    rows: list[Row] = [
        ["党建", None, 10, None, None],  # children add up to 9
        [None, "班子", 5, "组织处:3、宣传处:3", None],  # split 6 ≠ 5
        [None, "制度", 4, None, "附加"],  # unknown kind
        ["质量", "课程", None, None, None],  # leaf without points
        [None, "考试", -1, None, None],  # negative
        [None, None, 3, None, None],  # points without a name
    ]
    problems = problems_of(sheet_file(tmp_path, header, rows))
    messages = {p.location: p.message for p in problems}
    assert "“党建”的分值 10 与下级指标合计 9 不一致" in messages["量化考核表!C2"]
    assert "责任处室分值合计 6 与本项分值 5 不一致" in messages["量化考核表!D3"]
    assert "类型“附加”应为“加分”或“减分”" in messages["量化考核表!E4"]
    assert messages["量化考核表!C5"] == "量化考核表 第5行:“课程”缺少分值"
    assert "不能为负数" in messages["量化考核表!C6"]
    assert "没有指标名称" in messages["量化考核表!B7"]


def test_duplicate_ids_in_the_id_column(tmp_path: Path) -> None:
    rows: list[Row] = [["1", "甲", 1], ["1", "乙", 2]]
    problems = problems_of(sheet_file(tmp_path, ["编号", "一级指标", "分值"], rows))
    assert any("编号“1”与第2行重复" in p.message and p.location == "量化考核表!C3" for p in problems)


def test_a_sheet_without_a_header(tmp_path: Path) -> None:
    [problem] = problems_of(sheet_file(tmp_path, ["名称", "得分"], [["甲", 1]]))
    assert problem.location == "量化考核表!A1"
    assert "没有找到表头" in problem.message


def test_a_file_that_is_not_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"not a workbook")
    [problem] = problems_of(path)
    assert "另存为 .xlsx" in problem.message


# -- writing ----------------------------------------------------------------------------------------


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    evil = Indicator("1", '=HYPERLINK("http://x","点我")', Decimal(1), standard="=1+1")
    path = tmp_path / "table.xlsx"
    write_indicator_table(path, (evil,))
    sheet = load_workbook(path)[SHEET_NAME]
    assert sheet["B2"].data_type == "s"
    assert sheet["F2"].data_type == "s"
    assert read_indicator_table(path) == (evil,)


def test_honggutan_indicator_table_matches_the_scheme() -> None:
    scheme = load_scheme(EXAMPLES / "honggutan-2021" / "scheme.yaml")
    table = read_indicator_table(EXAMPLES / "honggutan-2021" / "indicators.xlsx")
    assert table == tuple(without_rules(i) for i in scheme.components[0].indicators)


def test_a_scheme_can_take_its_indicators_from_an_excel_table(tmp_path: Path) -> None:
    write_indicator_template(tmp_path / "table.xlsx")
    (tmp_path / "scheme.yaml").write_text(
        "scheme: {id: t, name: 测试}\n"
        "categories: [{id: c, name: 县区, components: [t]}]\n"
        "components:\n"
        "  - {id: t, name: 量化考核, points: 10, method: indicators, indicators_file: table.xlsx}\n",
        encoding="utf-8",
    )
    scheme = load_scheme(tmp_path / "scheme.yaml")
    assert scheme.components[0].indicators == EXAMPLE


def test_excel_problems_surface_through_the_scheme_validator(tmp_path: Path) -> None:
    sheet_file(tmp_path, ["一级指标", "分值"], [["甲", "abc"]])
    (tmp_path / "scheme.yaml").write_text(
        "scheme: {id: t, name: 测试}\n"
        "categories: [{id: c, name: 县区, components: [t]}]\n"
        "components:\n"
        "  - {id: t, name: 量化考核, points: 10, method: indicators, indicators_file: table.xlsx}\n",
        encoding="utf-8",
    )
    problems = validate_scheme_file(tmp_path / "scheme.yaml")
    assert problems == [Problem("量化考核表!B2", "量化考核表 第2行:分值“abc”不是数字")]


# -- any tree ----------------------------------------------------------------------------------------

NAME = st.text(alphabet="党建教育质量保障安全师资经费课程评价考核甲乙丙丁ABC123=+-", min_size=1, max_size=12).filter(
    lambda text: text.replace(" ", "") not in {"合计", "总计", "总分", "小计"}
)
POINTS = st.decimals(min_value=0, max_value=50, places=1, allow_nan=False, allow_infinity=False)
DEPARTMENTS = st.lists(st.sampled_from(["办公室", "财务处", "人事处", "基础教育处"]), max_size=2, unique=True)


@st.composite
def leaf(draw: st.DrawFn) -> Indicator:
    kind = draw(st.sampled_from([ItemKind.NORMAL, ItemKind.NORMAL, ItemKind.BONUS, ItemKind.PENALTY]))
    standard = draw(st.text(max_size=30).map(str.strip))
    names = draw(DEPARTMENTS)
    return Indicator(
        id="",
        name=draw(NAME),
        points=draw(POINTS),
        kind=kind,
        standard=standard,
        departments=tuple(DepartmentShare(n) for n in names),
    )


def tree(depth: int) -> st.SearchStrategy[Indicator]:
    if depth == 0:
        return leaf()
    children = st.lists(tree(depth - 1), min_size=1, max_size=3)
    return st.one_of(
        leaf(),
        st.builds(
            lambda name, kids: Indicator(
                id="",
                name=name,
                points=sum((k.points for k in kids if k.kind is ItemKind.NORMAL), Decimal(0)),
                children=tuple(kids),
            ),
            NAME,
            children,
        ),
    )


def numbered(indicators: tuple[Indicator, ...], prefix: str = "") -> tuple[Indicator, ...]:
    return tuple(
        dataclasses.replace(i, id=f"{prefix}{n}", children=numbered(i.children, f"{prefix}{n}."))
        for n, i in enumerate(indicators, start=1)
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(tree(2), min_size=1, max_size=4).map(tuple))
def test_any_indicator_tree_survives_excel(tmp_path: Path, indicators: tuple[Indicator, ...]) -> None:
    indicators = numbered(indicators)
    path = tmp_path / "any.xlsx"
    write_indicator_table(path, indicators)
    cleaned = read_indicator_table(path)
    assert cleaned == tuple(strip_control(i) for i in indicators)


def strip_control(indicator: Indicator) -> Indicator:
    return dataclasses.replace(
        indicator,
        standard=ILLEGAL_CHARACTERS_RE.sub("", indicator.standard.replace("\r\n", "\n").replace("\r", "\n")).strip(),
        children=tuple(strip_control(c) for c in indicator.children),
    )


def test_a_points_column_after_each_level(tmp_path: Path) -> None:
    header: Row = ["一级指标", "分值", "二级指标", "分值", "评价要点", "分值"]
    rows: list[Row] = [
        ["党建", 10, "班子", 6, "换届", 4],
        [None, None, None, None, "学习", 2],
        [None, None, "制度", 4, "三会一课", 4],
        ["安全", 5, "校园安全", 5, None, None],
    ]
    path = sheet_file(tmp_path, header, rows)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("B2:B4")
    workbook.save(path)
    party, safety = read_indicator_table(path)
    assert [(c.name, c.points) for c in party.children] == [("班子", Decimal(6)), ("制度", Decimal(4))]
    assert [leaf.points for leaf in party.leaves()] == [Decimal(4), Decimal(2), Decimal(4)]
    assert (safety.points, safety.children[0].name, safety.children[0].is_leaf) == (Decimal(5), "校园安全", True)


def test_a_level_points_column_that_disagrees_with_the_children(tmp_path: Path) -> None:
    header: Row = ["一级指标", "分值", "二级指标", "分值"]
    rows: list[Row] = [["党建", 10, "班子", 6], [None, None, "制度", 3]]
    problems = problems_of(sheet_file(tmp_path, header, rows))
    assert any(p.location == "量化考核表!B2" and "与下级指标合计 9 不一致" in p.message for p in problems)


CELL: st.SearchStrategy[str | int | float | None] = (
    st.none()
    | st.sampled_from(["", "甲", "合计", "加分", "减分", "办公室:3、财务处:x", "12(5分)", "是"])
    | st.integers(-3, 30)
    | st.floats(-3, 30, allow_nan=False)
    | st.text(max_size=5)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=7, max_size=7), max_size=6))
def test_any_table_gives_indicators_or_located_problems(tmp_path: Path, rows: list[Row]) -> None:
    header: Row = ["编号", "一级指标", "二级指标", "分值", "责任处室", "类型", "佐证材料"]
    path = sheet_file(
        tmp_path, header, [[ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in r] for r in rows]
    )
    try:
        read_indicator_table(path)
    except SchemeError as error:
        assert error.problems
        assert all(p.location.startswith("量化考核表!") for p in error.problems)
