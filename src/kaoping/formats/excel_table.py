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
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.engine.model import DepartmentShare, EvidenceRequirement, Indicator, ItemKind
from kaoping.formats.parsing import (
    DepartmentTextError,
    format_decimal,
    format_departments,
    parse_decimal,
    parse_departments,
)
from kaoping.formats.problems import Problem, SchemeError

SHEET_NAME = "量化考核表"
HELP_SHEET_NAME = "填写说明"
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
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass
class Columns:
    """Where each recognised column is (1-based column numbers)."""

    levels: list[int] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)


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
            for cell in row:
                name = header_field(normalise_header(cell.value))
                if name == "level":
                    columns.levels.append(int(cell.column or 0))
                elif name is not None and name not in columns.fields:
                    columns.fields[name] = int(cell.column or 0)
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
        others = [cell_text(values.get(column)) for column in columns.fields.values()]
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
            if level < deepest and any(n.level == level and n.name == name for n in stack):
                continue  # the parent repeated on each of its rows
            node = self.new_node(name, level, number, columns.levels[level])
            parents = [n for n in stack if n.level < level]
            (parents[-1].children if parents else self.roots).append(node)
            stack[:] = [*parents, node]
        self.fill(stack[-1], values, columns, number)

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
        self.fill_points(node, values, fields["points"], row)
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


