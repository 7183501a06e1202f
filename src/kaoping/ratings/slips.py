"""Rater slips: an A4 PDF (QR codes, cut lines), a CSV and an XLSX list; raw-ballot CSV.

Every cell that a spreadsheet could read as a formula gets a leading apostrophe (ASVS V1.2.10).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kaoping.formats import pdf_fonts

if TYPE_CHECKING:
    from reportlab.pdfgen import canvas

# reportlab, qrcode and openpyxl are imported inside the functions that write a file: the server
# imports this module at start-up (every view, see config/wsgi.py) and they would add ≈0.5 s to a
# restart, which must serve again within 3 s. Only a slip download pays for them, once per worker.

# reportlab's units (points), spelt out so that the layout below does not import it.
mm = 72 / 25.4
A4 = (210 * mm, 297 * mm)
FONT = pdf_fonts.REGULAR
TEXT_MARGIN = 4 * mm  # between the text and the slip's right cut line
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")
COLUMNS, ROWS = 2, 5
SLIP_W, SLIP_H = A4[0] / COLUMNS, A4[1] / ROWS


def safe_text(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _font() -> str:
    """The embedded Chinese font (kaoping.formats.pdf_fonts): every glyph, "·" included, is in the
    PDF itself, so a reader without Chinese fonts prints the slip as it is."""
    return pdf_fonts.register()[0]


def _fitted(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width``, at most ``max_lines`` lines; a cut last line ends in "…"."""
    lines = pdf_fonts.wrap(text, size, width, font)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and pdf_fonts.text_width(last + "…", size, font) > width:
        last = last[:-1]
    kept[-1] = last + "…"
    return kept


def _draw_qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR as vector squares: no image library, crisp on any printer."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def _cut_lines(pdf: canvas.Canvas) -> None:
    pdf.saveState()
    pdf.setDash(3, 3)
    pdf.setLineWidth(0.3)
    for col in range(1, COLUMNS):
        pdf.line(col * SLIP_W, 0, col * SLIP_W, A4[1])
    for row in range(1, ROWS):
        pdf.line(0, row * SLIP_H, A4[0], row * SLIP_H)
    pdf.restoreState()


def slips_pdf(title: str, entries: Sequence[Mapping[str, Any]], url_for_token: Any) -> bytes:
    """A4 pages of 10 slips: name, group, own unit, the QR of the personal link and the code."""
    from reportlab.pdfgen import canvas

    font = _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    per_page = COLUMNS * ROWS
    for index, entry in enumerate(entries):
        if index and index % per_page == 0:
            _cut_lines(pdf)
            pdf.showPage()
        slot = index % per_page
        x = (slot % COLUMNS) * SLIP_W
        y = A4[1] - (slot // COLUMNS + 1) * SLIP_H
        _slip(pdf, font, title, entry, url_for_token(entry["token"]), x, y)
    _cut_lines(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _slip(pdf: canvas.Canvas, font: str, title: str, entry: Mapping[str, Any], url: str, x: float, y: float) -> None:
    """One slip; every line is wrapped or cut ("…") to end inside the slip's cut lines."""
    qr_size = SLIP_H - 14 * mm
    _draw_qr(pdf, url, x + 5 * mm, y + 7 * mm, qr_size)
    text_x = x + qr_size + 9 * mm
    width = x + SLIP_W - TEXT_MARGIN - text_x
    top = y + SLIP_H
    lines: list[tuple[float, str, float]] = []  # (size, text, distance below the slip's top)
    below = 8.5 * mm
    for line in _fitted(title, font, 9, width, 3):
        lines.append((9, line, below))
        below += 3.6 * mm
    below += 2.8 * mm
    for line in _fitted(str(entry["label"]), font, 13, width, 1):
        lines.append((13, line, below))
        below += 5.5 * mm
    for line in _fitted(f"评委组:{entry['group']}", font, 9, width, 1):
        lines.append((9, line, below))
        below += 4 * mm
    if entry.get("unit"):
        for line in _fitted(f"所在单位:{entry['unit']}", font, 9, width, 1):
            lines.append((9, line, below))
    for size, line, distance in lines:
        pdf.setFont(font, size)
        pdf.drawString(text_x, top - distance, line)
    pdf.setFont("Courier", 7.5)
    pdf.drawString(text_x, y + 15 * mm, str(entry["token"]))
    notice = "微信扫码评分 · 本人专用 · 请勿转借拍照"
    notice_lines = [notice]
    if pdf_fonts.text_width(notice, 7.5, font) > width:
        notice_lines = ["微信扫码评分 · 本人专用 ·", "请勿转借拍照"]
    for index, line in enumerate(notice_lines):
        pdf.setFont(font, 7.5)
        pdf.drawString(text_x, y + 10 * mm - index * 3.5 * mm, line)


def slips_rows(entries: Iterable[Mapping[str, Any]], url_for_token: Any) -> list[list[str]]:
    rows = [["评委", "评委组", "所在单位", "评分码", "评分链接"]]
    for entry in entries:
        rows.append(
            [
                safe_text(entry["label"]),
                safe_text(entry["group"]),
                safe_text(entry.get("unit", "")),
                safe_text(entry["token"]),
                safe_text(url_for_token(entry["token"])),
            ]
        )
    return rows


def to_csv(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_text(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM so Excel opens UTF-8 Chinese correctly


def to_xlsx(rows: Iterable[Sequence[object]], sheet_title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title
    for row_index, row in enumerate(rows, 1):
        for col_index, value in enumerate(row, 1):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = safe_text(value)
            cell.data_type = "s"  # never a formula, whatever the text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def raw_ballot_rows(ballots: Iterable[Mapping[str, Any]], group_names: Mapping[str, str]) -> list[list[str]]:
    """One row per counted ballot: no rater, no time, no order of arrival. The anonymous sheet
    number groups one rater's grades only where the scheme's rules over a whole sheet need it
    (otherwise every ballot has its own); the receipt digest lets a rater find their ballot."""
    rows = [["出场顺序", "被测评单位", "评委组", "等次", "选票组号(匿名)", "回执摘要"]]
    for ballot in ballots:
        group = ballot["rater_group"]
        rows.append(
            [
                str(ballot["position"]),
                safe_text(ballot["unit_name"]),
                safe_text(group_names.get(group, group)),
                safe_text(ballot["grade"]),
                (ballot["sheet"] or "")[:16],
                ballot["receipt_hash"],
            ]
        )
    return rows
