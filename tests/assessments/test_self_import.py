"""Bulk self-assessment from the unit's Excel 自评表 (kaoping.assessments.self_import and its pages)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kaoping.assessments import self_import, services
from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
from kaoping.assessments.selectors import item_ref
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Phase
from kaoping.formats import self_assessment_xlsx as xlsx


def url(name: str, unit: Any) -> str:
    return reverse(f"assessments:{name}", args=[unit.campaign_id, unit.pk])


def download(client: Any, unit: Any) -> Any:
    response = client.get(url("self_import_template", unit))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def upload(client: Any, unit: Any, workbook: Any, name: str = "自评表.xlsx") -> Any:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(url("self_import", unit), {"file": SimpleUploadedFile(name, buffer.getvalue())})


def fill(workbook: Any, values: dict[str, Any]) -> Any:
    sheet = workbook[xlsx.SHEET_NAME]
    for cell, value in values.items():
        sheet[cell] = value
    return workbook


def test_round_trip_download_fill_upload_preview_confirm_stores_and_shows(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    workbook = download(client, unit_a)
    sheet = workbook[xlsx.SHEET_NAME]
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == ["1.1", "1.2", "2"]
    fill(workbook, {"D4": 3, "E4": "按要求建立党组织", "D5": "2.5", "D6": 4})
    preview = upload(client, unit_a, workbook)
    page = preview.content.decode()
    assert preview.status_code == 200, page
    assert "将更新 3 项" in page and "确认导入 3 项" in page
    assert not SelfAssessment.objects.filter(unit=unit_a).exists()  # the preview writes nothing
    payload = preview.context["preview"].payload
    done = client.post(url("self_import_confirm", unit_a), {"payload": payload}, follow=True)
    assert "已从 Excel 自评表导入 3 项" in done.content.decode()
    rows = {r.item_id: r for r in SelfAssessment.objects.filter(unit=unit_a)}
    assert (rows["1.1"].self_score, rows["1.1"].note) == (Decimal(3), "按要求建立党组织")
    assert rows["1.2"].self_score == Decimal("2.5") and rows["2"].self_score == Decimal(4)
    assert AuditEvent.objects.filter(object_type="self_assessment", actor=reporter_a).count() == 4
    section = client.get(reverse("assessments:unit_section", args=[unit_a.campaign_id, unit_a.pk, 0]))
    assert 'value="2.5"' in section.content.decode()
    # downloaded again, the template carries what was stored; uploading it unchanged changes nothing
    again = download(client, unit_a)
    assert again[xlsx.SHEET_NAME]["D5"].value == 2.5
    same = upload(client, unit_a, again)
    assert "没有需要导入的内容" in same.content.decode()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"D5": 9}, "第 5 行 自评分:超出 0–3 分"),
        ({"D4": "满分"}, "第 4 行 自评分:“满分”不是数字"),
        ({"A6": "1.2"}, "第 6 行 序号:“1.2”与第 5 行重复"),
        ({"D4": "1.23456"}, "第 4 行 自评分最多保留 4 位小数"),
    ],
)
def test_bad_rows_are_located_in_chinese_and_nothing_is_written(client_for, reporter_a, unit_a, values, message):
    client = client_for(reporter_a)
    workbook = fill(download(client, unit_a), {"D6": 4, **values})
    response = upload(client, unit_a, workbook)
    page = response.content.decode()
    assert response.status_code == 422
    assert message in page and "没有导入任何内容" in page and 'name="payload"' not in page
    assert not SelfAssessment.objects.filter(unit=unit_a).exists()


def test_not_an_xlsx_and_a_wrong_template_are_refused(client_for, reporter_a, unit_a, unit_b):
    client = client_for(reporter_a)
    response = client.post(url("self_import", unit_a), {"file": SimpleUploadedFile("a.xlsx", b"just text")})
    assert response.status_code == 422 and "不是有效的 .xlsx 文件" in response.content.decode()
    other = load_workbook(io.BytesIO(self_import.template_bytes(unit_b)))
    response = upload(client, unit_a, other)
    assert "这是“西湖第二中学”的自评表,不是本单位(东湖第一中学)的" in response.content.decode()
    assert not SelfAssessment.objects.filter(unit=unit_a).exists()


def test_a_submitted_unit_cannot_import(client_for, reporter_a, submitted_a):
    client = client_for(reporter_a)
    page = client.get(url("self_import", submitted_a)).content.decode()
    assert "不能再修改" in page and 'type="file"' not in page
    workbook = fill(download(client, submitted_a), {"D5": 1})
    response = upload(client, submitted_a, workbook)
    assert response.status_code == 422 and "不能再修改" in response.content.decode()
    assert SelfAssessment.objects.get(unit=submitted_a, item_id="1.2").self_score == Decimal("2.5")


def test_confirm_is_refused_whole_when_the_phase_closed_after_the_preview(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    preview = upload(client, unit_a, fill(download(client, unit_a), {"D4": 3, "D5": 2}))
    payload = preview.context["preview"].payload
    campaign = unit_a.campaign
    campaign.phase = Phase.REVIEW
    campaign.save()
    done = client.post(url("self_import_confirm", unit_a), {"payload": payload}, follow=True)
    assert "不在自评填报期内" in done.content.decode()
    assert not SelfAssessment.objects.filter(unit=unit_a).exists()


def test_an_entry_changed_on_the_web_after_the_preview_stops_the_whole_import(client_for, reporter_a, unit_a, scheme):
    client = client_for(reporter_a)
    preview = upload(client, unit_a, fill(download(client, unit_a), {"D4": 3, "D5": 2}))
    payload = preview.context["preview"].payload
    item = item_ref(scheme, "school", "1.2").item
    services.entry_save(unit=unit_a, item=item, actor=reporter_a, version=0, data=services.EntryInput(self_score="1"))
    done = client.post(url("self_import_confirm", unit_a), {"payload": payload}, follow=True)
    assert "在预览之后已被修改" in done.content.decode()
    assert not SelfAssessment.objects.filter(unit=unit_a, item_id="1.1").exists()  # 1.1 rolled back too
    assert SelfAssessment.objects.get(unit=unit_a, item_id="1.2").self_score == Decimal(1)


def test_a_tampered_or_foreign_payload_is_refused(client_for, reporter_a, reporter_b, unit_a, unit_b):
    preview = upload(client_for(reporter_a), unit_a, fill(download(client_for(reporter_a), unit_a), {"D4": 3}))
    payload = preview.context["preview"].payload
    for client, unit, body in (
        (client_for(reporter_a), unit_a, payload[:-2] + "xx"),
        (client_for(reporter_b), unit_b, payload),
    ):
        done = client.post(url("self_import_confirm", unit), {"payload": body}, follow=True)
        assert "预览数据无效" in done.content.decode()
    assert not SelfAssessment.objects.exists()


def test_only_the_units_reporter_reaches_the_pages(client_for, leader_school_a, reporter_b, scorer_x, unit_a):
    for user in (leader_school_a, reporter_b, scorer_x):
        client = client_for(user)
        assert client.get(url("self_import", unit_a)).status_code == 404
        assert client.get(url("self_import_template", unit_a)).status_code == 404


def test_overview_links_to_the_import(client_for, reporter_a, unit_a):
    page = client_for(reporter_a).get(url("unit_overview", unit_a)).content.decode()
    assert url("self_import", unit_a) in page
    assert Submission.objects.filter(unit=unit_a, status=SubmissionStatus.SUBMITTED).count() == 0


def test_figures_round_trip_for_a_rule_item(client_for, reporter_a, unit_a):
    """Item 1.2 computed from a figure: its 数据 cell is unlocked, read back and stored as the figure."""
    import copy

    from tests.conftest import SMALL_SCHEME

    from kaoping.campaigns.models import SchemeVersion

    data = copy.deepcopy(SMALL_SCHEME)
    data["components"][0]["indicators"][0]["children"][1]["rule"] = {
        "kind": "deduct_per_occurrence",
        "figure": "dropouts",
        "label": "失学辍学学生数",
        "deduct": 1,
        "unit": "名",
    }
    SchemeVersion.objects.create(campaign=unit_a.campaign, number=2, data=data, source_name="figures.yaml")
    client = client_for(reporter_a)
    workbook = download(client, unit_a)
    sheet = workbook[xlsx.SHEET_NAME]
    assert sheet["E3"].value == "数据" and "需填数据:失学辍学学生数" in sheet["B5"].value
    assert not sheet["E5"].protection.locked and sheet["E4"].protection.locked
    preview = upload(client, unit_a, fill(workbook, {"E5": 2, "E4": 1}))
    assert "第 4 行 第 5 列:本项没有这个数据" in preview.content.decode()
    preview = upload(client, unit_a, fill(workbook, {"E4": None}))
    assert "数据“失学辍学学生数”" in preview.content.decode()
    client.post(url("self_import_confirm", unit_a), {"payload": preview.context["preview"].payload})
    assert SelfAssessment.objects.get(unit=unit_a, item_id="1.2").figures == {"dropouts": "2"}