def open_workbook(path: Path) -> Any:
    try:
        return load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise SchemeError([Problem(str(path), "文件不存在")]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        hint = "请用 Excel 另存为 .xlsx 格式" if path.suffix.lower() == ".xls" else str(error)
        raise SchemeError([Problem(str(path), f"无法打开 Excel 文件:{hint}")]) from None


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


# -- writing ---------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WIDTHS = {"id": 8, "level": 24, "points": 8, "standard": 50, "departments": 22, "evidence": 24, "kind": 8}
FIELD_HEADERS = {
    "points": "分值",
    "standard": "评分标准",
    "departments": "责任处室",
    "evidence": "佐证材料",
    "kind": "类型",
}
EXAMPLE: tuple[Indicator, ...] = (
    Indicator(
        id="1",
        name="贯彻执行党的教育方针",
        points=Decimal(5),
        children=(
            Indicator(
                id="1.1",
                name="教育工作领导体制机制",
                points=Decimal(2),
                standard="成立党委教育工作领导小组,党委政府定期研究教育工作",
                departments=(DepartmentShare("办公室"),),
                evidence=EvidenceRequirement(True, "领导小组文件、会议纪要"),
            ),
            Indicator(
                id="1.2",
                name="学校党组织建设",
                points=Decimal(3),
                children=(
                    Indicator(
                        "1.2.1",
                        "党组织全覆盖",
                        Decimal(2),
                        standard="中小学校均建立党组织",
                        departments=(DepartmentShare("组织处"),),
                    ),
                    Indicator(
                        "1.2.2",
                        "教代会与工会",
                        Decimal(1),
                        standard="加强对教代会、工会的领导",
                        departments=(DepartmentShare("组织处"),),
                    ),
                ),
            ),
        ),
    ),
    Indicator(
        id="2",
        name="健全教育保障机制",
        points=Decimal(5),
        children=(
            Indicator(
                id="2.1",
                name="教师工资待遇",
                points=Decimal(5),
                standard="义务教育教师平均工资收入不低于当地公务员;一项由两个处室分别打分",
                departments=(DepartmentShare("财务处", Decimal(3)), DepartmentShare("人事处", Decimal(2))),
            ),
        ),
    ),
    Indicator(
        id="3",
        name="工作创新",
        points=Decimal(2),
        kind=ItemKind.BONUS,
        standard="经验被市级以上推广的加分,最多加 2 分",
        departments=(DepartmentShare("办公室"),),
    ),
)
HELP_LINES = (
    "量化考核表填写说明",
    "1. 每行一个指标。上级指标可以单独占一行(只填名称和分值),也可以只在第一行填写、下面各行留空或合并单元格。",
    "2. 分值:末级指标必填;上级指标可不填,留空时按下级指标合计。也可以写在名称里,如“党的建设(20分)”。",
    "3. 责任处室:多个处室用“、”或“,”分隔;一项由几个处室分别打分时写“办公室:4、财务处:3”,合计应等于本项分值。",
    "4. 类型:加分项写“加分”,减分项写“减分”,普通指标留空。加分项、减分项不计入上级指标的合计。",
    "5. 编号可留空,系统按位置编号(1、1.1、1.1.1)。计分规则(如每低1个百分点扣0.1分)请在考核方案文件中设置。",
    "6. 表中示例行可直接改写或删除;表头名称请勿修改(也可使用“分数”“责任部门”等常见写法)。",
)


def depth_of(indicators: Iterable[Indicator]) -> int:
    return max((1 + depth_of(i.children) for i in indicators), default=0)


def level_header(level: int) -> str:
    number = CHINESE_NUMBERS[level] if level < len(CHINESE_NUMBERS) else str(level + 1)
    return f"{number}级指标"


def put_text(cell: Cell | MergedCell, text: str) -> None:
    """Store text as text: a leading "=" must never become a formula."""
    assert isinstance(cell, Cell)  # we never write into merged ranges
    cell.value = text
    cell.data_type = "s"


def write_indicator_table(path: str | Path, indicators: Sequence[Indicator], *, levels: int = 3) -> None:
    """Write indicators as a 量化考核表 (the layout read_indicator_table reads)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    level_count = max(levels, depth_of(indicators))
    headers = ["编号", *(level_header(n) for n in range(level_count)), *FIELD_HEADERS.values()]
    keys = ["id", *(["level"] * level_count), *FIELD_HEADERS]
    for column, (header, key) in enumerate(zip(headers, keys, strict=True), start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[key]
    sheet.freeze_panes = "B2"
    row = 2
    for indicator in indicators:
        row = write_rows(sheet, indicator, 0, row, level_count)
    add_validation(sheet, level_count)
    add_help_sheet(workbook)
    workbook.save(path)


def write_rows(sheet: Worksheet, indicator: Indicator, level: int, row: int, level_count: int) -> int:
    put_text(sheet.cell(row=row, column=1), indicator.id)
    put_text(sheet.cell(row=row, column=2 + level), indicator.name)
    first_field = 2 + level_count
    sheet.cell(row=row, column=first_field, value=indicator.points)
    texts = [
        indicator.standard,
        format_departments(indicator.departments),
        indicator.evidence.description or ("是" if indicator.evidence.required else ""),
        {ItemKind.BONUS: "加分", ItemKind.PENALTY: "减分"}.get(indicator.kind, ""),
    ]
    for offset, text in enumerate(texts, start=1):
        if text:
            put_text(sheet.cell(row=row, column=first_field + offset), text)
    sheet.cell(row=row, column=first_field + 1).alignment = Alignment(wrap_text=True, vertical="top")
    row += 1
    for child in indicator.children:
        row = write_rows(sheet, child, level + 1, row, level_count)
    return row


def add_validation(sheet: Worksheet, level_count: int) -> None:
    points_column = get_column_letter(2 + level_count)
    kind_column = get_column_letter(2 + level_count + len(FIELD_HEADERS) - 1)
    points = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    points.error = "分值应为不小于 0 的数字"
    points.errorTitle = "分值"
    points.prompt = "末级指标必填;上级指标可留空(按下级合计)"
    points.showErrorMessage = True
    points.showInputMessage = True
    kind = DataValidation(type="list", formula1='"加分,减分"', allow_blank=True)
    kind.error = "类型只能是“加分”或“减分”,普通指标留空"
    kind.errorTitle = "类型"
    kind.showErrorMessage = True
    sheet.add_data_validation(points)
    sheet.add_data_validation(kind)
    points.add(f"{points_column}2:{points_column}1000")
    kind.add(f"{kind_column}2:{kind_column}1000")


def add_help_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(HELP_SHEET_NAME)
    sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(HELP_LINES, start=1):
        cell = sheet.cell(row=row, column=1)
        put_text(cell, line)
        cell.alignment = Alignment(wrap_text=True)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)


def write_indicator_template(path: str | Path) -> None:
    """A 量化考核表 template: headers, an example block, column widths and data validation."""
    write_indicator_table(path, EXAMPLE)
