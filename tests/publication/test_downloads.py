from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kaoping.publication import objections, services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def published(on_notice: Any, organizer: Any) -> Any:
    return services.publish(
        campaign=on_notice, actor=organizer, notice_start=TODAY, notice_end=TODAY + datetime.timedelta(days=6)
    )


def _book(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))


def test_a_versions_tables_carry_its_number_and_digest_on_every_sheet(published, on_notice, client_for, organizer):
    client = client_for(organizer)
    for table in ("summary", "detail"):
        response = client.get(reverse("publication:version_xlsx", args=[on_notice.pk, 1, table]))
        assert "filename*=utf-8''" in response["Content-Disposition"]
        book = _book(response)
        for sheet in book.worksheets:
            subtitle = str(sheet["A2"].value)
            assert "第1版公示" in subtitle and published.digest[:8] in subtitle
        names = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
        assert "东湖第一中学" in names


def test_the_objection_register_lists_each_objection_with_its_deadline_state_and_answer(
    published, on_notice, unit_a, reporter_a, reviewer, client_for, organizer
):
    first = objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="=1+1 总分有误")
    objections.assign(objection=first, assignee=reviewer, actor=organizer)
    objections.answer(objection=first, actor=reviewer, accepted=False, text="维持原评分")
    book = _book(client_for(organizer).get(reverse("publication:objections_xlsx", args=[on_notice.pk])))
    sheet = book.worksheets[0]
    assert "异议登记表" in str(sheet["A1"].value)
    row = [c.value for c in sheet[4]]
    assert row[1] == "东湖第一中学 第1条" and row[3] == "=1+1 总分有误" and row[6] == "异议不成立"
    assert sheet["D4"].data_type == "s"  # a reason that looks like a formula stays text
    assert row[8] == "维持原评分" and row[5] == first.due_on.isoformat()
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.paperSize == 9


def test_units_and_reviewers_cannot_download_them(published, on_notice, client_for, reporter_a, reviewer):
    for person in (reporter_a, reviewer):
        client = client_for(person)
        assert client.get(reverse("publication:objections_xlsx", args=[on_notice.pk])).status_code == 404
        assert client.get(reverse("publication:version_xlsx", args=[on_notice.pk, 1, "summary"])).status_code == 404
