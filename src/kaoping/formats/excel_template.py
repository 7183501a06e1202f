"""Writing the Excel 量化考核表: the downloadable template and any indicator tree as a table.

Text cells are always stored as strings, so a name or standard that begins with "=" can never
become a formula when the file is opened. ``read_indicator_table`` (excel_table.py) reads what
this module writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaoping.engine.model import DepartmentShare, EvidenceRequirement, Indicator, ItemKind
from kaoping.formats.parsing import format_departments

SHEET_NAME = "量化考核表"
HELP_SHEET_NAME = "填写说明"
CHINESE_NUMBERS = "一二三四五六七八九十"

# -- layout ---------------------------------------------------------------------------------------

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
    """Store text as text: a leading "=" must never become a formula. Control characters
    (pasted from Word) are not allowed in .xlsx and are dropped."""
    assert isinstance(cell, Cell)  # we never write into merged ranges
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # XML would turn a lone \r into \n anyway
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
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
