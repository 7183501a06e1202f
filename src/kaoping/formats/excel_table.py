"""The Excel 量化考核表 a bureau already keeps: read it into indicators, or write a template.

Reading is forgiving about layout and strict about numbers:

- header names are recognised through a small table of synonyms (分值/分数/标准分, 责任处室/责任部门 …);
  the level columns (一级指标, 二级指标, 三级指标/评价要点 …) are taken left to right;
- a blank level cell (merged cells, or a parent written only on its first row) repeats the parent
  above; a parent written again on every row is recognised and not duplicated;
- a parent's points are optional: left blank they are the sum of its normal children; written in
  the points column of its own row or as "党的建设(20分)" in its name, they are checked;
- 责任处室 lists departments separated by 、 , ; or line breaks, and "办公室:4、财务处:3" splits
  an item's points between departments;
- every problem is located to the sheet and row ("量化考核表 第17行:分值“abc”不是数字").

Writing never turns a user's text into a formula: text cells are stored as strings even when
they begin with "=".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.engine.model import DepartmentShare, EvidenceRequirement, Indicator, ItemKind
from kaoping.formats.excel_template import (
    EXAMPLE,
    HELP_SHEET_NAME,
    SHEET_NAME,
    write_indicator_table,
    write_indicator_template,
)
from kaoping.formats.parsing import (
    DepartmentTextError,
    format_decimal,
    parse_decimal,
    parse_departments,
)
from kaoping.formats.problems import Problem, SchemeError
from kaoping.formats.xlsx_guard import Bounds, WorkbookRefused
from kaoping.formats.xlsx_guard import open_workbook as open_checked_workbook

__all__ = [
    "EXAMPLE",
    "SHEET_NAME",
    "read_indicator_table",
    "write_indicator_table",
    "write_indicator_template",
]

ZERO = Decimal(0)

# Recognised header names (after removing spaces, line breaks and bracketed units such as "(分)").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "序号", "指标编号", "代码"),
    "points": ("分值", "分数", "标准分", "满分", "计分", "赋分"),
    "standard": (
        "评分标准",
        "评分细则",
        "考核标准",
        "计分办法",
        "评分办法",
        "评分方法",
        "扣分标准",
        "评价标准",
        "考核办法",
    ),
    "departments": (
        "责任处室",
        "责任部门",
        "责任单位",
        "牵头处室",
        "评分处室",
        "考核处室",
        "评分部门",
        "牵头单位",
        "责任科室",
        "考核部门",
    ),
    "evidence": ("佐证材料", "佐证资料", "备查材料", "支撑材料", "考核材料", "佐证", "备查资料"),
    "kind": ("类型", "项目类型", "加减分", "指标类型", "加分减分"),
}
LEVEL_NAMES = (
    "评价要点",
    "考核要点",
    "考核内容",
    "评价内容",
    "具体指标",
    "测评要点",
    "指标名称",
    "考核指标",
    "考核项目",
    "指标",
    "评价指标",
)
LEVEL_PATTERN = re.compile(r"^[一二三四五六七八九十\d]+级指标$")
HEADER_NOISE = re.compile(r"\s+|[((][^))]*[))]")
POINTS_IN_NAME = re.compile(r"\s*[((]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[))]\s*$")
TOTAL_ROWS = frozenset({"合计", "总计", "总分", "小计"})
BONUS_WORDS = frozenset({"加分", "加分项", "加分项目"})
PENALTY_WORDS = frozenset({"减分", "扣分", "减分项", "减分项目", "扣分项"})
NORMAL_WORDS = frozenset({"", "普通", "常规", "基本", "基础"})
REQUIRED_WORDS = frozenset({"是", "需要", "必须", "要"})


@dataclass
class Columns:
    """Where each recognised column is (1-based column numbers)."""

    levels: list[int] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)
    # Several 分值 columns ("一级指标 | 分值 | 二级指标 | 分值 …"): each belongs to the level on its left.
    level_points: dict[int, int] = field(default_factory=dict)

    def add_points_columns(self, points_columns: list[int]) -> None:
        if not points_columns:
            return
        self.fields["points"] = points_columns[-1]
        if len(points_columns) < 2:
            return
        for column in points_columns:
            level = sum(1 for level_column in self.levels if level_column < column) - 1
            if level >= 0:
                self.level_points[level] = column


@dataclass
class Node:
    """An indicator while the sheet is being read."""

    name: str
    level: int
    row: int
    points: Decimal | None = None
    points_cell: str = ""
    points_reported: bool = False  # a bad points cell was reported already
    item_id: str = ""
    standard: str = ""
    departments: tuple[DepartmentShare, ...] = ()
    departments_cell: str = ""
    evidence: EvidenceRequirement = field(default_factory=EvidenceRequirement)
    kind: ItemKind = ItemKind.NORMAL
    children: list[Node] = field(default_factory=list)


def normalise_header(value: object) -> str:
    return HEADER_NOISE.sub("", str(value)) if value is not None else ""


def header_field(text: str) -> str | None:
    if LEVEL_PATTERN.match(text) or text in LEVEL_NAMES:
        return "level"
    for name, words in SYNONYMS.items():
        if text in words:
            return name
    return None


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- reading ---------------------------------------------------------------------------------------


class TableReader:
    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.problems: list[Problem] = []
        self.roots: list[Node] = []

    def report(self, column: int, row: int, message: str) -> None:
        location = f"{self.sheet.title}!{get_column_letter(column)}{row}"
        self.problems.append(Problem(location, f"{self.sheet.title} 第{row}行:{message}"))

    def find_header(self) -> tuple[int, Columns] | None:
        best: tuple[int, Columns] | None = None
        for row in self.sheet.iter_rows(min_row=1, max_row=min(self.sheet.max_row, 15)):
            columns = Columns()
            points_columns: list[int] = []
            for cell in row:
                name = header_field(normalise_header(cell.value))
                if name == "level":
                    columns.levels.append(int(cell.column or 0))
                elif name == "points":
                    points_columns.append(int(cell.column or 0))
                elif name is not None and name not in columns.fields:
                    columns.fields[name] = int(cell.column or 0)
            columns.add_points_columns(points_columns)
            if columns.levels and "points" in columns.fields:
                score = len(columns.levels) + len(columns.fields)
                if best is None or score > len(best[1].levels) + len(best[1].fields):
                    best = (int(row[0].row or 0), columns)
        return best

    def read(self) -> list[Node]:
        header = self.find_header()
        if header is None:
            self.problems.append(
                Problem(
                    f"{self.sheet.title}!A1",
                    f"{self.sheet.title}:没有找到表头。需要至少一个指标列(如“一级指标”“二级指标”“评价要点”)和“分值”列",
                )
            )
            return []
        header_row, columns = header
        stack: list[Node] = []
        for row in self.sheet.iter_rows(min_row=header_row + 1):
            self.read_row(row, columns, stack)
        return self.roots

    def read_row(self, row: Sequence[Cell | Any], columns: Columns, stack: list[Node]) -> None:
        values = {int(c.column): c.value for c in row if getattr(c, "column", None) is not None}
        number = int(row[0].row)
        names = [cell_text(values.get(column)) for column in columns.levels]
        others = [cell_text(values.get(c)) for c in [*columns.fields.values(), *columns.level_points.values()]]
        if not any(names) and not any(others):
            return  # a blank row
        if next((n for n in names if n), "").replace(" ", "") in TOTAL_ROWS:
            return  # a 合计 row: the sums are ours to compute
        if not any(names):
            self.report(columns.levels[-1], number, "这一行填写了分值等内容,但没有指标名称")
            return
        deepest = max(i for i, name in enumerate(names) if name)
        for level, name in enumerate(names):
            if not name:
                continue
            repeated = [n for n in stack if n.level == level and n.name == name]
            if level < deepest and repeated:
                self.fill_level_points(repeated[0], values, columns, number)
                continue  # the parent repeated on each of its rows
            node = self.new_node(name, level, number, columns.levels[level])
            parents = [n for n in stack if n.level < level]
            (parents[-1].children if parents else self.roots).append(node)
            stack[:] = [*parents, node]
            if level < deepest:
                self.fill_level_points(node, values, columns, number)
        self.fill(stack[-1], values, columns, number)

    def fill_level_points(self, node: Node, values: dict[int, object], columns: Columns, row: int) -> None:
        """A parent's points from its own 分值 column, when the table has one per level."""
        if node.level in columns.level_points:
            self.fill_points(node, values, columns.level_points[node.level], row)

    @staticmethod
    def new_node(text: str, level: int, row: int, column: int) -> Node:
        """A node; "党的建设(20分)" gives its points in its name."""
        node = Node(name=text, level=level, row=row, points_cell=f"{get_column_letter(column)}{row}")
        match = POINTS_IN_NAME.search(text)
        if match and text[: match.start()].strip():
            node.name = text[: match.start()].strip()
            node.points = parse_decimal(match.group("points"))
        return node

    def fill(self, node: Node, values: dict[int, object], columns: Columns, row: int) -> None:
        fields = columns.fields
        self.fill_points(node, values, columns.level_points.get(node.level, fields["points"]), row)
        if "id" in fields:
            node.item_id = cell_text(values.get(fields["id"]))
        if "standard" in fields:
            node.standard = cell_text(values.get(fields["standard"]))
        if "departments" in fields:
            self.fill_departments(node, cell_text(values.get(fields["departments"])), fields["departments"], row)
        if "evidence" in fields:
            text = cell_text(values.get(fields["evidence"]))
            description = "" if text in REQUIRED_WORDS else text
            node.evidence = EvidenceRequirement(required=bool(text), description=description)
        if "kind" in fields:
            self.fill_kind(node, cell_text(values.get(fields["kind"])), fields["kind"], row)

    def fill_points(self, node: Node, values: dict[int, object], column: int, row: int) -> None:
        raw = values.get(column)
        if node.points is None or cell_text(raw) != "":
            node.points_cell = f"{get_column_letter(column)}{row}"
        if cell_text(raw) == "":
            return  # a parent summed from its children, or points given in the name
        points = parse_decimal(raw)
        if points is None:
            self.report(column, row, f"分值“{cell_text(raw)}”不是数字")
        elif points < 0:
            self.report(column, row, f"分值 {format_decimal(points)} 不能为负数(减分项请在“类型”列写“减分”)")
        node.points = points if points is not None and points >= 0 else None
        node.points_reported = node.points is None

    def fill_departments(self, node: Node, text: str, column: int, row: int) -> None:
        node.departments_cell = f"{get_column_letter(column)}{row}"
        try:
            node.departments = parse_departments(text)
        except DepartmentTextError as error:
            self.report(column, row, str(error))

    def fill_kind(self, node: Node, text: str, column: int, row: int) -> None:
        word = text.replace(" ", "")
        if word in BONUS_WORDS:
            node.kind = ItemKind.BONUS
        elif word in PENALTY_WORDS:
            node.kind = ItemKind.PENALTY
        elif word not in NORMAL_WORDS:
            self.report(column, row, f"类型“{text}”应为“加分”或“减分”(普通指标留空)")


