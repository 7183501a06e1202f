"""Slips (A4 PDF with QR codes), the slip list (CSV/XLSX) and the raw-ballot export are formula-safe."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from reportlab.lib import pagesizes, units

from kaoping.ratings import slips

ENTRIES = [
    {"label": '=HYPERLINK("http://x")', "group": "局领导", "unit": "+东湖", "token": "Abc123xyz456Abc123xyz456"},
    {"label": "张三", "group": "处室负责人", "unit": "", "token": "Zyx987wvu654Zyx987wvu654"},
]


def url(token: str) -> str:
    return f"https://kp.example/rating/t/{token}"


def test_pdf_is_a4_with_one_page_per_ten_slips() -> None:
    pdf = slips.slips_pdf("立德树人述职测评会", ENTRIES * 6, url)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2 or b"/Count 2" in pdf
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf


def test_csv_neutralises_formulas_and_round_trips() -> None:
    data = slips.to_csv(slips.slips_rows(ENTRIES, url)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == "'+东湖"
    assert rows[1][3] == "Abc123xyz456Abc123xyz456"
    for row in rows:
        for cell in row:
            assert not cell.startswith(slips.FORMULA_TRIGGERS)


def test_xlsx_never_writes_a_formula() -> None:
    book = load_workbook(io.BytesIO(slips.to_xlsx(slips.slips_rows(ENTRIES, url), "评分条")))
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'


def test_fullwidth_formula_signs_are_neutralised_too() -> None:
    assert slips.safe_text("＝1+1") == "'＝1+1"
    assert slips.safe_text("@cmd") == "'@cmd"
    assert slips.safe_text("好") == "好"


def test_page_units_match_reportlab() -> None:
    """slips spells out A4 and mm so that importing it does not import reportlab."""
    assert slips.mm == units.mm
    assert slips.A4 == pagesizes.A4
