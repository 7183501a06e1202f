from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services
from kaoping.assessments.models import SelfAssessment, SubmissionStatus
from kaoping.audit.models import AuditEvent


def save(unit: Any, item: Any, actor: Any, version: int, **data: Any) -> Any:
    return services.entry_save(unit=unit, item=item, actor=actor, version=version, data=services.EntryInput(**data))


def test_first_save_creates_entry_at_version_one_and_audits_the_score(unit_a, item, reporter_a):
    row = save(unit_a, item, reporter_a, 0, self_score="2.5", note="缺一次会议")
    assert (row.version, row.self_score, row.note) == (1, Decimal("2.5"), "缺一次会议")
    events = AuditEvent.objects.filter(object_type="self_assessment", object_id=f"{unit_a.pk}:1.1")
    assert {e.field for e in events} == {"self_score", "note"}


def test_stale_version_raises_conflict_with_current_value(unit_a, item, reporter_a):
    save(unit_a, item, reporter_a, 0, self_score="2")
    save(unit_a, item, reporter_a, 1, self_score="3")
    with pytest.raises(services.Conflict) as info:
        save(unit_a, item, reporter_a, 1, self_score="1")
    assert info.value.current.self_score == Decimal("3")
    assert SelfAssessment.objects.get(unit=unit_a, item_id="1.1").self_score == Decimal("3")


def test_second_create_from_version_zero_is_a_conflict(unit_a, item, reporter_a):
    save(unit_a, item, reporter_a, 0, self_score="2")
    with pytest.raises(services.Conflict):
        save(unit_a, item, reporter_a, 0, self_score="1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("3.5", "超过了该项分值 3"),
        ("-1", "不能为负数"),
        ("abc", "不是数字"),
        ("NaN", "不是数字"),
        ("1.00001", "4 位小数"),
    ],
)
def test_bad_scores_are_refused_with_chinese_message(unit_a, item, reporter_a, raw, message):
    with pytest.raises(services.AssessmentError) as info:
        save(unit_a, item, reporter_a, 0, self_score=raw)
    assert message in info.value.errors["self_score"]
    assert not SelfAssessment.objects.exists()


def test_submission_lists_missing_items_and_evidence(unit_a, scheme, reporter_a):
    fill_unit(unit_a, reporter_a, with_evidence=False)
    with pytest.raises(services.Incomplete) as info:
        services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    assert info.value.missing == [("1.1", "党组织建设", "佐证材料")]


def test_submit_return_resubmit_lock(unit_a, scheme, reporter_a, reviewer):
    fill_unit(unit_a, reporter_a)
    assert services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme).status == SubmissionStatus.SUBMITTED
    with pytest.raises(services.AssessmentError):
        services.submission_return(unit=unit_a, actor=reviewer, reason=" ")
    returned = services.submission_return(unit=unit_a, actor=reviewer, reason="第1.1项佐证不全")
    assert (returned.status, returned.return_reason) == (SubmissionStatus.RETURNED, "第1.1项佐证不全")
    status = services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme).status
    assert status == SubmissionStatus.RESUBMITTED
    assert services.submission_lock(unit=unit_a, actor=reviewer).status == SubmissionStatus.LOCKED


def test_submitted_entry_cannot_be_edited(unit_a, scheme, item, reporter_a):
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    with pytest.raises(services.Closed, match="已提交"):
        save(unit_a, item, reporter_a, 1, self_score="1")


def test_deadline_passed_refuses_edit(unit_a, item, reporter_a, open_campaign):
    from datetime import timedelta

    from django.utils import timezone

    from kaoping.campaigns.models import Phase, PhaseDeadline

    PhaseDeadline.objects.create(
        campaign=open_campaign, phase=Phase.SELF_ASSESSMENT, deadline=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(services.Closed, match="截止时间"):
        save(unit_a, item, reporter_a, 0, self_score="1")


def test_department_cannot_score_a_draft(unit_a, scheme, item, dept_x, scorer_x):
    with pytest.raises(services.Closed, match="尚未提交自评"):
        services.department_score_save(unit=unit_a, item=item, department=dept_x, actor=scorer_x, version=0, score="1")


def test_department_score_is_capped_by_its_share(submitted_a, unit_a, scheme, dept_x, scorer_x):
    from kaoping.assessments.selectors import item_ref

    split = item_ref(scheme, "school", "2").item
    with pytest.raises(services.AssessmentError, match="超过了该项分值 2"):
        services.department_score_save(
            unit=unit_a, item=split, department=dept_x, actor=scorer_x, version=0, score="2.5"
        )
    row = services.department_score_save(
        unit=unit_a, item=split, department=dept_x, actor=scorer_x, version=0, score="1.5"
    )
    assert row.score == Decimal("1.5")


def test_review_adjustment_needs_reason_but_confirmation_does_not(
    submitted_a, unit_a, item, reporter_a, dept_x, scorer_x, reviewer
):
    services.department_score_save(unit=unit_a, item=item, department=dept_x, actor=scorer_x, version=0, score="2")
    confirmed = services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="2")
    assert confirmed.confirmed_score == Decimal("2")
    with pytest.raises(services.AssessmentError, match="必须填写调整理由"):
        services.review_save(unit=unit_a, item=item, actor=reviewer, version=1, score="1.5")
    adjusted = services.review_save(unit=unit_a, item=item, actor=reviewer, version=1, score="1.5", reason="纪要缺页")
    assert (adjusted.confirmed_score, adjusted.version) == (Decimal("1.5"), 2)
    event = AuditEvent.objects.filter(object_type="review_score").last()
    assert (event.old, event.new, event.reason) == ("2", "1.5", "纪要缺页")


def test_two_reviewers_on_same_version_second_gets_conflict_and_audit_has_one_change(
    submitted_a, unit_a, item, reviewer, organizer
):
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="3", reason="a")
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=1, score="2", reason="first")
    with pytest.raises(services.Conflict):
        services.review_save(unit=unit_a, item=item, actor=organizer, version=1, score="1", reason="second")
    changes = AuditEvent.objects.filter(object_type="review_score", reason__in=["first", "second"])
    assert [e.new for e in changes] == ["2"]


def test_evidence_links_one_file_to_several_items_and_audits_detach(unit_a, reporter_a):
    from tests.assessments.conftest import PDF_BYTES

    evidence = services.evidence_upload(
        unit=unit_a, actor=reporter_a, upload=PDF_BYTES, original_name="a.pdf", item_ids=["1.1", "1.2"]
    )
    assert sorted(evidence.entries.values_list("item_id", flat=True)) == ["1.1", "1.2"]
    services.evidence_link(unit=unit_a, item_id="1.2", evidence=evidence, actor=reporter_a, attach=False)
    assert list(evidence.entries.values_list("item_id", flat=True)) == ["1.1"]
    assert AuditEvent.objects.filter(object_type="evidence_link", action="detach").count() == 1
