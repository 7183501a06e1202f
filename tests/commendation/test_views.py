"""The pages and downloads: who sees which list, the organizer's form and steps, and the Word and
Excel files read back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from kaoping.commendation import services
from kaoping.commendation.models import CommendationList, ListState

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(final: Any, organizer: Any, unit_b: Any) -> CommendationList:
    made = services.create(
        campaign=final,
        actor=organizer,
        data=services.ListInput(title="2024年度考核优秀单位", basis="top_n", categories=["school"], top_n=1),
    )
    services.decide(commendation=made, unit=unit_b, actor=organizer, include=False, reason="年内发生安全事故")
    services.approve(commendation=made, actor=organizer)
    services.publish(commendation=made, actor=organizer)
    made.refresh_from_db()
    return made


def test_the_organizer_draws_up_a_list_from_the_form(final, client_for, organizer):
    client = client_for(organizer)
    url = reverse("commendation:index", args=[final.pk])
    page = client.get(url).content.decode()
    assert "拟定表彰名单" in page and "全部某等次" in page and "优秀" in page
    response = client.post(url, {"title": "优秀学校", "basis": "grade", "grade": "优秀", "categories": ["school"]})
    made = CommendationList.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{final.pk}/{made.number}/")
    detail = client.get(response["Location"]).content.decode()
    assert "优秀学校" in detail and "9.50" in detail and "县(区)教育行政部门" not in detail
    assert "审批名单" in detail
    response = client.post(url, {"title": "", "basis": "top_n", "categories": ["school"]})
    assert response.status_code == 400


def test_before_final_the_page_says_what_is_missing(on_notice, client_for, organizer):
    page = client_for(organizer).get(reverse("commendation:index", args=[on_notice.pk])).content.decode()
    assert "考核结果尚未确定" in page and "还没有发布公示" in page


def test_a_reporter_cannot_draw_up_nor_read_a_draft(final, client_for, organizer, reporter_a):
    draft = services.create(
        campaign=final,
        actor=organizer,
        data=services.ListInput(title="草稿名单", basis="top_n", categories=["school"], top_n=2),
    )
    client = client_for(reporter_a)
    index = reverse("commendation:index", args=[final.pk])
    page = client.get(index).content.decode()
    assert "拟定表彰名单" not in page and "草稿名单" not in page
    assert client.post(index, {"title": "x", "basis": "top_n", "top_n": 1, "categories": ["school"]}).status_code == 404
    assert client.get(reverse("commendation:detail", args=[final.pk, draft.number])).status_code == 404
    assert client.post(reverse("commendation:approve", args=[final.pk, draft.number])).status_code == 404
    assert not CommendationList.objects.exclude(pk=draft.pk).exists()


def test_a_published_list_is_read_by_the_units_and_leaders(published, client_for, reporter_a, leader, other_organizer):
    url = reverse("commendation:detail", args=[published.campaign_id, published.number])
    for person in (reporter_a, leader):
        page = client_for(person).get(url).content.decode()
        assert "2024年度考核优秀单位" in page and "已发布" in page
        assert "审批名单" not in page and "确认排除" not in page
        # the bureau's leader reads who was left out and why; a unit reads the list itself
        assert ("年内发生安全事故" in page) == (person == leader)
    assert client_for(other_organizer).get(url).status_code == 404
    assert published.state == ListState.PUBLISHED


def test_the_excel_list_reads_back(published, client_for, reporter_a, unit_a):
    from openpyxl import load_workbook

    url = reverse("commendation:xlsx", args=[published.campaign_id, published.number])
    response = client_for(reporter_a).get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["表彰名单"]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "2024年度考核优秀单位"
    assert rows[2] == ("序号", "单位", "类别", "总分", "等次", "名次/星级")
    assert rows[3] == (1, unit_a.organization.name, "学校", 9.5, "优秀", "第 1 名")
    assert len(rows) == 4
    assert sheet.cell(row=4, column=4).number_format == "0.00"
    assert sheet.page_setup.paperSize == 9


def test_the_word_list_reads_back_on_a4_with_east_asian_fonts(published, client_for, leader, unit_a):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm

    url = reverse("commendation:docx", args=[published.campaign_id, published.number])
    response = client_for(leader).get(url)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "2024年度考核优秀单位"
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ["序号", "单位", "类别", "总分", "等次", "名次/星级"]
    assert [c.text for c in table.rows[1].cells] == ["1", unit_a.organization.name, "学校", "9.50", "优秀", "第 1 名"]
    assert len(table.rows) == 2
    assert "表彰依据:学校前 1 名" in "\n".join(p.text for p in document.paragraphs) or "各类别前 1 名" in "\n".join(
        p.text for p in document.paragraphs
    )
    title_run = document.paragraphs[0].runs[0]
    assert title_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
