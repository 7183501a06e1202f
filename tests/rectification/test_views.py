from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.assessments.conftest import PDF_BYTES

from kaoping.assessments import services as assessments
from kaoping.assessments.selectors import item_ref
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, Phase
from kaoping.publication.models import Objection, ObjectionState, PublishedVersion
from kaoping.rectification import services
from kaoping.rectification.models import Problem, ProblemState, Source

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _problem(unit: Any, actor: Any, **kw: Any) -> Problem:
    return services.create(unit=unit, actor=actor, data=services.ProblemInput(description="会议记录不全", **kw))


def test_one_click_from_the_review_page_fills_in_item_and_deduction(submitted_a, client_for, reviewer, scheme):
    ref = item_ref(scheme, "school", "1.2")  # self-assessed 2.5
    assessments.review_save(
        unit=submitted_a, item=ref.item, actor=reviewer, version=0, score="1.5", reason="德育记录缺"
    )
    client = client_for(reviewer)
    review = client.get(
        reverse("assessments:review_unit", args=[submitted_a.campaign_id, submitted_a.pk])
    ).content.decode()
    url = reverse("rectification:from_review", args=[submitted_a.campaign_id, submitted_a.pk, "1.2"])
    assert url in review and "登记整改问题" in review
    response = client.post(url, follow=True)
    problem = Problem.objects.get()
    assert (problem.source, problem.item_id, problem.description) == (Source.REVIEW, "1.2", "德育记录缺")
    assert problem.points_lost == ref.item.points - Decimal("1.5")
    body = response.content.decode()
    assert "已登记为整改问题" in body and "审核扣分" in body and "德育记录缺" in body


def test_one_click_from_a_spot_check(submitted_a, client_for, reviewer):
    from kaoping.assessments.models import SpotCheck

    spot = SpotCheck.objects.create(
        unit=submitted_a,
        checked_on=TODAY,
        inspectors="王督学、李督学",
        item_ids=["1.1"],
        findings="现场查看,安全台账缺第三季度记录",
    )
    client = client_for(reviewer)
    review = client.get(
        reverse("assessments:review_unit", args=[submitted_a.campaign_id, submitted_a.pk])
    ).content.decode()
    url = reverse("rectification:from_spot_check", args=[submitted_a.campaign_id, submitted_a.pk, spot.pk])
    assert url in review
    client.post(url)
    problem = Problem.objects.get()
    assert (problem.source, problem.item_id, problem.description) == (Source.SPOT_CHECK, "1.1", spot.findings)
    assert "王督学" in problem.source_note
    assert (
        client.post(
            reverse("rectification:from_spot_check", args=[submitted_a.campaign_id, submitted_a.pk, 999])
        ).status_code
        == 404
    )


