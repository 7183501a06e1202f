"""目标任务完成情况表 and 重点工作推进情况表 as a bureau files them (the layout of ``filing_xlsx``).

Framework-free. Values come already exact (``Decimal``); a completion rate is a percentage rounded
to one place (四舍五入) and written as a number with a "%" format; a figure or rate that was not
reported is the text "缺", never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaoping.formats.filing_xlsx import Heading, _Book, _Column, _fit

MISSING = "缺"


@dataclass(frozen=True, slots=True)
class TargetLine:
    number: int
    area: str
    name: str
    owner: str
    measure: str
    target: Decimal
    done: Decimal | None
    rate: Decimal | None  # a percentage, e.g. Decimal("68.1")
    stated: bool  # the rate is the one the unit stated, without the figure
    on: str  # the latest report's date, "" when none


@dataclass(frozen=True, slots=True)
class TaskLine:
    number: int
    area: str
    title: str
    lead: str
    supporting: str
    status: str
    milestones: str  # "1/2"
    due: str
    late: bool


def goals_workbook(
    heading: Heading, title: str, targets: Sequence[TargetLine], tasks: Sequence[TaskLine] | None
) -> bytes:
    """The targets sheet, and the key tasks sheet when ``tasks`` is given (the bureau's people)."""
    book = _Book()
    _targets(book, heading, title, targets)
    if tasks is not None:
        _tasks(book, heading, title, tasks)
    return book.save()


def _targets(book: _Book, heading: Heading, title: str, rows: Sequence[TargetLine]) -> None:
    columns = [
        _Column("序号", 6),
        _Column("类别", _fit(rows, lambda r: r.area, minimum=8)),
        _Column("目标任务", _fit(rows, lambda r: r.name, minimum=14)),
        _Column("责任单位或处室", _fit(rows, lambda r: r.owner, minimum=12)),
        _Column("计量单位", 8),
        _Column("目标值", 12),
        _Column("完成值", 12),
        _Column("完成率", 10),
        _Column("截至日期", 12),
    ]
    table = book.table("目标任务", heading, f"{title}目标任务完成情况表", columns, max(1, len(rows)))
    for row in rows:
        rate = table.text(MISSING, centre=True) if row.rate is None else table.number(row.rate / 100, "0.0%")
        table.append(
            [
                table.number(row.number, "0"),
                table.text(row.area),
                table.text(row.name + ("(完成率为报送值)" if row.stated else "")),
                table.text(row.owner),
                table.text(row.measure, centre=True),
                table.number(row.target, "#,##0.####"),
                table.text(MISSING, centre=True) if row.done is None else table.number(row.done, "#,##0.####"),
                rate,
                table.text(row.on, centre=True),
            ]
        )
    if not rows:
        table.append([table.text("暂无目标任务。"), *table._blank(len(columns) - 1, "text")])


def _tasks(book: _Book, heading: Heading, title: str, rows: Sequence[TaskLine]) -> None:
    columns = [
        _Column("编号", 6),
        _Column("领域", _fit(rows, lambda r: r.area, minimum=12)),
        _Column("重点工作", _fit(rows, lambda r: r.title, minimum=16)),
        _Column("牵头处室", _fit(rows, lambda r: r.lead, minimum=10)),
        _Column("配合处室", _fit(rows, lambda r: r.supporting, minimum=10)),
        _Column("状态", 8),
        _Column("节点完成", 9),
        _Column("完成时限", 12),
        _Column("是否超期", 9),
    ]
    table = book.table("重点工作", heading, f"{title}重点工作推进情况表", columns, max(1, len(rows)))
    for row in rows:
        table.append(
            [
                table.number(row.number, "0"),
                table.text(row.area),
                table.text(row.title),
                table.text(row.lead),
                table.text(row.supporting),
                table.text(row.status, centre=True),
                table.text(row.milestones, centre=True),
                table.text(row.due, centre=True),
                table.text("已超期" if row.late else "", centre=True),
            ]
        )
    if not rows:
        table.append([table.text("暂无重点工作。"), *table._blank(len(columns) - 1, "text")])
