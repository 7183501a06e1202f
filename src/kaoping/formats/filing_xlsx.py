"""Excel tables a bureau files as they are: 汇总表, 明细表 and the live-rating breakdown.

Framework-free: fed with plain data (engine results and the headings below), returns the
``.xlsx`` bytes. Every sheet prints on A4 (landscape when wide) with a merged title row
(campaign + table name), a subtitle row (bureau, date, data version), merged group headers,
repeated header rows, fit to the page width, and "第 &P 页 共 &N 页" in the footer.

- Numbers are numbers, shown with the scheme's decimals (``number_format``); a missing number is
  the text "缺", never 0. Stars are "★" text.
- Every text a user typed (unit, component, item and group names) is stored as a string with the
  quote prefix: "=1+1" or "@SUM(A1)" stays text in Excel, also when the cell is edited.
- Sheets are written in openpyxl's write-only mode (rows streamed, styles shared), so 2,000 units
  × 100 items stay within seconds (benchmarks/results/documents-xlsx.md).

openpyxl is imported only when a file is made: the server's start-up leaves it out.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kaoping.engine.numbers import fmt
from kaoping.engine.results import ItemResult, RatingResult, UnitResult
from kaoping.formats.results_io import FORMULA_TRIGGERS, _sheet_title

MISSING = "缺"
STAR = "★"
BODY_FONT = "宋体"
HEAD_FONT = "黑体"
TITLE_SIZE = 16
SUBTITLE_SIZE = 10
HEAD_SIZE = 10
BODY_SIZE = 10
FOOTER = "第 &P 页 共 &N 页"
A4 = 9  # paperSize of A4
COLUMNS_PER_PAGE = 18  # a wide 明细表 prints this many columns per landscape page (names repeated)
MAX_TEXT_WIDTH = 40


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True, slots=True)
class Heading:
    """What the subtitle row says under every table's title."""

    campaign: str
    bureau: str
    date: str  # "2026年12月6日"
    version: str  # the stored result's data version, as people read it

    def subtitle(self) -> str:
        parts = [self.bureau, f"计算日期:{self.date}", f"数据版本:{self.version}"]
        return "    ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class Places:
    """The scheme's decimals where it rounds (None: not rounded, shown as the number is)."""

    item: int | None = None
    component: int | None = 2
    total: int | None = 2
    rating: int | None = 2


@dataclass(frozen=True, slots=True)
class ComponentHead:
    id: str
    name: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class CategoryBlock:
    """One category's units in rank order, with the components its table has as columns."""

    name: str
    max: Decimal
    components: tuple[ComponentHead, ...]
    units: Sequence[UnitResult]
    stars: dict[str, int] = field(default_factory=dict)  # star tier name → number of ★


@dataclass(frozen=True, slots=True)
class GroupHead:
    id: str
    name: str  # Chinese, as the scheme names the rater group
    weight: Decimal  # percent


@dataclass(frozen=True, slots=True)
class RatingBlock:
    """One rating component: its rater groups and, per unit, the stored rating result."""

    component: ComponentHead
    scale_max: Decimal
    groups: tuple[GroupHead, ...]
    units: Sequence[tuple[str, UnitResult]]  # (category name, unit)


# --------------------------------------------------------------------------- the three tables


def ranking_workbook(heading: Heading, categories: Sequence[CategoryBlock], places: Places) -> bytes:
    """汇总表: one sheet per category, each unit's components, total, grade, stars and rank."""
    book = _Book()
    for block in categories:
        _ranking_sheet(book, heading, block, places)
    if not categories:
        book.nothing(heading, "考核结果汇总表")
    return book.save()


def detail_workbook(heading: Heading, categories: Sequence[CategoryBlock], places: Places) -> bytes:
    """明细表: one sheet per category, a row per unit and a column per scored item."""
    book = _Book()
    for block in categories:
        _detail_sheet(book, heading, block, places)
    if not categories:
        book.nothing(heading, "考核得分明细表")
    return book.save()


def rating_workbook(heading: Heading, blocks: Sequence[RatingBlock], places: Places) -> bytes:
    """现场测评分组统计表: one sheet per rating component, per unit and rater group the valid
    ballots, the group's average and its weight, then the weighted result and the score."""
    book = _Book()
    for block in blocks:
        _rating_sheet(book, heading, block, places)
    if not blocks:
        book.nothing(heading, "现场测评分组统计表")
    return book.save()


