from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.assessments.conftest import PDF_BYTES

from kaoping.audit.models import AuditEvent
from kaoping.campaigns import services as campaigns
from kaoping.campaigns.models import Campaign, Phase
from kaoping.publication import objections, services
from kaoping.publication.calendar import add_working_days
from kaoping.publication.models import Objection, ObjectionState, PublishedVersion

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def published(on_notice: Any, organizer: Any) -> PublishedVersion:
    return services.publish(
        campaign=on_notice, actor=organizer, notice_start=TODAY, notice_end=TODAY + datetime.timedelta(days=6)
    )


def test_working_days_skip_weekends() -> None:
    friday = datetime.date(2026, 12, 4)
    assert add_working_days(friday, 1) == datetime.date(2026, 12, 7)
    assert add_working_days(friday, 15) == datetime.date(2026, 12, 25)


def test_a_reporter_objects_to_an_item_within_the_window_with_a_deadline_of_15_working_days(
    published, unit_a, reporter_a
):
    objection = objections.file(unit=unit_a, actor=reporter_a, item_id="1.2", reasons="已补交德育活动记录")
    assert (objection.number, objection.state, objection.item_id) == (1, ObjectionState.FILED, "1.2")
    assert objection.due_on == add_working_days(TODAY, 15)
    assert "1.2" in objection.item_name
    assert AuditEvent.objects.filter(action="objection.file").count() == 1


def test_an_objection_outside_the_window_or_to_an_unknown_item_or_without_reasons_is_refused(
    published, unit_a, reporter_a
):
    with pytest.raises(services.PublicationError, match="异议理由"):
        objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="  ")
    with pytest.raises(services.PublicationError, match="不在本单位的公示结果中"):
        objections.file(unit=unit_a, actor=reporter_a, item_id="9.9", reasons="理由")
    PublishedVersion.objects.update(
        notice_start=TODAY - datetime.timedelta(days=9), notice_end=TODAY - datetime.timedelta(days=2)
    )
    with pytest.raises(services.PublicationError, match="公示期内"):
        objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="理由")
    assert not Objection.objects.exists()


def test_assigned_answered_in_writing_and_final_waits_for_every_answer(
    published, on_notice, unit_a, reporter_a, organizer, reviewer
):
    objection = objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="总分计算有误")
    PublishedVersion.objects.update(
        notice_start=TODAY - datetime.timedelta(days=9), notice_end=TODAY - datetime.timedelta(days=2)
    )
    with pytest.raises(campaigns.CampaignError, match="1 条异议未答复"):
        campaigns.campaign_set_phase(campaign=on_notice, expected=Phase.NOTICE, target=Phase.FINAL, actor=organizer)
    assert reviewer in objections.assignable(on_notice, unit_a)
    assert reporter_a not in objections.assignable(on_notice, unit_a)
    with pytest.raises(services.PublicationError, match="只能分派给"):
        objections.assign(objection=objection, assignee=reporter_a, actor=organizer)
    objections.assign(objection=objection, assignee=reviewer, actor=organizer)
    with pytest.raises(services.PublicationError, match="书面答复"):
        objections.answer(objection=objection, actor=reviewer, accepted=False, text=" ")
    answered = objections.answer(objection=objection, actor=reviewer, accepted=False, text="经复核,计算无误")
    assert answered.state == ObjectionState.REJECTED and answered.answered_by == reviewer
    with pytest.raises(services.PublicationError, match="已答复"):
        objections.answer(objection=objection, actor=organizer, accepted=True, text="改判")
    campaigns.campaign_set_phase(campaign=on_notice, expected=Phase.NOTICE, target=Phase.FINAL, actor=organizer)
    assert Campaign.objects.get(pk=on_notice.pk).phase == Phase.FINAL


def test_an_unanswered_objection_past_its_deadline_is_flagged(published, unit_a, reporter_a):
    objection = objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="理由")
    assert not objections.overdue(objection)
    Objection.objects.filter(pk=objection.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    objection.refresh_from_db()
    assert objections.overdue(objection)


def test_the_reporter_files_from_the_page_with_evidence_and_others_cannot(
    published, on_notice, unit_a, unit_b, client_for, reporter_a, reporter_b
):
    client = client_for(reporter_a)
    url = reverse("publication:objection_new", args=[on_notice.pk, unit_a.pk])
    assert "提交异议" in client.get(url).content.decode()
    evidence = SimpleUploadedFile("复核材料.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(url, {"target": "1.2", "reasons": "已补交材料", "evidence": evidence}, follow=True)
    body = response.content.decode()
    assert "异议已提交" in body and "复核材料.pdf" in body and "待分派" in body
    download = client.get(reverse("publication:objection_evidence", args=[on_notice.pk, unit_a.pk, 1]))
    assert download.status_code == 200 and download["Content-Security-Policy"] == "sandbox"
    other = client_for(reporter_b)
    assert other.get(reverse("publication:objection", args=[on_notice.pk, unit_a.pk, 1])).status_code == 404
    assert other.get(url).status_code == 404


def test_a_hostile_file_is_refused_in_chinese_and_nothing_is_filed(
    published, on_notice, unit_a, client_for, reporter_a
):
    client = client_for(reporter_a)
    url = reverse("publication:objection_new", args=[on_notice.pk, unit_a.pk])
    bad = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = client.post(url, {"target": "total", "reasons": "理由", "evidence": bad})
    assert response.status_code == 409 and "说明.pdf" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_organizer_assigns_and_the_reviewer_answers_from_the_page(
    published, on_notice, unit_a, reporter_a, client_for, organizer, reviewer
):
    objections.file(unit=unit_a, actor=reporter_a, item_id="", reasons="理由")
    detail = reverse("publication:objection", args=[on_notice.pk, unit_a.pk, 1])
    boss = client_for(organizer)
    assert "分派承办人" in boss.get(detail).content.decode()
    boss.post(reverse("publication:objection_assign", args=[on_notice.pk, unit_a.pk, 1]), {"assignee": reviewer.pk})
    checker = client_for(reviewer)
    page = checker.get(detail).content.decode()
    assert "书面答复" in page and "分派承办人" not in page
    bad = checker.post(reverse("publication:objection_answer", args=[on_notice.pk, unit_a.pk, 1]), {"answer": "x"})
    assert bad.status_code == 400 and "请选择异议是否成立" in bad.content.decode()
    checker.post(
        reverse("publication:objection_answer", args=[on_notice.pk, unit_a.pk, 1]),
        {"decision": "accepted", "answer": "情况属实,予以更正"},
    )
    register = client_for(reporter_a).get(reverse("publication:objections", args=[on_notice.pk])).content.decode()
    assert "异议成立" in register