class TreeBuilder:
    """Nodes → Indicators: ids, summed parent points, and the checks that need the whole tree."""

    def __init__(self, reader: TableReader) -> None:
        self.reader = reader
        self.ids: dict[str, int] = {}

    def report(self, cell: str, row: int, message: str) -> None:
        sheet = self.reader.sheet.title
        self.reader.problems.append(Problem(f"{sheet}!{cell}", f"{sheet} 第{row}行:{message}"))

    def build(self, nodes: Sequence[Node], prefix: str = "") -> tuple[Indicator, ...]:
        return tuple(self.indicator(node, f"{prefix}{index}") for index, node in enumerate(nodes, start=1))

    def indicator(self, node: Node, position: str) -> Indicator:
        item_id = node.item_id or position
        if item_id in self.ids:
            self.report(node.points_cell, node.row, f"编号“{item_id}”与第{self.ids[item_id]}行重复")
        self.ids.setdefault(item_id, node.row)
        children = self.build(node.children, f"{item_id}.")
        points = self.points(node, children)
        self.check_split(node, points)
        return Indicator(
            id=item_id,
            name=node.name,
            points=points,
            children=children,
            kind=node.kind,
            standard=node.standard,
            departments=node.departments,
            evidence=node.evidence,
        )

    def points(self, node: Node, children: Sequence[Indicator]) -> Decimal:
        normal_sum = sum((c.points for c in children if c.kind is ItemKind.NORMAL), ZERO)
        if not children:
            if node.points is None and not node.points_reported:
                self.report(node.points_cell, node.row, f"“{node.name}”缺少分值")
            return node.points if node.points is not None else ZERO
        if node.points is None:
            return normal_sum
        if normal_sum != node.points:
            self.report(
                node.points_cell,
                node.row,
                f"“{node.name}”的分值 {format_decimal(node.points)} 与下级指标合计 "
                f"{format_decimal(normal_sum)} 不一致(加分项、减分项不计入合计)",
            )
        return node.points

    def check_split(self, node: Node, points: Decimal) -> None:
        split = [share.points for share in node.departments if share.points is not None]
        if split and sum(split, ZERO) != points:
            self.report(
                node.departments_cell,
                node.row,
                f"责任处室分值合计 {format_decimal(sum(split, ZERO))} 与本项分值 {format_decimal(points)} 不一致",
            )


