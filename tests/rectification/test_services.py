from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.assessments.conftest import PDF_BYTES

from kaoping.assessments import counting
from kaoping.assessments import services as assessments
from kaoping.assessments.selectors import item_ref
from kaoping.assessments.uploads import UploadRejected
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, Phase
from kaoping.rectification import services
from kaoping.rectification.models import Problem, ProblemState, Progress, Source

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _problem(unit: Any, actor: Any, **kw: Any) -> Problem:
    return services.create(unit=unit, actor=actor, data=services.ProblemInput(description="台账不全", **kw))


def test_a_problem_gets_a_number_per_unit_and_a_deadline_30_days_on(unit_a, unit_b, reviewer):
    first = _problem(unit_a, reviewer)
    second = _problem(unit_a, reviewer, source=Source.INSPECTION, source_note="12月3日督查")
    other = _problem(unit_b, reviewer)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.deadline == TODAY + datetime.timedelta(days=30)
    assert first.organization_id == unit_a.organization_id and first.campaign_id == unit_a.campaign_id
    event = AuditEvent.objects.filter(action="problem.create").first()
    assert event is not None and event.object_id == f"{unit_a.pk}#1"


def test_the_deadline_follows_the_campaigns_conclusion_date_and_days(unit_a, organizer, reviewer):
    services.save_settings(campaign=unit_a.campaign, actor=organizer, concluded_on=datetime.date(2026, 1, 10), days=45)
    assert _problem(unit_a, reviewer).deadline == datetime.date(2026, 2, 24)
    with pytest.raises(services.RectificationError, match="1 至 365"):
        services.save_settings(campaign=unit_a.campaign, actor=organizer, concluded_on=None, days=0)
    with pytest.raises(services.RectificationError, match="只有组织者"):
        services.save_settings(campaign=unit_a.campaign, actor=reviewer, concluded_on=None, days=10)


def test_who_may_register_a_problem(unit_a, reporter_a, reporter_b, leader_school_a):
    with pytest.raises(services.RectificationError):
        _problem(unit_a, reporter_a)  # a unit reports only what its own self-assessment found
    assert _problem(unit_a, reporter_a, source=Source.SELF_ASSESSMENT).source == Source.SELF_ASSESSMENT
    for outsider in (reporter_b, leader_school_a):
        with pytest.raises(services.RectificationError):
            _problem(unit_a, outsider, source=Source.SELF_ASSESSMENT)
    with pytest.raises(services.RectificationError, match="问题描述"):
        services.create(
            unit=unit_a, actor=reporter_a, data=services.ProblemInput(description=" ", source="self_assessment")
        )
    assert Problem.objects.count() == 1


def test_from_a_review_the_item_and_its_deduction_are_filled_in(submitted_a, reviewer, scheme):
    ref = item_ref(scheme, "school", "1.1")  # 3 points, self-assessed 3
    assessments.review_save(
        unit=submitted_a, item=ref.item, actor=reviewer, version=0, score="2", reason="会议记录缺两次"
    )
    problem = services.create_from_review(
        unit=submitted_a,
        actor=reviewer,
        item=ref.item,
        counted=counting.counted_now(submitted_a, ref.item),
        reason="会议记录缺两次",
    )
    assert problem.source == Source.REVIEW and problem.item_id == "1.1"
    assert problem.points_lost == Decimal("1") and problem.description == "会议记录缺两次"
    assert problem.item_name.startswith("1.1 ")


def test_points_lost():
    assert services.points_lost(Decimal(3), Decimal("2.5"), penalty=False) == Decimal("0.5")
    assert services.points_lost(Decimal(3), Decimal(3), penalty=False) is None
    assert services.points_lost(Decimal(3), None, penalty=False) is None  # missing stays missing
    assert services.points_lost(None, Decimal("-2"), penalty=True) == Decimal(2)


def test_progress_with_evidence_recheck_reopen_and_close(unit_a, reviewer, reporter_a):
    problem = _problem(unit_a, reviewer)
    services.report(problem=problem, actor=reporter_a, text="已补齐台账", done=False)
    progress = services.report(
        problem=problem,
        actor=reporter_a,
        text="整改完成",
        done=True,
        upload=SimpleUploadedFile("整改报告.pdf", PDF_BYTES),
        original_name="整改报告.pdf",
    )
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED and progress.evidence_name == "整改报告.pdf"
    later = TODAY + datetime.timedelta(days=10)
    services.recheck(problem=problem, actor=reviewer, close=False, opinion="还缺一份", new_deadline=later)
    problem.refresh_from_db()
    assert (problem.state, problem.deadline) == (ProblemState.OPEN, later)
    services.recheck(problem=problem, actor=reviewer, close=True, opinion="整改到位")
    problem.refresh_from_db()
    assert problem.closed and problem.closed_at is not None
    with pytest.raises(services.RectificationError, match="已销号"):
        services.report(problem=problem, actor=reporter_a, text="再报", done=False)
    with pytest.raises(services.RectificationError, match="已销号"):
        services.recheck(problem=problem, actor=reviewer, close=True, opinion="x")
    actions = list(AuditEvent.objects.filter(object_type="problem").order_by("seq").values_list("action", flat=True))
    assert actions == ["problem.create", "problem.report", "problem.report", "problem.reopen", "problem.close"]


def test_only_the_units_reporter_reports_and_only_reviewers_recheck(unit_a, reviewer, reporter_a, reporter_b):
    problem = _problem(unit_a, reviewer)
    with pytest.raises(services.RectificationError):
        services.report(problem=problem, actor=reporter_b, text="x", done=True)
    with pytest.raises(services.RectificationError):
        services.recheck(problem=problem, actor=reporter_a, close=True, opinion="自己销号")
    with pytest.raises(services.RectificationError, match="复查意见"):
        services.recheck(problem=problem, actor=reviewer, close=True, opinion="  ")
    assert not Progress.objects.exists()


def test_a_hostile_file_is_refused_and_nothing_is_written(unit_a, reviewer, reporter_a, settings):
    problem = _problem(unit_a, reviewer)
    with pytest.raises(UploadRejected, match="整改\\.exe"):
        services.report(
            problem=problem,
            actor=reporter_a,
            text="见附件",
            done=True,
            upload=SimpleUploadedFile("整改.exe", b"MZ\x90\x00" * 50),
            original_name="整改.exe",
        )
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN and not Progress.objects.exists()


def test_requirements_are_edited_and_audited(unit_a, reviewer):
    problem = _problem(unit_a, reviewer)
    services.update(
        problem=problem,
        actor=reviewer,
        responsible_unit="财务科",
        responsible_person="张会计",
        measures="建立台账",
        deadline=TODAY,
    )
    problem.refresh_from_db()
    assert (problem.responsible_unit, problem.measures, problem.deadline) == ("财务科", "建立台账", TODAY)
    event = AuditEvent.objects.get(action="problem.update")
    assert event.new["responsible_unit"] == "财务科"


def test_an_archived_campaign_is_read_only(unit_a, reviewer, reporter_a):
    problem = _problem(unit_a, reviewer)
    Campaign.objects.filter(pk=unit_a.campaign_id).update(phase=Phase.ARCHIVED)
    for write in (
        lambda: _problem(unit_a, reviewer),
        lambda: services.report(problem=problem, actor=reporter_a, text="x", done=True),
        lambda: services.recheck(problem=problem, actor=reviewer, close=True, opinion="x"),
    ):
        with pytest.raises(services.RectificationError, match="已归档"):
            write()
    assert Problem.objects.count() == 1
