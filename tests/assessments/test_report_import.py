"""Importing an existing self-evaluation report (kaoping.assessments.report_import and its pages)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.assessments.report_world import SEED_004, Honggutan, honggutan_world

from kaoping.assessments import report_import, services
from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
from kaoping.assessments.preview import self_preview
from kaoping.assessments.selectors import scheme_for
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Phase
from kaoping.formats.report_text import parse_report


@pytest.fixture
def world(db: Any) -> Honggutan:
    return honggutan_world()


def url(name: str, unit: Any) -> str:
    return reverse(f"assessments:{name}", args=[unit.campaign_id, unit.pk])


def upload(client: Any, unit: Any, data: bytes, name: str = "自评报告.txt") -> Any:
    return client.post(url("report_import", unit), {"file": SimpleUploadedFile(name, data)})


def edits_from(preview: report_import.ReportPreview, **changes: str) -> dict[str, str]:
    """The confirmation form as the browser would send it (every row as shown), plus changes."""
    form: dict[str, str] = {"payload": preview.payload}
    for row in preview.rows:
        if row.include:
            form[f"include_{row.index}"] = "1"
        if row.scored:
            form[f"score_{row.index}"] = row.score
        form[f"note_{row.index}"] = row.note
        for name, _label, value in row.figure_fields:
            form[f"figure_{row.index}_{name}"] = value
    form.update(changes)
    return form


def stored_total(unit: Any) -> Decimal | None:
    preview = self_preview(unit, scheme_for(unit.campaign))
    assert preview is not None
    return preview.total.score


def test_seed_004_preview_matches_all_54_items_and_writes_nothing(world):
    preview = report_import.preview(world.unit, "红谷滩区.txt", SEED_004.read_bytes(), world.reporter)
    assert preview.problems == [] and preview.errors == []
    assert preview.counts["sections"] == 6 and preview.counts["items"] == 54 and preview.counts["matched"] == 54
    assert all(row.include and row.line for row in preview.rows)
    assert preview.stated_total == Decimal("99.1") and preview.parsed_total == Decimal("99.1")
    assert preview.total is not None and preview.total.score == Decimal("99.1")
    assert [s.stated for s in preview.sections] == [s.computed.score for s in preview.sections]  # type: ignore[union-attr]
    row15 = next(r for r in preview.rows if r.item_id == "15")
    assert not row15.scored and row15.figures == {"standard_class_ratio": "80.84"} and row15.computed == Decimal("3.1")
    assert preview.unparsed == []
    assert not SelfAssessment.objects.filter(unit=world.unit).exists()


def test_seed_004_round_trip_text_to_campaign_to_report_with_same_totals(world, client_for):
    client = client_for(world.reporter)
    page = upload(client, world.unit, SEED_004.read_bytes())
    assert page.status_code == 200, page.content.decode()[:2000]
    preview = page.context["preview"]
    done = client.post(url("report_import_confirm", world.unit), edits_from(preview), follow=True)
    assert "已从自评报告“自评报告.txt”导入 54 项" in done.content.decode()
    assert done.redirect_chain[-1][0] == url("unit_overview", world.unit)
    assert stored_total(world.unit) == Decimal("99.1")
    entries = {e.item_id: e for e in SelfAssessment.objects.filter(unit=world.unit)}
    assert len(entries) == 54
    assert entries["15"].figures == {"standard_class_ratio": "80.84"} and entries["15"].self_score is None
    assert entries["3"].self_score == Decimal(2) and entries["3"].note.endswith("战斗堡垒作用")
    # every saved item is audited like the web form's autosave
    assert AuditEvent.objects.filter(object_type="self_assessment").count() >= 54
    # the self-evaluation report written from the stored entries reads back with the same totals
    from kaoping.documents.selfreport import self_report

    document = self_report(world.unit)
    text = "\n".join(getattr(block, "text", "") for block in document.blocks)
    again = parse_report(text)
    assert (len(again.sections), len(again.items)) == (6, 54)
    assert again.items_total == Decimal("99.1") and again.stated_total == Decimal("99.1")
    assert [s.self_score for s in again.sections] == [s.self_score for s in parse_report(SEED_004.read_text()).sections]


def test_organizer_imports_for_the_unit_with_a_correction(world, client_for):
    client = client_for(world.organizer)
    assert client.get(url("report_import", world.unit)).status_code == 200
    preview = upload(client, world.unit, SEED_004.read_bytes()).context["preview"]
    row1 = next(r for r in preview.rows if r.item_id == "1")
    form = edits_from(preview, **{f"score_{row1.index}": "0.5", f"note_{row1.index}": "领导小组未按期开会"})
    done = client.post(url("report_import_confirm", world.unit), form, follow=True)
    assert done.redirect_chain[-1][0] == url("report_import", world.unit)
    assert "导入 54 项" in done.content.decode()
    entry = SelfAssessment.objects.get(unit=world.unit, item_id="1")
    assert (entry.self_score, entry.note, entry.updated_by) == (Decimal("0.5"), "领导小组未按期开会", world.organizer)
    assert stored_total(world.unit) == Decimal("98.6")
    assert "98.6" in done.content.decode()  # the page shows the unit's self-assessment total now


def test_a_wrong_value_in_the_preview_saves_nothing_and_is_located(world, client_for):
    client = client_for(world.reporter)
    preview = upload(client, world.unit, SEED_004.read_bytes()).context["preview"]
    row = next(r for r in preview.rows if r.item_id == "2")
    form = edits_from(preview, **{f"score_{row.index}": "9"})
    page = client.post(url("report_import_confirm", world.unit), form)
    assert page.status_code == 422
    body = page.content.decode()
    assert "没有导入任何内容" in body and "2 学校意识形态工作:自评分 9 超过了该项分值 2" in body
    assert not SelfAssessment.objects.filter(unit=world.unit).exists()


def test_unticked_rows_are_not_imported(world, client_for):
    client = client_for(world.reporter)
    preview = upload(client, world.unit, SEED_004.read_bytes()).context["preview"]
    form = edits_from(preview)
    del form["include_0"]
    client.post(url("report_import_confirm", world.unit), form)
    assert SelfAssessment.objects.filter(unit=world.unit).count() == 53
    assert not SelfAssessment.objects.filter(unit=world.unit, item_id="1").exists()
    assert stored_total(world.unit) is None  # item 1 is missing: no total, never a 0


def test_damaged_lines_are_listed_with_their_line_numbers_and_the_item_can_be_typed(world, client_for):
    text = SEED_004.read_text(encoding="utf-8").replace(
        "4.坚持落实党的工作制度,发挥党建引领作用,加强对学校教代会、工会的领导。(分值1分,自评1分)。",
        "4.坚持落实党的工作制度,发挥党建引领作用,加强对学校教代会、工会的领导。(分值1分,自评待定)。",
    )
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("4.坚持"))) + 1
    client = client_for(world.reporter)
    page = upload(client, world.unit, text.encode("gb18030"))
    body = page.content.decode()
    assert f"第 {line} 行:4.坚持落实党的工作制度" in body and "找到了分值,未能识别自评分" in body
    preview = page.context["preview"]
    row4 = next(r for r in preview.rows if r.item_id == "4")
    assert row4.line is None and not row4.include and "报告中未找到这一项" in body
    # typing the score on the missing row imports it too
    form = edits_from(preview, **{f"score_{row4.index}": "1"})
    client.post(url("report_import_confirm", world.unit), form)
    assert stored_total(world.unit) == Decimal("99.1")


def test_a_docx_report_imports_like_its_text(world, client_for):
    from docx import Document

    document = Document()
    for line in SEED_004.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    page = upload(client_for(world.reporter), world.unit, buffer.getvalue(), "红谷滩区自评报告.docx")
    assert page.status_code == 200
    assert page.context["preview"].total.score == Decimal("99.1")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.docx", b"PK\x03\x04broken", "不是有效的 Word 文档(.docx),可能已损坏"),
        ("r.pdf", b"%PDF", "只能导入 Word 文档(.docx)或纯文本(.txt)"),
        ("r.txt", "只是一段文字,没有分值。".encode(), "不像一份自评报告"),
    ],
)
def test_unusable_files_are_refused_in_chinese_without_a_traceback(world, client_for, name, data, message):
    page = upload(client_for(world.reporter), world.unit, data, name)
    assert page.status_code == 422
    assert message in page.content.decode() and "Traceback" not in page.content.decode()


def test_submitted_self_assessment_is_not_changed(world, client_for):
    Submission.objects.update_or_create(unit=world.unit, defaults={"status": SubmissionStatus.SUBMITTED})
    client = client_for(world.reporter)
    page = upload(client, world.unit, SEED_004.read_bytes())
    assert page.status_code == 422 and "本单位自评“已提交”,不能再修改" in page.content.decode()
    assert "上传并预览" not in page.content.decode()


def test_a_preview_made_before_the_phase_closed_is_refused_at_confirmation(world, client_for):
    client = client_for(world.reporter)
    preview = upload(client, world.unit, SEED_004.read_bytes()).context["preview"]
    world.campaign.phase = Phase.SCORING
    world.campaign.save()
    done = client.post(url("report_import_confirm", world.unit), edits_from(preview), follow=True)
    assert "不在自评填报期内" in done.content.decode()
    assert not SelfAssessment.objects.filter(unit=world.unit).exists()


def test_a_row_changed_on_the_web_after_the_preview_aborts_the_whole_import(world, client_for):
    client = client_for(world.reporter)
    preview = upload(client, world.unit, SEED_004.read_bytes()).context["preview"]
    ref_item = scheme_for(world.campaign)
    from kaoping.assessments.selectors import item_ref

    item = item_ref(ref_item, "district", "20").item
    services.entry_save(
        unit=world.unit, item=item, actor=world.reporter, version=0, data=services.EntryInput(self_score="1")
    )
    done = client.post(url("report_import_confirm", world.unit), edits_from(preview), follow=True)
    assert "第 20 项在预览之后已被修改" in done.content.decode()
    assert SelfAssessment.objects.filter(unit=world.unit).count() == 1


def test_a_forged_or_other_users_payload_is_refused(world, client_for):
    preview = upload(client_for(world.reporter), world.unit, SEED_004.read_bytes()).context["preview"]
    done = client_for(world.organizer).post(url("report_import_confirm", world.unit), edits_from(preview), follow=True)
    assert "预览数据无效" in done.content.decode()
    done = client_for(world.reporter).post(url("report_import_confirm", world.unit), {"payload": "x"}, follow=True)
    assert "预览数据无效" in done.content.decode()
    assert not SelfAssessment.objects.filter(unit=world.unit).exists()


def test_other_people_get_404(world, client_for, reporter_a, organizer):
    for user in (reporter_a, organizer):  # another unit's reporter; another bureau's organizer
        assert client_for(user).get(url("report_import", world.unit)).status_code == 404


def test_matching_by_words_when_numbers_and_order_differ(world):
    text = (
        "(一)贯彻执行党的教育方针(权重3分,自评3分)\n"
        "1.区司法局开展形式多样的依法治教活动,落实普法宣传(分值1分,自评1分)\n"
        "2.成立党委教育工作领导小组,建立领导联系学校制度,领导干部上讲台形成常态化机制(分值1分,自评0.5分)\n"
    )
    preview = report_import.preview(world.unit, "r.txt", text.encode(), world.reporter)
    matched = {r.item_id: r.stated_score for r in preview.rows if r.line}
    assert matched == {"5": Decimal(1), "1": Decimal("0.5")}


def test_a_huge_report_is_previewed_quickly(world):
    import time

    text = "\n".join(f"{n % 99 + 1}.开展形式多样的依法治教活动{n}(分值1分,自评1分)" for n in range(1200))
    started = time.perf_counter()
    preview = report_import.preview(world.unit, "r.txt", text.encode(), world.reporter)
    assert time.perf_counter() - started < 5
    assert preview.counts["items"] == 1000 and "评价要点超过 1000 个" in preview.unparsed[0]


def test_seed_004_preview_time(world):
    import time

    data = SEED_004.read_bytes()
    started = time.perf_counter()
    report_import.preview(world.unit, "r.txt", data, world.reporter)
    seconds = time.perf_counter() - started
    print(f"\nseed 004 preview (read, parse, match, check, totals, sign): {seconds * 1000:.0f} ms")
    assert seconds < 2
