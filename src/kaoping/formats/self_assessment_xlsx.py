"""A unit's 自评表 as an Excel workbook: the pre-filled template it downloads and the file it sends back.

One row per leaf item of the unit's category: 序号 | 指标 | 分值 | 自评分 | 数据1…数据K | 说明. The
sheet is protected (no password: it guards against slips, the server checks everything again):
only 自评分, the 数据 cells an item has and 说明 are unlocked. 自评分 carries data validation for a
number within 0..分值, each 数据 cell for a number. A hidden sheet 模板信息 names the campaign and
unit the template was made for, so a file of another unit or another program is recognised.

Reading goes through ``xlsx_guard.open_workbook`` (zip bomb, DTD and size bounds) and reports every
problem with its row in Chinese ("第 12 行 自评分:超出 0–4 分"); nothing here touches a database.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from kaoping.formats.xlsx_guard import Bounds, WorkbookRefused, open_workbook

SHEET_NAME = "自评表"
META_SHEET = "模板信息"
MARK = "kaoping-self-assessment-v1"
BASE_HEADERS = ("序号", "指标", "分值", "自评分")
NOTE_HEADER = "说明"
HEADER_ROW = 3  # row 1: title, row 2: how to fill in, row 3: headers, items from row 4
FIRST_ROW = HEADER_ROW + 1
BOUNDS = Bounds(rows=5_000, columns=60, cells=200_000, merged_cells=10_000)
NOTE_MAX = 5000
NOT_TEMPLATE = "这不是本系统下载的自评表模板(缺少“模板信息”或表头不符)。请在本页下载模板,填写后再上传"


@dataclass(frozen=True)
class TemplateItem:
    """What the template shows and accepts for one leaf item."""

    item_id: str
    name: str  # with its place, e.g. "党建与德育 / 党组织建设"
    points: Decimal
    figures: tuple[tuple[str, str], ...] = ()  # (figure name, label) the item's rule reads
    scored: bool = True  # False: the item takes no score (veto-type); 自评分 stays locked
    score: Decimal | None = None
    figure_values: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class TemplateInfo:
    campaign_id: str
    unit_id: str
    unit_name: str
    title: str


@dataclass(frozen=True)
class FilledRow:
    """One item as the file has it (text, not yet validated by the services)."""

    row: int  # the Excel row number
    item_id: str
    score: str
    figures: dict[str, str]
    note: str


@dataclass
class ReadResult:
    info: TemplateInfo | None = None
    rows: list[FilledRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def figure_columns(items: Sequence[TemplateItem]) -> int:
    return max((len(item.figures) for item in items), default=0)


def headers_for(items: Sequence[TemplateItem]) -> list[str]:
    count = figure_columns(items)
    figures = ["数据"] if count == 1 else [f"数据{n}" for n in range(1, count + 1)]
    return [*BASE_HEADERS, *figures, NOTE_HEADER]


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _number_cell(value: Decimal | str | None) -> Any:
    """A stored Decimal string as a number Excel computes with (int or float: display only)."""
    if value is None or value == "":
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral() else float(number)


def write_template(items: Sequence[TemplateItem], info: TemplateInfo) -> bytes:
    """The pre-filled 自评表 for one unit, as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from kaoping.formats.excel_template import put_text

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    headers = headers_for(items)
    count = figure_columns(items)
    note_column = len(headers)
    put_text(sheet.cell(row=1, column=1), info.title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    put_text(
        sheet.cell(row=2, column=1),
        "只填白底的格子:自评分(0 到分值之间的数字)、数据(数字,百分比可写 85 或 85%)、说明。"
        "灰底的格子不能修改;“指标”列括号中写明每个数据的含义。填好后在系统中上传本文件。",
    )
    sheet.cell(row=2, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=note_column)
    sheet.row_dimensions[2].height = 36
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    locked_fill = PatternFill("solid", fgColor="EEEEEE")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column)
        put_text(cell, header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = [8, 46, 8, 10, *([12] * count), 48]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"D{FIRST_ROW}"
    number_check = DataValidation(
        type="decimal", allow_blank=True, operator="between", formula1="-1e15", formula2="1e15"
    )
    number_check.error = "数据应为数字"
    number_check.errorTitle = "数据"
    number_check.showErrorMessage = True
    sheet.add_data_validation(number_check)
    for offset, item in enumerate(items):
        row = FIRST_ROW + offset
        put_text(sheet.cell(row=row, column=1), item.item_id)
        name = item.name
        if item.figures:
            labels = [label for _name, label in item.figures]
            parts = [labels[0]] if count == 1 else [f"数据{n}:{label}" for n, label in enumerate(labels, start=1)]
            name += "(需填数据:" + ";".join(parts) + ")"
        if not item.scored:
            name += "(本项不录入自评分)"
        put_text(sheet.cell(row=row, column=2), name)
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=row, column=3, value=_number_cell(item.points))
        score = sheet.cell(row=row, column=4, value=_number_cell(item.score))
        if item.scored:
            score.protection = Protection(locked=False)
            check = DataValidation(
                type="decimal", operator="between", formula1="0", formula2=_fmt(item.points), allow_blank=True
            )
            check.error = f"自评分应为 0 到 {_fmt(item.points)} 之间的数字"
            check.errorTitle = "自评分"
            check.showErrorMessage = True
            sheet.add_data_validation(check)
            check.add(score.coordinate)
        for n in range(count):
            cell = sheet.cell(row=row, column=5 + n)
            if n < len(item.figures):
                cell.value = _number_cell(item.figure_values.get(item.figures[n][0]))
                cell.protection = Protection(locked=False)
                number_check.add(cell.coordinate)
            else:
                cell.fill = locked_fill
        note = sheet.cell(row=row, column=note_column)
        if item.note:
            put_text(note, item.note)
        note.protection = Protection(locked=False)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        for column in (1, 2, 3) if item.scored else (1, 2, 3, 4):
            sheet.cell(row=row, column=column).fill = locked_fill
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # widths may change; content of locked cells may not
    sheet.protection.formatRows = False
    meta = workbook.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(
        (("模板", MARK), ("考核", info.campaign_id), ("单位", info.unit_id), ("单位名称", info.unit_name)), start=1
    ):
        put_text(meta.cell(row=row, column=1), key)
        put_text(meta.cell(row=row, column=2), value)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- reading ----------------------------------------------------------------------------------


