"""A unit's self-evaluation report: seed 004's data gives seed 004's sections, marks and total, in
Word (read back with python-docx: text, fonts incl. East Asian names, table and merged cells) and
in PDF (rendered to PNG pages with pdfium, its text read back)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pypdfium2 as pdfium
import pytest
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from kaoping.documents import docx_writer, layout, pdf_writer, selfreport

# seed 004: "(一)…(权重11分,自评11分)" … the six first-level indicators and their self scores
SEED_SECTIONS = [
    ("(一)贯彻执行党的教育方针", "11", "11"),
    ("(二)落实国家教育法律法规规章和政策", "13.5", "13.5"),
    ("(三)健全教育保障机制", "26.2", "25.3"),
    ("(四)推进各级各类教育协调发展", "35.3", "35.3"),
    ("(五)规范学校办学行为", "8.5", "8.5"),
    ("(六)重点工作落实情况", "5.5", "5.5"),
]


@pytest.fixture
def report(honggutan: Any) -> layout.Document:
    return selfreport.self_report(honggutan, today=date(2022, 1, 10))


@pytest.fixture
def word(report: layout.Document) -> Any:
    return read_docx(io.BytesIO(docx_writer.to_docx(report)))


@pytest.fixture
def pdf(report: layout.Document) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(pdf_writer.to_pdf(report))


def _east_asian(run: Any) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_seed_004_gives_its_six_sections_with_their_marks_and_the_total(word: Any) -> None:
    texts = [p.text for p in word.paragraphs]
    for name, points, score in SEED_SECTIONS:
        assert f"{name}(分值{points}分,自评{score}分)" in texts
    assert len([t for t in texts if t.startswith("(") and "(分值" in t]) == 6
    opening = next(t for t in texts if "自评总分" in t)
    assert "自评总分99.1分,自评等次为“优秀”" in opening
    assert texts[0] == "红谷滩区关于2021年党政领导干部履行教育职责督导评价自评的报告"
    assert texts[1] == "南昌市人民政府教育督导委员会:"


def test_every_point_is_numbered_with_its_value_and_self_score(word: Any) -> None:
    texts = [p.text for p in word.paragraphs]
    points = [t for t in texts if re.match(r"^\d+\.", t) and "(分值" in t]
    assert [int(t.split(".")[0]) for t in points] == list(range(1, 55))
    item_15 = points[14]
    assert item_15.endswith("(分值4分,自评3.1分)")
    assert "80.84" in item_15  # the figure the unit entered
    assert points[9].endswith("(分值1.5分,自评1.5分)") and "不适用" in points[9]  # 10: no vocational school


def test_problems_name_the_point_that_lost_points(word: Any) -> None:
    texts = [p.text for p in word.paragraphs]
    start = texts.index("二、存在问题")
    problems = texts[start + 1 : texts.index("附件:红谷滩区自评得分汇总表")]
    assert len(problems) == 1 and problems[0].startswith("15.") and "扣0.9分" in problems[0]


def test_word_uses_the_official_document_page_fonts_and_sizes(word: Any) -> None:
    section = word.sections[0]
    measured = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    assert [round(length.mm, 1) for length in measured] == [210, 297, 37, 35]
    assert [round(section.left_margin.mm, 1), round(section.right_margin.mm, 1)] == [28, 26]
    by_text = {p.text: p for p in word.paragraphs}
    title = word.paragraphs[0].runs[0]
    assert _east_asian(title) == "方正小标宋简体" and title.font.size == Pt(22)
    assert title.font.name == "Times New Roman"
    h1 = by_text["一、自查情况"].runs[0]
    assert _east_asian(h1) == "黑体" and h1.font.size == Pt(16)
    h2 = by_text["(一)贯彻执行党的教育方针(分值11分,自评11分)"].runs[0]
    assert _east_asian(h2) == "楷体_GB2312" and h2.font.size == Pt(16)
    body = next(p for p in word.paragraphs if p.text.startswith("1.")).runs[0]
    assert _east_asian(body) == "仿宋_GB2312" and body.font.size == Pt(16)
    date_line = by_text["2022年1月10日"]
    assert date_line.alignment == WD_ALIGN_PARAGRAPH.RIGHT and date_line.paragraph_format.right_indent == Pt(64)
    assert by_text["红谷滩区"].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # 落款


def test_the_attachment_table_merges_each_sections_cells(word: Any) -> None:
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["一级指标", "评价要点", "分值", "自评分"]
    assert len(table.rows) == 1 + 54 + 1
    first_column = [table.cell(r, 0) for r in range(1, 8)]
    assert all(cell._tc is first_column[0]._tc for cell in first_column)  # points 1–7 share one cell
    assert first_column[0].text == "贯彻执行党的教育方针"
    assert table.cell(8, 0)._tc is not first_column[0]._tc
    last = table.rows[-1].cells
    assert last[0]._tc is last[1]._tc and last[0].text == "合计"
    assert [last[2].text, last[3].text] == ["100", "99.1"]
    assert table.cell(15, 3).text == "3.1"
    assert _east_asian(table.cell(1, 1).paragraphs[0].runs[0]) == "仿宋_GB2312"


def test_pdf_pages_render_and_read_back_in_chinese(pdf: pdfium.PdfDocument) -> None:
    assert len(pdf) >= 4
    text = ""
    for index in range(len(pdf)):
        page = pdf[index]
        assert round(page.get_width()) == 595 and round(page.get_height()) == 842  # A4
        image = page.render(scale=0.5).to_pil().convert("L")
        assert sum(image.histogram()[:128]) > 100, f"page {index + 1} is blank"
        text += page.get_textpage().get_text_range()
    flat = re.sub(r"\s+", "", text)
    assert "红谷滩区关于2021年党政领导干部履行教育职责督导评价自评的报告" in flat
    for name, points, score in SEED_SECTIONS:
        assert f"{name}(分值{points}分,自评{score}分)" in flat
    assert "自评总分99.1分,自评等次为“优秀”" in flat
    assert "(分值4分,自评3.1分)" in flat
    assert "—1—" in flat  # page numbers
    assert "\ufffd" not in text


def test_pdf_embeds_its_font(report: layout.Document) -> None:
    data = pdf_writer.to_pdf(report)
    assert b"/FontFile2" in data and b"STSong" not in data
    assert len(data) < 400_000


def test_a_missing_self_score_is_written_as_missing_never_as_zero(honggutan: Any) -> None:
    from kaoping.assessments.models import SelfAssessment

    SelfAssessment.objects.filter(unit=honggutan, item_id="1").update(self_score=None)
    doc = selfreport.self_report(honggutan)
    texts = [b.text for b in doc.blocks if isinstance(b, layout.Paragraph)]
    assert any(t.startswith("1.") and t.endswith("(分值1分,自评缺项)") for t in texts)
    assert "(一)贯彻执行党的教育方针(分值11分,自评缺项)" in texts
    assert any("目前尚有1个评价要点未自评" in t for t in texts)
    assert any(t.startswith("1.") and "尚未自评" in t for t in texts)


def test_the_download_is_for_the_organizer_and_the_units_reporter(
    honggutan: Any, client_for: Any, personas: Any
) -> None:
    from django.urls import reverse

    for kind, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        url = reverse("documents:self_report", args=[honggutan.campaign.pk, honggutan.pk, kind])
        for role in ("organizer", "reporter_county_a"):
            response = client_for(personas[role]).get(url)
            assert response.status_code == 200, role
            body = b"".join(response.streaming_content)
            assert body.startswith(magic)
            assert "attachment" in response["Content-Disposition"]
        for role in ("leader", "reporter_a", "reviewer"):
            assert client_for(personas[role]).get(url).status_code == 404, role


def test_the_result_page_links_the_report_for_the_organizer_only(
    honggutan: Any, client_for: Any, personas: Any
) -> None:
    from django.urls import reverse

    page = reverse("results:unit_result", args=[honggutan.campaign.pk, honggutan.pk])
    link = reverse("documents:self_report", args=[honggutan.campaign.pk, honggutan.pk, "pdf"])
    assert link in client_for(personas["organizer"]).get(page).content.decode()
    assert link not in client_for(personas["leader"]).get(page).content.decode()


def test_the_self_assessment_page_links_the_report_for_the_units_reporter(
    honggutan: Any, client_for: Any, personas: Any
) -> None:
    from django.urls import reverse

    page = reverse("assessments:unit_overview", args=[honggutan.campaign.pk, honggutan.pk])
    link = reverse("documents:self_report", args=[honggutan.campaign.pk, honggutan.pk, "docx"])
    assert link in client_for(personas["reporter_county_a"]).get(page).content.decode()
    assert link not in client_for(personas["leader_county_a"]).get(page).content.decode()