@dataclass(frozen=True, slots=True)
class ObjectionRow:
    """One line of the 异议登记表, as the register page shows it (dates already written out)."""

    unit: str
    number: int
    target: str
    reasons: str
    filed: str
    due: str
    state: str
    assignee: str
    answer: str
    answered: str
    overdue: bool


def objection_workbook(heading: Heading, rows: Sequence[ObjectionRow]) -> bytes:
    """异议登记表: every objection to the campaign's notices, with its deadline and written answer."""
    book = _Book()
    columns = [
        _Column("序号", 6),
        _Column("单位", _fit(rows, lambda r: r.unit, minimum=12)),
        _Column("异议对象", _fit(rows, lambda r: r.target, minimum=12)),
        _Column("异议理由", MAX_TEXT_WIDTH),
        _Column("提出时间", 17),
        _Column("答复期限", 12),
        _Column("状态", 12),
        _Column("承办人", 10),
        _Column("书面答复", MAX_TEXT_WIDTH),
        _Column("答复时间", 17),
    ]
    table = book.table("异议登记表", heading, f"{heading.campaign}异议登记表", columns, max(1, len(rows)))
    for index, row in enumerate(rows, start=1):
        state = f"{row.state}(已超期)" if row.overdue else row.state
        table.append(
            [
                table.number(index, "0"),
                table.text(f"{row.unit} 第{row.number}条"),
                table.text(row.target),
                table.text(row.reasons),
                table.text(row.filed, centre=True),
                table.text(row.due, centre=True),
                table.text(state, centre=True),
                table.text(row.assignee, centre=True),
                table.text(row.answer),
                table.text(row.answered, centre=True),
            ]
        )
    if not rows:
        table.append([table.text("暂无异议。"), *table._blank(len(columns) - 1, "text")])
    return book.save()


# --------------------------------------------------------------------------- 汇总表


def _ranking_sheet(book: _Book, heading: Heading, block: CategoryBlock, places: Places) -> None:
    components = block.components
    columns = [
        _Column("名次", 6),
        _Column("单位名称", _fit(block.units, lambda u: u.name, minimum=12)),
        *(_Column(_points_head(c.name, c.points), _head_width(c.name), group="各项得分") for c in components),
        _Column(f"总分\n(满分{fmt(block.max)})", 10),
        _Column("等次", _fit(block.units, lambda u: u.grade or "", minimum=6)),
        _Column("星级", max(8, 2 * max(block.stars.values(), default=0) + 2)),
    ]
    title = _title(heading.campaign, "考核结果汇总表", block.name)
    sheet = book.table(f"汇总表-{block.name}", heading, title, columns, len(block.units))
    component_format = _number_format(places.component)
    total_format = _number_format(places.total)
    for unit in block.units:
        scores = {c.component_id: c.score for c in unit.components}
        row = [
            sheet.number(unit.rank, "0") if unit.rank is not None else sheet.text("—", centre=True),
            sheet.text(unit.name),
            *(sheet.score(scores.get(c.id), component_format) for c in components),
            sheet.score(unit.total, total_format),
            sheet.text(unit.grade or "—", centre=True),
            sheet.text(_stars(unit.stars, block.stars), centre=True),
        ]
        sheet.append(row)


def _stars(name: str | None, counts: dict[str, int]) -> str:
    if not name:
        return ""
    count = counts.get(name)
    return STAR * count if count else name


# --------------------------------------------------------------------------- 明细表


