"""Reading existing self-evaluation reports (kaoping.formats.report_text): seed 004 and variations."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.formats.report_text import (
    MAX_REPORT_BYTES,
    ReportRefused,
    parse_report,
    read_report,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_COPY = ROOT / "tests" / "formats" / "data" / "report_004.txt"


def seed_text() -> str:
    return SEED_COPY.read_text(encoding="utf-8")


def test_seed_004_gives_6_sections_54_items_and_total_99_1():
    report = parse_report(seed_text())
    assert len(report.sections) == 6
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert len(report.items) == 54
    assert [i.number for i in report.items] == list(range(1, 55))
    assert report.stated_total == Decimal("99.1")
    assert report.stated_grade == "优秀"
    assert report.items_total == Decimal("99.1")
    assert report.items_points == Decimal(100)
    assert report.unparsed == []


def test_seed_004_damaged_lines_are_still_read():
    report = parse_report(seed_text())
    by_number = {i.number: i for i in report.items}
    # "作用分值2分,自评2分)" – the opening bracket is missing
    assert (by_number[3].points, by_number[3].self_score) == (Decimal(2), Decimal(2))
    assert by_number[3].text.endswith("充分发挥基层党组织战斗堡垒作用")
    # ")健全教育保障机制(权重26.2分,自评25.3" – "(三" and the last 分) are lost
    third = report.sections[2]
    assert (third.number, third.title, third.points, third.self_score) == (
        3,
        "健全教育保障机制",
        Decimal("26.2"),
        Decimal("25.3"),
    )
    assert sum(i.self_score for i in report.items if i.section == 3) == Decimal("25.3")
    # item 15 states its figure: 标准班额占比 80.84%
    figures = {f.label: f.value for f in by_number[15].figures if f.unit == "%"}
    assert figures["小学一、二年级标准班额数占比"] == Decimal("80.84")
    assert by_number[15].self_score == Decimal("3.1")


def test_seed_004_noise_lines_are_skipped_not_reported():
    report = parse_report(seed_text())
    assert report.skipped > 20  # page header, 访问量, 经验做法 …
    assert all("扫码" not in u.text for u in report.unparsed)


def test_full_width_brackets_and_commas():
    report = parse_report("(一)总则（权重3分，自评2.5分）\n1.甲项工作（分值3分，自评2.5分）。")
    assert report.sections[0].points == Decimal(3)
    assert (report.items[0].points, report.items[0].self_score) == (Decimal(3), Decimal("2.5"))


def test_half_width_brackets_and_missing_fen():
    report = parse_report("(一)总则(权重3,自评3)\n1.甲项(分值2,自评2)\n2.乙项(分值1分,自评1)")
    assert [(i.points, i.self_score) for i in report.items] == [(Decimal(2), Decimal(2)), (Decimal(1), Decimal(1))]


@pytest.mark.parametrize("comma", [",", ",", "、", ";", ";", " ", ""])
def test_comma_variants_between_points_and_self_score(comma):
    report = parse_report(f"1.甲项工作(分值2分{comma}自评1.5分)")
    assert report.items[0].self_score == Decimal("1.5"), comma


def test_extra_spaces_and_full_width_digits():
    report = parse_report("  3 . 甲项工作 ( 分值 ２ 分 , 自评 : 1.5 分 ) 。  \n")
    item = report.items[0]
    assert (item.number, item.text, item.points, item.self_score) == (3, "甲项工作", Decimal(2), Decimal("1.5"))


def test_word_style_numbering_and_synonyms():
    text = "一、自查情况\n(一)第一部分(满分10分 自评得分9分)\n1、甲项(标准分4分;自评分3分)\n(2)乙项(分值6分,自评6分)\n"
    report = parse_report(text)
    assert [(s.number, s.title) for s in report.sections] == [(1, "第一部分")]
    assert [(i.number, i.self_score) for i in report.items] == [(1, Decimal(3)), (2, Decimal(6))]


def test_damaged_line_is_reported_with_its_line_number():
    text = "(一)总则(权重3分,自评3分)\n1.甲项(分值2分,自评2分)\n\n2.乙项(分值1分,自评分待定)\n3.丙项(自评1分)\n"
    report = parse_report(text)
    assert [i.number for i in report.items] == [1]
    assert [(u.line, u.reason) for u in report.unparsed] == [
        (4, "找到了分值,未能识别自评分"),
        (5, "找到了自评分,未能识别分值"),
    ]


def test_self_score_above_points_is_reported():
    report = parse_report("1.甲项(分值2分,自评3分)")
    assert report.items == []
    assert report.unparsed[0].line == 1 and "超过了分值" in report.unparsed[0].reason


def test_item_without_number_takes_the_next_one_and_note_after_clause_is_kept():
    report = parse_report("1.甲项(分值2分,自评2分)\n乙项工作(分值1分,自评0.5分)因资料不全扣0.5分")
    assert [i.number for i in report.items] == [1, 2]
    assert report.items[1].note == "因资料不全扣0.5分"


def test_gb18030_bytes_are_read():
    text = "自评总分5分\n(一)总则(权重5分,自评5分)\n1.甲项(分值5分,自评5分)\n"
    read = read_report("报告.txt", text.encode("gb18030"))
    report = parse_report(read)
    assert report.stated_total == Decimal(5) and len(report.items) == 1


def test_utf8_with_bom_is_read():
    report = parse_report(read_report("r.txt", "\ufeff1.甲项(分值5分,自评4分)".encode()))
    assert report.items[0].self_score == Decimal(4)


def test_docx_paragraphs_and_tables_are_read_in_order():
    from docx import Document

    document = Document()
    document.add_paragraph("关于2021年自评的报告")
    document.add_paragraph("自评总分7分,自评等次为“良好”")
    document.add_paragraph("(一)总则(权重8分,自评7分)")
    document.add_paragraph("1.甲项工作(分值3分,自评3分)。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "2.乙项工作,达标率95.5%"
    table.cell(0, 1).text = "(分值5分,自评4分)"
    buffer = io.BytesIO()
    document.save(buffer)
    report = parse_report(read_report("报告.docx", buffer.getvalue()))
    assert report.stated_total == Decimal(7) and report.stated_grade == "良好"
    assert [(i.number, i.self_score) for i in report.items] == [(1, Decimal(3)), (2, Decimal(4))]
    assert report.items[1].figures[0].value == Decimal("95.5")


def test_seed_004_as_docx_gives_the_same_items():
    from docx import Document

    document = Document()
    for line in seed_text().splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    report = parse_report(read_report("红谷滩区自评报告.docx", buffer.getvalue()))
    assert (len(report.sections), len(report.items), report.items_total) == (6, 54, Decimal("99.1"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.docx", b"PK\x03\x04 not really a zip", "Word 文档"),
        ("a.docx", b"not a zip at all", "不是有效的 Word 文档"),
        ("a.doc", b"\xd0\xcf\x11\xe0 old word", "另存为 .docx"),
        ("a.pdf", b"%PDF-1.4", "只能导入"),
        ("a.txt", b"   ", "文件是空的"),
        ("a.txt", b"\x00\x01\xff\xfe\x00" * 10, "文字编码"),
        ("a.txt", b"x" * (MAX_REPORT_BYTES + 1), "文件过大"),
    ],
)
def test_damaged_or_foreign_files_are_refused_in_chinese(name, data, message):
    with pytest.raises(ReportRefused) as refused:
        read_report(name, data)
    assert message in refused.value.message


def test_docx_zip_without_document_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ReportRefused) as refused:
        read_report("a.docx", buffer.getvalue())
    assert "已损坏" in refused.value.message


def test_an_overlong_line_is_reported_not_matched():
    report = parse_report("1.甲" + "很" * 6000 + "(分值1分,自评1分)")
    assert report.items == [] and report.unparsed[0].line == 1


def test_parsing_seed_004_takes_little_time():
    import time

    text = seed_text()
    started = time.perf_counter()
    for _ in range(10):
        parse_report(text)
    assert (time.perf_counter() - started) / 10 < 0.1


def test_docx_with_word_automatic_numbering_numbers_items_in_order():
    """Word's own list numbering is not part of a paragraph's text: items still come in order."""
    from docx import Document

    document = Document()
    document.add_paragraph("贯彻执行党的教育方针(权重3分,自评2分)", style="List Number")
    document.add_paragraph("甲项工作(分值1分,自评1分)。", style="List Number 2")
    document.add_paragraph("乙项工作(分值2分,自评1分)。", style="List Number 2")
    buffer = io.BytesIO()
    document.save(buffer)
    report = parse_report(read_report("报告.docx", buffer.getvalue()))
    assert [(s.number, s.title) for s in report.sections] == [(1, "贯彻执行党的教育方针")]
    assert [(i.section, i.number, i.text) for i in report.items] == [(1, 1, "甲项工作"), (1, 2, "乙项工作")]


@pytest.mark.parametrize(
    "line",
    [
        "1." + "," * 4000 + "x(分值1分,自评1分)",  # a long run of punctuation before the clause
        "1.甲" + "(" * 4000 + "分值1分,自评1分)",
        "1.甲" + "7" * 4000 + "(分值1分,自评1分)",  # a long run of digits with no unit
        "分值" * 2000 + "1",
    ],
    ids=["commas", "brackets", "digits", "keywords"],
)
def test_hostile_lines_cost_little(line):
    import time

    text = "\n".join([line] * 200)  # 200 lines of 4,000+ characters (~2.4 MB as UTF-8)
    started = time.perf_counter()
    parse_report(text)
    assert time.perf_counter() - started < 2.0


def test_reading_stops_after_too_many_items_or_failed_lines():
    from kaoping.formats.report_text import MAX_ITEMS, MAX_UNPARSED

    report = parse_report("\n".join(f"{n % 999 + 1}.甲(分值1分,自评1分)" for n in range(MAX_ITEMS + 50)))
    assert len(report.items) == MAX_ITEMS and report.unparsed[-1].line == MAX_ITEMS + 1
    assert "评价要点超过" in report.unparsed[-1].reason
    report = parse_report("\n".join("1.甲(分值1分,自评?)" for _ in range(MAX_UNPARSED + 50)))
    assert len(report.unparsed) == MAX_UNPARSED + 1
