"""整改台账 as a bureau files it: the problem list, then rectification rates by unit and by indicator.

Framework-free, on the layout of ``filing_xlsx`` (merged title and subtitle rows, widths fitted to
the text, A4 with header rows repeated and "第 &P 页 共 &N 页"). Rates are given already rounded
(``Decimal``, one place, 四舍五入) and written as numbers with a "%" format; a rate that does not
exist (no problem) is the text "缺", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaoping.formats.filing_xlsx import MAX_TEXT_WIDTH, Heading, _Book, _Column, _fit

MISSING = "缺"


@dataclass(frozen=True, slots=True)
class ProblemRow:
    unit: str
    number: int
    source: str
    item: str
    points_lost: Decimal | None
    description: str
    responsible: str
    measures: str
    deadline: str
    state: str
    progress: str
    recheck: str


@dataclass(frozen=True, slots=True)
class RateRow:
    name: str
    total: int
    fixed: int
    open: int
    overdue: int
    rate: Decimal | None  # a percentage, e.g. Decimal("84.6")


def ledger_workbook(
    heading: Heading, title: str, rows: Sequence[ProblemRow], by_unit: Sequence[RateRow], by_item: Sequence[RateRow]
) -> bytes:
    book = _Book()
    columns = [
        _Column("序号", 6),
        _Column("单位", _fit(rows, lambda r: r.unit, minimum=12)),
        _Column("问题来源", 10),
        _Column("关联指标", _fit(rows, lambda r: r.item, minimum=10)),
        _Column("扣分", 7),
        _Column("问题描述", MAX_TEXT_WIDTH),
        _Column("责任科室/责任人", 14),
        _Column("整改措施", MAX_TEXT_WIDTH),
        _Column("整改期限", 12),
        _Column("整改状态", 10),
        _Column("整改进展", MAX_TEXT_WIDTH),
        _Column("复查意见", 30),
    ]
    table = book.table("整改台账", heading, f"{title}问题整改台账", columns, max(1, len(rows)))
    for index, row in enumerate(rows, start=1):
        table.append(
            [
                table.number(index, "0"),
                table.text(f"{row.unit} 问题{row.number}"),
                table.text(row.source, centre=True),
                table.text(row.item),
                table.score(row.points_lost, "0.####"),
                table.text(row.description),
                table.text(row.responsible, centre=True),
                table.text(row.measures),
                table.text(row.deadline, centre=True),
                table.text(row.state, centre=True),
                table.text(row.progress),
                table.text(row.recheck),
            ]
        )
    if not rows:
        table.append([table.text("暂无整改问题。"), *table._blank(len(columns) - 1, "text")])
    _rates(book, heading, f"{title}整改率(按单位)", "按单位", "单位", by_unit)
    _rates(book, heading, f"{title}整改率(按指标)", "按指标", "指标", by_item)
    return book.save()


def _rates(book: _Book, heading: Heading, title: str, sheet: str, name: str, rows: Sequence[RateRow]) -> None:
    columns = [
        _Column("序号", 6),
        _Column(name, _fit(rows, lambda r: r.name, minimum=14)),
        _Column("问题数", 8),
        _Column("已整改", 8),
        _Column("整改中", 8),
        _Column("已超期", 8),
        _Column("整改率", 10),
    ]
    table = book.table(sheet, heading, title, columns, max(1, len(rows)))
    for index, row in enumerate(rows, start=1):
        table.append(
            [
                table.number(index, "0"),
                table.text(row.name),
                table.number(row.total, "0"),
                table.number(row.fixed, "0"),
                table.number(row.open, "0"),
                table.number(row.overdue, "0"),
                table.text(MISSING, centre=True) if row.rate is None else table.number(row.rate / 100, "0.0%"),
            ]
        )
    if not rows:
        table.append([table.text("暂无。"), *table._blank(len(columns) - 1, "text")])