def _detail_sheet(book: _Book, heading: Heading, block: CategoryBlock, places: Places) -> None:
    layout = _item_columns(block)
    columns = [_Column("名次", 6), _Column("单位名称", _fit(block.units, lambda u: u.name, minimum=12))]
    for component in block.components:
        if not layout[component.id]:  # a rating or imported component: its score alone
            columns.append(
                _Column(_points_head(component.name, component.points), _head_width(component.name), strong=True)
            )
            continue
        for item_id, name, points in layout[component.id]:
            columns.append(_Column(_points_head(f"{item_id} {name}", points), _head_width(name), group=component.name))
        columns.append(_Column(_points_head("小计", component.points), 9, group=component.name, strong=True))
    columns.append(_Column(f"总分\n(满分{fmt(block.max)})", 10, strong=True))
    title = _title(heading.campaign, "考核得分明细表", block.name)
    sheet = book.table(f"明细表-{block.name}", heading, title, columns, len(block.units))
    item_format = _number_format(places.item)
    component_format = _number_format(places.component)
    total_format = _number_format(places.total)
    for unit in block.units:
        by_component = {c.component_id: c for c in unit.components}
        row = [
            sheet.number(unit.rank, "0") if unit.rank is not None else sheet.text("—", centre=True),
            sheet.text(unit.name),
        ]
        for component in block.components:
            found = by_component.get(component.id)
            leaves = {item.item_id: item.score for item in _leaves(found.items)} if found else {}
            row.extend(sheet.score(leaves.get(item_id), item_format) for item_id, _, _ in layout[component.id])
            row.append(sheet.score(found.score if found else None, component_format, strong=True))
        row.append(sheet.score(unit.total, total_format, strong=True))
        sheet.append(row)


def _item_columns(block: CategoryBlock) -> dict[str, list[tuple[str, str, Decimal]]]:
    """Per component, its scored (leaf) items in the order the results list them: the union over
    the category's units, so a unit without some item still has its column (shown 缺)."""
    layout: dict[str, dict[str, tuple[str, str, Decimal]]] = {c.id: {} for c in block.components}
    for unit in block.units:
        for component in unit.components:
            seen = layout.get(component.component_id)
            if seen is None:
                continue
            for item in _leaves(component.items):
                if item.item_id not in seen:
                    seen[item.item_id] = (item.item_id, item.name, item.max)
    return {cid: list(items.values()) for cid, items in layout.items()}


def _leaves(items: tuple[ItemResult, ...]) -> Iterator[ItemResult]:
    for item in items:
        if item.children:
            yield from _leaves(item.children)
        else:
            yield item


# --------------------------------------------------------------------------- 现场测评


def _rating_sheet(book: _Book, heading: Heading, block: RatingBlock, places: Places) -> None:
    component = block.component
    columns = [
        _Column("序号", 6),
        _Column("类别", _fit(block.units, lambda pair: pair[0], minimum=8)),
        _Column("单位名称", _fit(block.units, lambda pair: pair[1].name, minimum=12)),
    ]
    for group in block.groups:
        label = f"{group.name}(权重{fmt(group.weight)}%)"
        columns += [
            _Column("有效票数", 8, group=label),
            _Column("平均分", 8, group=label),
            _Column("实际权重(%)", 9, group=label),
        ]
    columns += [
        _Column(f"加权平均\n(满分{fmt(block.scale_max)})", 11, strong=True),
        _Column(_points_head("测评得分", component.points), 10, strong=True),
    ]
    sheet = book.table(
        f"测评-{component.name}",
        heading,
        f"{heading.campaign}{component.name}分组统计表",
        columns,
        len(block.units),
        names=3,  # 序号, 类别, 单位名称
    )
    rating_format = _number_format(places.rating)
    component_format = _number_format(places.component)
    for number, (category, unit) in enumerate(block.units, start=1):
        found = next((c for c in unit.components if c.component_id == component.id), None)
        rating: RatingResult | None = found.rating if found is not None else None
        by_group = {g.group_id: g for g in rating.groups} if rating is not None else {}
        row = [sheet.number(number, "0"), sheet.text(category), sheet.text(unit.name)]
        for group in block.groups:
            got = by_group.get(group.id)
            if got is None:
                row += [sheet.text(MISSING, centre=True)] * 3
                continue
            row += [
                sheet.number(got.valid_ballots, "0"),
                sheet.score(got.mean, rating_format),
                sheet.score(got.weight, "0.##"),
            ]
        row.append(sheet.score(rating.raw if rating is not None else None, rating_format, strong=True))
        row.append(sheet.score(found.score if found is not None else None, component_format, strong=True))
        sheet.append(row)


# --------------------------------------------------------------------------- layout helpers


@dataclass(frozen=True, slots=True)
class _Column:
    head: str
    width: float
    group: str = ""  # a merged header over neighbouring columns with the same group
    strong: bool = False  # a subtotal or total: bold


def _title(campaign: str, table: str, category: str) -> str:
    """ "2026年度教育工作考核" + "考核结果汇总表" reads "2026年度教育工作考核结果汇总表(学校)"."""
    if campaign.endswith("考核") and table.startswith("考核"):
        table = table[2:]
    return f"{campaign}{table}({category})"


