"""A ``layout.Document`` as a Word file (python-docx). No Django here.

Every run names its fonts: Latin ``Times New Roman`` and East Asian (``w:eastAsia``) the
standard's font of its style, so Word on a bureau PC sets 标题 in 方正小标宋简体, 正文 in
仿宋_GB2312, 一级标题 in 黑体 and 二级标题 in 楷体_GB2312 at the standard's sizes.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from kaoping.documents import layout
from kaoping.documents.layout import Document, FontSpec, PageBreak, Paragraph, Style, Table

CENTRED = {Style.ISSUER, Style.NUMBER, Style.TITLE, Style.TABLE_CAPTION}
INDENTED = {Style.BODY, Style.HEADING_1, Style.HEADING_2, Style.ATTACHMENT_NOTE}


def set_fonts(run: Run, font: FontSpec, *, color: str | None = None) -> None:
    run.font.name = layout.LATIN
    run.font.size = Pt(font.size)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font.east_asian)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def _red_rule(paragraph: DocxParagraph) -> None:
    """The 版头's red separating line: the paragraph's bottom border, across the text width."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")  # eighths of a point: 1.5 pt
    bottom.set(qn("w:space"), "8")
    bottom.set(qn("w:color"), layout.RED)
    borders.append(bottom)
    ppr.append(borders)


def _paragraph(doc: object, style: Style, text: str) -> DocxParagraph:
    paragraph: DocxParagraph = doc.add_paragraph()  # type: ignore[attr-defined]
    font = layout.STYLE_FONTS[style]
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(layout.TITLE_PITCH if style in (Style.TITLE, Style.TABLE_CAPTION) else layout.LINE_PITCH)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if style in CENTRED:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif style in (Style.SIGNATURE, Style.DATE):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(4 * layout.SIZE_3 if style is Style.DATE else 2 * layout.SIZE_3)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if style in INDENTED:
        fmt.first_line_indent = Pt(2 * layout.SIZE_3)
    if style is Style.ISSUER:
        fmt.line_spacing = Pt(font.size * 1.3)
    run = paragraph.add_run(text)
    set_fonts(run, font, color=layout.RED if style is Style.ISSUER else None)
    if style is Style.TITLE or style is Style.TABLE_CAPTION:
        fmt.space_before = Pt(layout.LINE_PITCH if style is Style.TITLE else 0)
        fmt.space_after = Pt(layout.LINE_PITCH)
    return paragraph


def _cell_text(cell: _Cell, text: str, font: FontSpec, *, centred: bool) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.space_after = Pt(0)
    set_fonts(paragraph.add_run(text), font)


def _table(doc: object, table: Table) -> None:
    rows = len(table.rows) + 1
    grid = doc.add_table(rows=rows, cols=len(table.header))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # python-docx's ``cell(r, c)`` walks the whole table each time (quadratic): take the grid once
    columns = len(table.header)
    flat = grid._cells
    cells = [flat[r * columns : (r + 1) * columns] for r in range(rows)]
    for row_cells in cells:
        for col, width in enumerate(table.widths):
            row_cells[col].width = Mm(width)
    for col, text in enumerate(table.header):
        _cell_text(cells[0][col], text, layout.TABLE_HEAD_FONT, centred=True)
    covered: set[tuple[int, int]] = set()
    for first_row, first_col, last_row, last_col in table.merges:
        for r in range(first_row, last_row + 1):
            for c in range(first_col, last_col + 1):
                if (r, c) != (first_row, first_col):
                    covered.add((r, c))
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            if (r, c) not in covered:
                _cell_text(cells[r + 1][c], text, layout.TABLE_FONT, centred=c in table.numeric)
    for first_row, first_col, last_row, last_col in table.merges:
        cells[first_row + 1][first_col].merge(cells[last_row + 1][last_col])
    # the header row repeats on every page of a long table
    header_row = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)


def _page_number_footer(section: object) -> None:
    """— 1 —, 4号 宋体, centred (the standard puts it outside; centred reads the same both sides)."""
    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(paragraph.add_run("— "), layout.PAGE_NUMBER_FONT)
    run = paragraph.add_run()
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)
    set_fonts(run, layout.PAGE_NUMBER_FONT)
    set_fonts(paragraph.add_run(" —"), layout.PAGE_NUMBER_FONT)


def to_docx(document: Document) -> bytes:
    doc = new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(layout.PAGE_W), Mm(layout.PAGE_H)
    section.top_margin, section.bottom_margin = Mm(layout.MARGIN_TOP), Mm(layout.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(layout.MARGIN_LEFT), Mm(layout.MARGIN_RIGHT)
    section.footer_distance = Mm(layout.MARGIN_BOTTOM - 28)
    _page_number_footer(section)
    normal = doc.styles["Normal"]
    normal.font.name = layout.LATIN
    normal.font.size = Pt(layout.SIZE_3)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), layout.FANGSONG)
    doc.core_properties.title = document.title
    doc.core_properties.author = document.author
    if document.letterhead is not None:
        _paragraph(doc, Style.ISSUER, document.letterhead.issuer)
        doc.add_paragraph()
        _red_rule(_paragraph(doc, Style.NUMBER, document.letterhead.number))
    for block in document.blocks:
        if isinstance(block, Paragraph):
            _paragraph(doc, block.style, block.text)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, PageBreak):
            doc.add_page_break()  # type: ignore[no-untyped-call]
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