# openpyxl's normal mode (not read-only) keeps an object per cell: a 量化考核表 has hundreds.
TABLE_BOUNDS = Bounds(rows=20_000, columns=200, cells=200_000, merged_cells=50_000)


def open_workbook(path: Path) -> Any:
    """The workbook, after xlsx_guard's checks (DTD, zip bomb, absurd extents)."""
    if not path.exists():
        raise SchemeError([Problem(str(path), "文件不存在")])
    if path.suffix.lower() == ".xls" or _is_ole(path):
        raise SchemeError([Problem(str(path), "无法打开 Excel 文件:这是旧版 .xls 格式,请用 Excel 另存为 .xlsx 格式")])
    try:
        return open_checked_workbook(path, bounds=TABLE_BOUNDS, read_only=False)
    except WorkbookRefused as error:
        raise SchemeError([Problem(str(path), f"无法打开 Excel 文件:{error.message}")]) from None
    except OSError as error:
        raise SchemeError([Problem(str(path), f"无法读取文件:{error.strerror or error}")]) from None


def _is_ole(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    except OSError:
        return False


def pick_sheet(workbook: Any) -> Worksheet:
    if SHEET_NAME in workbook.sheetnames:
        sheet: Worksheet = workbook[SHEET_NAME]
        return sheet
    for sheet in workbook.worksheets:
        if sheet.title != HELP_SHEET_NAME and TableReader(sheet).find_header() is not None:
            return sheet
    first: Worksheet = workbook.worksheets[0]
    return first


def read_indicator_table(path: str | Path) -> tuple[Indicator, ...]:
    """The indicators of a 量化考核表 (.xlsx); SchemeError with sheet/row locations if it is wrong."""
    workbook = open_workbook(Path(path))
    reader = TableReader(pick_sheet(workbook))
    nodes = reader.read()
    indicators = TreeBuilder(reader).build(nodes)
    if not indicators and not reader.problems:
        reader.problems.append(Problem(f"{reader.sheet.title}!A1", f"{reader.sheet.title}:表头下没有任何指标"))
    if reader.problems:
        raise SchemeError(reader.problems)
    return indicators
