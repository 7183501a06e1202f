"""A ``layout.Document`` as a PDF (reportlab platypus) with the Chinese font embedded. No Django here.

Same page, margins, sizes and line pitch as the Word file. The standard's four fonts are not
free to ship, so the PDF uses Noto Serif SC (kaoping.formats.pdf_fonts): its Bold for the heavy
faces (标题 小标宋, 一级标题 黑体) and its Regular for 仿宋 and 楷体. Chinese text wraps between any
two characters (reportlab's CJK word wrap).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from kaoping.documents import layout
from kaoping.documents.layout import Document, FontSpec, PageBreak, Paragraph, Style, Table
from kaoping.formats import pdf_fonts

_ALIGN = {
    Style.ISSUER: TA_CENTER,
    Style.NUMBER: TA_CENTER,
    Style.TITLE: TA_CENTER,
    Style.TABLE_CAPTION: TA_CENTER,
    Style.SIGNATURE: TA_RIGHT,
    Style.DATE: TA_RIGHT,
    Style.RECIPIENT: TA_LEFT,
    Style.ATTACHMENT_LABEL: TA_LEFT,
}
_INDENTED = {Style.BODY, Style.HEADING_1, Style.HEADING_2, Style.ATTACHMENT_NOTE}


def _face(font: FontSpec) -> str:
    regular, bold = pdf_fonts.register()
    return bold if font.bold else regular


def _style(style: Style) -> ParagraphStyle:
    font = layout.STYLE_FONTS[style]
    leading = layout.TITLE_PITCH if style in (Style.TITLE, Style.TABLE_CAPTION) else layout.LINE_PITCH
    if style is Style.ISSUER:
        leading = font.size * 1.3
    right = {Style.DATE: 4 * layout.SIZE_3, Style.SIGNATURE: 2 * layout.SIZE_3}.get(style, 0)
    return ParagraphStyle(
        style.value,
        fontName=_face(font),
        fontSize=font.size,
        leading=leading,
        alignment=_ALIGN.get(style, TA_JUSTIFY),
        firstLineIndent=2 * layout.SIZE_3 if style in _INDENTED else 0,
        rightIndent=right,
        textColor=colors.HexColor("#" + layout.RED) if style is Style.ISSUER else colors.black,
        wordWrap="CJK",
        spaceBefore=layout.LINE_PITCH if style is Style.TITLE else 0,
        spaceAfter=layout.LINE_PITCH if style in (Style.TITLE, Style.TABLE_CAPTION) else 0,
    )


def _cell_style(font: FontSpec, *, centred: bool) -> ParagraphStyle:
    return ParagraphStyle(
        "cell",
        fontName=_face(font),
        fontSize=font.size,
        leading=font.size * 1.35,
        alignment=TA_CENTER if centred else TA_LEFT,
        wordWrap="CJK",
    )


_PADDING = 6  # points: reportlab's left + right cell padding


def _cell(text: str, width: float, font: FontSpec, style: ParagraphStyle) -> Any:
    """A plain string when it fits on one line (cheap to lay out), else a wrapping Paragraph."""
    if pdf_fonts.text_width(text, font.size, _face(font)) <= width * mm - 2 * _PADDING:
        return text
    return PdfParagraph(escape(text), style)


def _table(table: Table) -> PdfTable:
    head_font, body_font = layout.TABLE_HEAD_FONT, layout.TABLE_FONT
    head = _cell_style(head_font, centred=True)
    cells: list[list[Any]] = [[_cell(t, table.widths[c], head_font, head) for c, t in enumerate(table.header)]]
    styles = {c: _cell_style(body_font, centred=c in table.numeric) for c in range(len(table.header))}
    for row in table.rows:
        cells.append([_cell(t, table.widths[c], body_font, styles[c]) for c, t in enumerate(row)])
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("FONT", (0, 0), (-1, 0), _face(head_font), head_font.size, head_font.size * 1.35),
        ("FONT", (0, 1), (-1, -1), _face(body_font), body_font.size, body_font.size * 1.35),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ]
    commands.extend(("ALIGN", (c, 1), (c, -1), "CENTER") for c in sorted(table.numeric))
    for first_row, first_col, last_row, last_col in table.merges:
        commands.append(("SPAN", (first_col, first_row + 1), (last_col, last_row + 1)))
        if last_col > first_col:
            commands.append(("ALIGN", (first_col, first_row + 1), (last_col, last_row + 1), "CENTER"))
    return PdfTable(cells, colWidths=[w * mm for w in table.widths], repeatRows=1, style=TableStyle(commands))


def _page_number(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    font = layout.PAGE_NUMBER_FONT
    canvas.setFont(_face(font), font.size)
    canvas.drawCentredString(layout.PAGE_W * mm / 2, (layout.MARGIN_BOTTOM - 28) * mm, f"— {doc.page} —")
    canvas.restoreState()


def to_pdf(document: Document) -> bytes:
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=(layout.PAGE_W * mm, layout.PAGE_H * mm),
        topMargin=layout.MARGIN_TOP * mm,
        bottomMargin=layout.MARGIN_BOTTOM * mm,
        leftMargin=layout.MARGIN_LEFT * mm,
        rightMargin=layout.MARGIN_RIGHT * mm,
        title=document.title,
        author=document.author,
        creator="Kaoping",
    )
    styles = {style: _style(style) for style in Style}
    story: list[Flowable] = []
    if document.letterhead is not None:
        story.append(PdfParagraph(escape(document.letterhead.issuer), styles[Style.ISSUER]))
        story.append(Spacer(1, layout.LINE_PITCH))
        story.append(PdfParagraph(escape(document.letterhead.number), styles[Style.NUMBER]))
        story.append(HRFlowable(width="100%", thickness=1.5, color=colors.HexColor("#" + layout.RED), spaceBefore=4))
    for block in document.blocks:
        if isinstance(block, Paragraph):
            story.append(PdfParagraph(escape(block.text), styles[block.style]))
        elif isinstance(block, Table):
            story.append(_table(block))
        elif isinstance(block, PageBreak):
            story.append(PdfPageBreak())
    template.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()
