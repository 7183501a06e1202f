"""A commendation list as Word (python-docx, A4, East Asian fonts named as ``rectification.word``
does) and as Excel (openpyxl through ``formats.filing_xlsx``'s book, as ``rectification_xlsx``):
序号, 单位, 类别, 总分, 等次, 名次/星级. Only the units listed; a missing total never reaches a list."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from kaoping.rectification.word import BODY_FONT, SUBTITLE_FONT, TITLE_FONT, _page_numbers, _run, _table

HEADS = ["序号", "单位", "类别", "总分", "等次", "名次/星级"]


@dataclass(frozen=True, slots=True)
class Row:
    unit: str
    category: str
    total: str  # as shown, with the scheme's places
    grade: str
    place: str  # 第 3 名 / 五星级


def docx(title: str, subtitle: str, rows: Sequence[Row], note: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    _page_numbers(section)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, TITLE_FONT, 22)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, subtitle, SUBTITLE_FONT, 16)
    body = [[str(i), r.unit, r.category, r.total, r.grade or "—", r.place] for i, r in enumerate(rows, start=1)]
    _table(document, HEADS, body or [["名单暂无单位。", "", "", "", "", ""]], Pt)
    if note:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        _run(paragraph, note, BODY_FONT, 12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx(heading: object, title: str, rows: Sequence[Row]) -> bytes:
    from decimal import Decimal

    from kaoping.formats.filing_xlsx import _Book, _Column, _fit

    book = _Book()
    columns = [
        _Column("序号", 6),
        _Column("单位", _fit(rows, lambda r: r.unit, minimum=14)),
        _Column("类别", _fit(rows, lambda r: r.category, minimum=10)),
        _Column("总分", 10),
        _Column("等次", 8),
        _Column("名次/星级", 10),
    ]
    table = book.table("表彰名单", heading, title, columns, max(1, len(rows)))  # type: ignore[arg-type]
    for index, row in enumerate(rows, start=1):
        places = len(row.total.partition(".")[2])
        table.append(
            [
                table.number(index, "0"),
                table.text(row.unit),
                table.text(row.category, centre=True),
                table.score(Decimal(row.total), "0." + "0" * places if places else "0"),
                table.text(row.grade or "—", centre=True),
                table.text(row.place, centre=True),
            ]
        )
    if not rows:
        table.append([table.text("名单暂无单位。"), *table._blank(len(columns) - 1, "text")])
    return book.save()
