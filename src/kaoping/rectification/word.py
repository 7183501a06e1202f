"""整改台账 as a Word document (python-docx): 方正小标宋 title, 仿宋 subtitle, the problem table and the
rates by unit and by indicator in 宋体 with 黑体 headers, A4 landscape, page numbers in the footer.
Every run names its East Asian font, so a bureau PC sets the text in the standard's fonts."""

from __future__ import annotations

import io
from collections.abc import Sequence

from kaoping.formats.rectification_xlsx import MISSING, ProblemRow, RateRow

TITLE_FONT = "方正小标宋简体"
SUBTITLE_FONT = "仿宋_GB2312"
HEAD_FONT = "黑体"
BODY_FONT = "宋体"
LATIN = "Times New Roman"


def ledger_docx(
    title: str, subtitle: str, rows: Sequence[ProblemRow], by_unit: Sequence[RateRow], by_item: Sequence[RateRow]
) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    _page_numbers(section)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, f"{title}问题整改台账", TITLE_FONT, 18)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, subtitle, SUBTITLE_FONT, 12)

    heads = [
        "序号",
        "单位",
        "来源",
        "关联指标",
        "扣分",
        "问题描述",
        "责任科室/责任人",
        "整改措施",
        "整改期限",
        "状态",
        "复查意见",
    ]
    body = [
        [
            str(i),
            f"{r.unit} 问题{r.number}",
            r.source,
            r.item,
            "" if r.points_lost is None else _plain(r.points_lost),
            r.description,
            r.responsible,
            r.measures,
            r.deadline,
            r.state,
            r.recheck,
        ]
        for i, r in enumerate(rows, start=1)
    ]
    _table(document, heads, body or [["暂无整改问题。", *[""] * (len(heads) - 1)]], Pt)
    for caption, name, rates in (("整改率(按单位)", "单位", by_unit), ("整改率(按指标)", "指标", by_item)):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        _run(paragraph, caption, HEAD_FONT, 14)
        lines = [
            [
                str(i),
                r.name,
                str(r.total),
                str(r.fixed),
                str(r.open),
                str(r.overdue),
                MISSING if r.rate is None else f"{r.rate}%",
            ]
            for i, r in enumerate(rates, start=1)
        ]
        _table(
            document,
            ["序号", name, "问题数", "已整改", "整改中", "已超期", "整改率"],
            lines or [["暂无。", "", "", "", "", "", ""]],
            Pt,
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plain(value: object) -> str:
    from decimal import Decimal

    assert isinstance(value, Decimal)
    return format(value.normalize(), "f")


def _run(paragraph: object, text: str, east_asian: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.name = LATIN
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _table(document: object, heads: list[str], rows: list[list[str]], Pt: object) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(heads))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, text, HEAD_FONT, 10.5)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            _run(cell.paragraphs[0], text, BODY_FONT, 10.5)


def _repeat_header(row: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _page_numbers(section: object) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", BODY_FONT, 10.5)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _run(paragraph, " —", BODY_FONT, 10.5)