def _number_format(places: int | None) -> str:
    if places is None:
        return "General"
    return "0" if places == 0 else "0." + "0" * places


def _points_head(name: str, points: Decimal) -> str:
    return f"{name}\n({fmt(points)}分)"


def text_width(text: str) -> float:
    """How wide ``text`` is in Excel's column units: a Chinese character takes about two."""
    return sum(2.1 if ord(ch) > 0x2E7F else 1.1 for ch in text)


def _head_width(name: str) -> float:
    """A header that wraps onto two or three lines: about a third of its width, 8…14."""
    return min(14.0, max(8.0, math.ceil(text_width(name) / 3) + 2))


def _fit(rows: Sequence[Any], text: Callable[[Any], str], *, minimum: float) -> float:
    widest = max((text_width(text(row)) for row in rows), default=0.0)
    return min(float(MAX_TEXT_WIDTH), max(minimum, widest + 2))


class _Book:
    """A write-only workbook whose sheets share a handful of cell styles."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)
        self.titles: set[str] = set()
        self.styles: dict[str, Any] = {}
        self.sheet: Any = None  # the sheet being written (a prototype cell needs one)

    def table(
        self, name: str, heading: Heading, title: str, columns: list[_Column], rows: int, *, names: int = 2
    ) -> _Table:
        sheet = self.workbook.create_sheet(_sheet_title(name, self.titles))
        sheet._values_to_row = _placed  # every cell is made here: place it, skip openpyxl's value check
        self.sheet = sheet
        return _Table(self, sheet, heading, title, columns, rows, names)

    def nothing(self, heading: Heading, table: str) -> None:
        """A table with no unit to list (none visible, or none computed): one sheet that says so."""
        sheet = self.table("说明", heading, f"{heading.campaign}{table}", [_Column("说明", 60)], 1)
        sheet.append([sheet.text("暂无可列出的单位考核结果。")])

    def style(self, key: str, number_format: str = "General") -> Any:
        """A prototype cell's style array, made once per (style, number format)."""
        cache_key = f"{key}|{number_format}"
        found = self.styles.get(cache_key)
        if found is None:
            from openpyxl.cell.cell import Cell
            from openpyxl.styles import Alignment, Border, Font, Side

            thin = Side(style="thin", color="000000")
            box = Border(left=thin, right=thin, top=thin, bottom=thin)
            proto: Any = Cell(self.sheet, row=1, column=1)
            if key.startswith("title"):
                proto.font = Font(name=HEAD_FONT, size=TITLE_SIZE)
                proto.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            elif key.startswith("subtitle"):
                proto.font = Font(name=BODY_FONT, size=SUBTITLE_SIZE)
                proto.alignment = Alignment(horizontal="center", vertical="center")
            elif key.startswith("head"):
                proto.font = Font(name=HEAD_FONT, size=HEAD_SIZE)
                proto.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                proto.border = box
            else:  # body cells: text, centred text, numbers; bold for totals; quoted for formula-like text
                proto.font = Font(name=BODY_FONT, size=BODY_SIZE, bold="strong" in key)
                horizontal = "left" if key.startswith("text") else "center" if key.startswith("centre") else "right"
                proto.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=key.startswith("text"))
                proto.border = box
                proto.number_format = number_format
            if "quoted" in key:  # Excel keeps the cell text when it is edited
                proto.quotePrefix = True
            found = self.styles[cache_key] = proto._style
        return found

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _placed(cells: list[Any], row: int) -> Iterator[Any]:
    """What a write-only sheet does with an appended row of cells, without first trying each cell as
    a value (openpyxl 3.1 formats the refused cell's repr for every cell: a third of the time)."""
    for column, cell in enumerate(cells, start=1):
        cell.column = column
        cell.row = row
        yield cell