def read_filled(source: IO[bytes], items: Sequence[TemplateItem]) -> ReadResult:
    """The rows of a filled 自评表, checked against the unit's ``items``; every problem located.

    Raises WorkbookRefused for a file that is not a readable .xlsx within the bounds."""
    workbook = open_workbook(source, bounds=BOUNDS, read_only=True)
    try:
        return _read(workbook, items)
    finally:
        workbook.close()


def _read(workbook: Any, items: Sequence[TemplateItem]) -> ReadResult:
    result = ReadResult()
    if SHEET_NAME not in workbook.sheetnames or META_SHEET not in workbook.sheetnames:
        result.problems.append(NOT_TEMPLATE)
        return result
    meta = {str(row[0]): str(row[1]) for row in _rows(workbook[META_SHEET]) if len(row) >= 2 and row[0] is not None}
    if meta.get("模板") != MARK:
        result.problems.append(NOT_TEMPLATE)
        return result
    result.info = TemplateInfo(meta.get("考核", ""), meta.get("单位", ""), meta.get("单位名称", ""), "")
    rows = list(_rows(workbook[SHEET_NAME]))
    headers = [_text(value) for value in (rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else ())]
    while headers and not headers[-1]:
        headers.pop()
    expected = headers_for(items)
    if headers != expected:
        result.problems.append(
            f"第 {HEADER_ROW} 行 表头应为“{'、'.join(expected)}”,"
            f"文件中是“{'、'.join(h for h in headers if h) or '空'}”。请使用本页下载的最新模板"
        )
        return result
    by_id = {item.item_id: item for item in items}
    seen: dict[str, int] = {}
    for offset, values in enumerate(rows[HEADER_ROW:]):
        row = FIRST_ROW + offset
        cells = list(values) + [None] * (len(expected) - len(values))
        if all(_text(v) == "" for v in cells):
            continue
        item_id = _text(cells[0])
        if not item_id:
            result.problems.append(f"第 {row} 行 序号:为空,请不要删除或改写序号")
            continue
        item = by_id.get(item_id)
        if item is None:
            result.problems.append(f"第 {row} 行 序号:“{item_id[:20]}”不是本单位的指标,请不要改写序号")
            continue
        if item_id in seen:
            result.problems.append(f"第 {row} 行 序号:“{item_id[:20]}”与第 {seen[item_id]} 行重复")
            continue
        seen[item_id] = row
        filled = _filled_row(row, item, cells, len(expected), result.problems)
        if filled is not None:
            result.rows.append(filled)
    missing = [item.item_id for item in items if item.item_id not in seen]
    if missing and not result.problems:
        shown = "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")
        result.problems.append(f"文件中缺少 {len(missing)} 个指标(序号 {shown}),请不要删除行;请重新下载模板")
    return result