def test_registering_by_hand_as_an_inspection_and_bad_input(unit_a, client_for, reviewer):
    client = client_for(reviewer)
    url = reverse("rectification:new", args=[unit_a.campaign_id, unit_a.pk])
    page = client.get(url).content.decode()
    assert "督查检查" in page and "财务科" in page
    bad = client.post(url, {"source": "inspection", "description": "", "deadline": "2026-13-01", "points_lost": "abc"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "请填写问题描述" in text and "日期格式不对" in text and "扣分请填写数字" in text
    assert not Problem.objects.exists()
    good = client.post(
        url,
        {
            "source": "inspection",
            "source_note": "12月3日督查",
            "item": "1.1",
            "description": "经费使用无台账",
            "responsible_unit": "财务科",
            "deadline": (TODAY + datetime.timedelta(days=20)).isoformat(),
        },
        follow=True,
    )
    problem = Problem.objects.get()
    assert (problem.source, problem.responsible_unit, problem.item_id) == ("inspection", "财务科", "1.1")
    assert "问题已登记" in good.content.decode()


def test_a_reporter_may_only_register_from_the_self_check(unit_a, client_for, reporter_a):
    client = client_for(reporter_a)
    url = reverse("rectification:new", args=[unit_a.campaign_id, unit_a.pk])
    page = client.get(url).content.decode()
    assert "单位自查" in page and "督查检查" not in page
    response = client.post(url, {"source": "inspection", "description": "x", "deadline": TODAY.isoformat()})
    assert response.status_code == 400 and not Problem.objects.exists()


def test_report_with_evidence_recheck_and_close_through_the_pages(unit_a, client_for, reviewer, reporter_a):
    problem = _problem(unit_a, reviewer)
    args = [unit_a.campaign_id, unit_a.pk, problem.number]
    reporter = client_for(reporter_a)
    page = reporter.get(reverse("rectification:problem", args=args)).content.decode()
    assert "报送整改进展" in page and "提交复查" not in page
    reporter.post(
        reverse("rectification:report", args=args),
        {"text": "已补齐会议记录", "done": "on", "evidence": SimpleUploadedFile("会议记录.pdf", PDF_BYTES)},
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED
    progress = problem.reports.get()
    download = reporter.get(reverse("rectification:evidence", args=[*args, progress.pk]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    checker = client_for(reviewer)
    page = checker.get(reverse("rectification:problem", args=args)).content.decode()
    assert "待复查" in page and "会议记录.pdf" in page and "提交复查" in page
    missing = checker.post(reverse("rectification:recheck", args=args), {"decision": "close", "opinion": ""})
    assert missing.status_code == 400 and "请填写复查意见" in missing.content.decode()
    done = checker.post(
        reverse("rectification:recheck", args=args), {"decision": "close", "opinion": "整改到位"}, follow=True
    )
    problem.refresh_from_db()
    assert problem.closed and "已销号" in done.content.decode()
    ledger = checker.get(reverse("rectification:ledger", args=[unit_a.campaign_id])).content.decode()
    assert "100.0%" in ledger and "已整改" in ledger


def test_a_hostile_evidence_file_is_refused_with_its_name(unit_a, client_for, reviewer, reporter_a):
    problem = _problem(unit_a, reviewer)
    args = [unit_a.campaign_id, unit_a.pk, problem.number]
    response = client_for(reporter_a).post(
        reverse("rectification:report", args=args),
        {"text": "见附件", "evidence": SimpleUploadedFile("整改.html", b"<html><script>alert(1)</script></html>")},
    )
    assert response.status_code == 409 and "整改.html" in response.content.decode()
    assert not problem.reports.exists()


def test_an_overdue_problem_is_flagged_on_the_ledger_and_a_unit_sees_only_its_own(
    unit_a, unit_b, client_for, reviewer, reporter_b
):
    _problem(unit_a, reviewer, deadline=TODAY - datetime.timedelta(days=2))
    _problem(unit_b, reviewer)
    page = client_for(reviewer).get(reverse("rectification:ledger", args=[unit_a.campaign_id])).content.decode()
    assert "已超期" in page and unit_a.organization.name in page
    own = client_for(reporter_b).get(reverse("rectification:ledger", args=[unit_a.campaign_id])).content.decode()
    assert "已超期" not in own.split("问题清单")[-1].split("整改率")[0]
    assert (
        client_for(reporter_b)
        .get(reverse("rectification:problem", args=[unit_a.campaign_id, unit_a.pk, 1]))
        .status_code
        == 404
    )
    one = client_for(reviewer).get(reverse("rectification:ledger", args=[unit_a.campaign_id]) + f"?unit={unit_b.pk}")
    assert one.status_code == 200 and "问题整改台账" in one.content.decode()
    assert (
        client_for(reporter_b)
        .get(reverse("rectification:ledger", args=[unit_a.campaign_id]) + f"?unit={unit_a.pk}")
        .status_code
        == 404
    )


def test_the_organizer_turns_an_accepted_objection_into_a_problem(unit_a, client_for, organizer, reporter_a):
    version = PublishedVersion.objects.create(
        campaign=unit_a.campaign,
        number=1,
        campaign_name="x",
        bureau_name="y",
        digest="0" * 64,
        data_version="",
        published_at=timezone.now(),
        notice_start=TODAY,
        notice_end=TODAY,
        public_key="k1",
    )
    Objection.objects.create(
        version=version,
        unit=unit_a,
        number=1,
        item_id="1.1",
        item_name="基础 · 1.1 制度",
        reasons="已补交",
        filed_at=timezone.now(),
        due_on=TODAY,
        state=ObjectionState.ACCEPTED,
        answer="异议成立,1.1 项补记 1 分;会议记录归档不及时",
    )
    client = client_for(organizer)
    page = client.get(reverse("publication:objection", args=[unit_a.campaign_id, unit_a.pk, 1])).content.decode()
    url = reverse("rectification:from_objection", args=[unit_a.campaign_id, unit_a.pk, 1])
    assert url in page
    client.post(url)
    problem = Problem.objects.get()
    assert (problem.source, problem.item_id, problem.source_note) == (Source.OBJECTION, "1.1", "第 1 条异议")
    assert "会议记录归档不及时" in problem.description


def test_the_audit_log_reads_each_step_in_chinese(unit_a, client_for, organizer, reviewer, reporter_a):
    problem = _problem(unit_a, reviewer)
    services.report(problem=problem, actor=reporter_a, text="完成", done=True)
    services.recheck(problem=problem, actor=reviewer, close=True, opinion="到位")
    page = client_for(organizer).get(reverse("audit:campaign_log", args=[unit_a.campaign_id])).content.decode()
    for words in ("登记整改问题", "报送整改进展", "复查销号", "整改问题 1", "待复查", "其他操作"):
        assert (words in page) is (words != "其他操作"), words
    assert AuditEvent.objects.filter(object_type="problem").count() == 3


def test_settings_and_an_archived_campaign(unit_a, client_for, organizer, reviewer):
    client = client_for(organizer)
    client.post(
        reverse("rectification:settings", args=[unit_a.campaign_id]), {"concluded_on": "2026-01-10", "days": "60"}
    )
    assert services.settings_of(unit_a.campaign).days == 60
    bad = client.post(reverse("rectification:settings", args=[unit_a.campaign_id]), {"days": "0"}, follow=True)
    assert "1 至 365" in bad.content.decode()
    problem = _problem(unit_a, reviewer)
    Campaign.objects.filter(pk=unit_a.campaign_id).update(phase=Phase.ARCHIVED)
    page = (
        client_for(reviewer)
        .get(reverse("rectification:problem", args=[unit_a.campaign_id, unit_a.pk, 1]))
        .content.decode()
    )
    assert "提交复查" not in page
    response = client_for(reviewer).post(
        reverse("rectification:recheck", args=[unit_a.campaign_id, unit_a.pk, 1]),
        {"decision": "close", "opinion": "x"},
        follow=True,
    )
    assert "已归档" in response.content.decode()
    problem.refresh_from_db()
    assert not problem.closed


def test_whole_points_lost_read_as_numbers_not_exponents(unit_a, client_for, reviewer):
    _problem(unit_a, reviewer, points_lost=Decimal("10"))
    client = client_for(reviewer)
    ledger = client.get(reverse("rectification:ledger", args=[unit_a.campaign_id])).content.decode()
    detail = client.get(reverse("rectification:problem", args=[unit_a.campaign_id, unit_a.pk, 1])).content.decode()
    for page in (ledger, detail):
        assert ">10<" in page.replace("\n", "") and "1E+1" not in page


def test_a_recused_reviewer_neither_registers_nor_rechecks(unit_a, client_for, reviewer, organizer):
    from kaoping.assessments.models import Recusal

    problem = _problem(unit_a, organizer)
    Recusal.objects.create(campaign=unit_a.campaign, unit=unit_a, user=reviewer, reason="亲属在该校任职")
    client = client_for(reviewer)
    args = [unit_a.campaign_id, unit_a.pk, problem.number]
    assert client.get(reverse("rectification:new", args=[unit_a.campaign_id, unit_a.pk])).status_code == 404
    assert (
        client.post(reverse("rectification:recheck", args=args), {"decision": "close", "opinion": "x"}).status_code
        == 404
    )
    assert "提交复查" not in client.get(reverse("rectification:problem", args=args)).content.decode()
    with pytest.raises(services.RectificationError):
        services.recheck(problem=problem, actor=reviewer, close=True, opinion="x")
    problem.refresh_from_db()
    assert not problem.closed


def test_the_ledger_filters_by_status_and_counts_stay_whole(unit_a, unit_b, client_for, reviewer):
    _problem(unit_a, reviewer, deadline=TODAY - datetime.timedelta(days=2))
    _problem(unit_b, reviewer)
    client = client_for(reviewer)
    url = reverse("rectification:ledger", args=[unit_a.campaign_id])
    overdue = client.get(url + "?show=overdue").content.decode()
    listed = overdue.split('id="list-head"')[1].split('id="unit-head"')[0]
    assert unit_a.organization.name in listed and unit_b.organization.name not in listed.split("登记问题")[0]
    assert client.get(url + "?show=closed").content.decode().count("暂无整改问题") == 1
    assert client.get(url + "?show=nonsense").status_code == 200