class _Table:
    """One printed table: title rows and headers written on creation, then a row per append."""

    def __init__(
        self,
        book: _Book,
        sheet: Any,
        heading: Heading,
        title: str,
        columns: list[_Column],
        body_rows: int,
        names: int,  # the leading columns that say which unit a row is (repeated on a wide table's pages)
    ) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.page import PageMargins

        self.book = book
        self.sheet = sheet
        grouped = any(column.group for column in columns)
        head_rows = 2 if grouped else 1
        first_head = 3
        last_head = first_head + head_rows - 1
        width = len(columns)
        last = get_column_letter(width)
        last_row = last_head + body_rows
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.row_dimensions[1].height = 30
        sheet.row_dimensions[2].height = 18
        for row in range(first_head, last_head + 1):
            sheet.row_dimensions[row].height = 36 if row == last_head else 22
        # printing: A4, landscape when the table is wide, fit to the width, header rows repeated
        total_width = sum(column.width for column in columns)
        setup = sheet.page_setup
        setup.paperSize = A4
        setup.orientation = "landscape" if total_width > 95 else "portrait"
        setup.fitToWidth = max(1, math.ceil(width / COLUMNS_PER_PAGE)) if width > COLUMNS_PER_PAGE else 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
        sheet.oddFooter.center.text = FOOTER
        sheet.oddFooter.center.font = BODY_FONT
        sheet.oddFooter.center.size = 9
        sheet.print_area = f"A1:{last}{last_row}"
        sheet.print_title_rows = f"{first_head}:{last_head}"
        if width > COLUMNS_PER_PAGE:
            sheet.print_title_cols = f"A:{get_column_letter(names)}"  # the unit on every page of a wide table
        sheet.freeze_panes = f"{get_column_letter(names + 1)}{last_head + 1}"
        # title and subtitle, merged across the table
        self._merge(f"A1:{last}1")
        self._merge(f"A2:{last}2")
        self.append([self._cell(title, "title"), *self._blank(width - 1, "title")])
        self.append([self._cell(heading.subtitle(), "subtitle"), *self._blank(width - 1, "subtitle")])
        # headers: a group's name merged over its columns, an ungrouped header merged down
        if grouped:
            top: list[Any] = []
            index = 0
            while index < width:
                column = columns[index]
                span = 1
                if column.group:
                    while index + span < width and columns[index + span].group == column.group:
                        span += 1
                    if span > 1:
                        self._merge(
                            f"{get_column_letter(index + 1)}{first_head}:{get_column_letter(index + span)}{first_head}"
                        )
                    top += [self._cell(column.group, "head"), *self._blank(span - 1, "head")]
                else:
                    self._merge(f"{get_column_letter(index + 1)}{first_head}:{get_column_letter(index + 1)}{last_head}")
                    top.append(self._cell(column.head, "head"))
                index += span
            self.append(top)
            self.append([self._cell(c.head, "head") if c.group else self._blank(1, "head")[0] for c in columns])
        else:
            self.append([self._cell(c.head, "head") for c in columns])

    def _merge(self, ref: str) -> None:
        from openpyxl.worksheet.cell_range import CellRange

        self.sheet.merged_cells.add(CellRange(ref))

    def _cell(self, text: str, style: str) -> Any:
        cell = self.text(text)
        cell._style = self.book.style(style + ("-quoted" if text.startswith(FORMULA_TRIGGERS) else ""))
        return cell

    def _blank(self, count: int, style: str) -> list[Any]:
        from openpyxl.cell.cell import Cell

        cells = []
        for _ in range(count):
            cell: Any = Cell(self.sheet, row=1, column=1)
            cell._style = self.book.style(style)
            cells.append(cell)
        return cells

    def append(self, cells: list[Any]) -> None:
        self.sheet.append(cells)

    def text(self, value: str, *, centre: bool = False) -> Any:
        """A text cell: always a string, never a formula, control characters dropped."""
        from openpyxl.cell.cell import Cell

        from kaoping.formats.excel_template import put_text

        cell: Any = Cell(self.sheet, row=1, column=1)
        put_text(cell, value)
        quoted = value.startswith(FORMULA_TRIGGERS)
        cell._style = self.book.style(("centre" if centre else "text") + ("-quoted" if quoted else ""))
        return cell

    def number(self, value: int | Decimal, number_format: str, *, strong: bool = False) -> Any:
        from openpyxl.cell.cell import Cell

        cell: Any = Cell(self.sheet, row=1, column=1, value=value)
        cell._style = self.book.style("number-strong" if strong else "number", number_format)
        return cell

    def score(self, value: Decimal | None, number_format: str, *, strong: bool = False) -> Any:
        """A score as a number with the scheme's decimals; a missing one is the text "缺"."""
        if value is None:
            cell = self.text(MISSING, centre=True)
            if strong:
                cell._style = self.book.style("centre-strong")
            return cell
        return self.number(value, number_format, strong=strong)
