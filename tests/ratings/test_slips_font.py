"""The slip PDF embeds its Chinese font (no reader-side STSong-Light) and keeps every line of a
slip inside the slip's cut lines, read back by rendering the PDF with pdfium."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from kaoping.ratings import slips

LONG_TITLE = "2026年度全市教育系统党政领导干部履行教育职责督导评价暨办学绩效考核述职测评大会"
ENTRIES = [
    {"label": "评委甲", "group": "局领导", "unit": "东湖区教育局", "token": "Abc123xyz456Abc123xyz456"},
    {
        "label": "评委乙",
        "group": "处室负责人及各县区分管负责同志",
        "unit": "",
        "token": "Zyx987wvu654Zyx987wvu654",
    },
]


def url(token: str) -> str:
    return f"https://kp.example/rating/t/{token}"


@pytest.fixture(scope="module")
def document() -> pdfium.PdfDocument:
    return pdfium.PdfDocument(slips.slips_pdf(LONG_TITLE, ENTRIES * 3, url))


def test_the_font_is_embedded_and_not_a_reader_font() -> None:
    data = slips.slips_pdf(LONG_TITLE, ENTRIES, url)
    assert b"/FontFile2" in data  # a TrueType subset inside the file
    assert b"STSong" not in data


def test_the_middle_dot_prints_as_itself(document: pdfium.PdfDocument) -> None:
    text = document[0].get_textpage().get_text_range()
    flat = text.replace("\r\n", "").replace("\n", "")
    assert "微信扫码评分 · 本人专用 ·" in flat and "请勿转借拍照" in flat
    assert "\ufffd" not in text


def test_a_long_title_is_wrapped_whole_inside_the_cut_lines(document: pdfium.PdfDocument) -> None:
    page = document[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    flat = text.replace("\r\n", "").replace("\n", "")
    assert LONG_TITLE in flat  # wrapped onto three lines, nothing cut
    width = page.get_width()
    for index in range(textpage.count_chars()):
        left, _bottom, right, _top = textpage.get_charbox(index)
        if right <= left:
            continue  # a line break
        column_end = slips.SLIP_W if left < slips.SLIP_W else width
        assert right <= column_end - 2, f"character {index} ends at {right:.1f}, past the cut line at {column_end:.1f}"


def test_pages_render_with_ink(document: pdfium.PdfDocument) -> None:
    image = document[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 5000


def test_a_title_too_long_for_three_lines_ends_in_an_ellipsis_inside_the_slip() -> None:
    page = pdfium.PdfDocument(slips.slips_pdf(LONG_TITLE * 3, ENTRIES[:1], url))[0]
    textpage = page.get_textpage()
    flat = textpage.get_text_range().replace("\r\n", "").replace("\n", "")
    assert "…" in flat
    for index in range(textpage.count_chars()):
        left, _bottom, right, _top = textpage.get_charbox(index)
        assert right <= slips.SLIP_W - 2 or right <= left