def _filled_row(row: int, item: TemplateItem, cells: list[Any], width: int, problems: list[str]) -> FilledRow | None:
    before = len(problems)
    score = _number_text(cells[3], problems, row, "自评分")
    if score and item.scored:
        value = Decimal(score)
        if value < 0 or value > item.points:
            problems.append(f"第 {row} 行 自评分:超出 0–{_fmt(item.points)} 分(填的是 {score[:20]})")
    elif score and not item.scored:
        problems.append(f"第 {row} 行 自评分:本项按是否发生认定,不录入自评分,请清空")
    figures: dict[str, str] = {}
    for n, (name, label) in enumerate(item.figures):
        text = _number_text(cells[4 + n], problems, row, f"数据“{label}”", percent=True)
        if text:
            figures[name] = text
    extra_columns = range(4 + len(item.figures), width - 1)
    for column in extra_columns:
        if _text(cells[column]):
            problems.append(f"第 {row} 行 第 {column + 1} 列:本项没有这个数据,请清空")
    note = _text(cells[width - 1], keep_lines=True)
    if len(note) > NOTE_MAX:
        problems.append(f"第 {row} 行 说明:超过 {NOTE_MAX} 字")
    if len(problems) > before:
        return None
    return FilledRow(row, item.item_id, score, figures, note)


def _number_text(value: Any, problems: list[str], row: int, label: str, *, percent: bool = False) -> str:
    """A number cell as a Decimal string ("" when blank); a problem when it is not a finite number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        problems.append(f"第 {row} 行 {label}:“{'TRUE' if value else 'FALSE'}”不是数字")
        return ""
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _text(value)
        if not text:
            return ""
        cleaned = text.rstrip("%\uff05").strip() if percent else text
        try:
            number = Decimal(cleaned.replace(",", ""))
        except InvalidOperation:
            problems.append(f"第 {row} 行 {label}:“{text[:20]}”不是数字")
            return ""
    if not number.is_finite() or abs(number.adjusted()) > 15:
        problems.append(f"第 {row} 行 {label}:“{str(value)[:20]}”不是有效的数字")
        return ""
    return _fmt(number)


def _text(value: Any, *, keep_lines: bool = False) -> str:
    if value is None:
        return ""
    text = str(value)
    return text.strip() if keep_lines else " ".join(text.split())


def _rows(sheet: Any) -> Any:
    return sheet.iter_rows(values_only=True)


__all__ = [
    "FilledRow",
    "ReadResult",
    "TemplateInfo",
    "TemplateItem",
    "WorkbookRefused",
    "read_filled",
    "write_template",
]
