from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, Phase
from kaoping.goals import selectors, services
from kaoping.goals.models import Milestone, Target, TargetReport, TaskReport, TaskStatus
from kaoping.web.audit_describe import describe

from .conftest import PDF_BYTES


def test_a_target_is_numbered_audited_and_its_rate_follows_the_latest_report(dept_target, scorer_x, campaign):
    assert dept_target.number == 1
    services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 3, 31), done=Decimal("2000"))
    services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 6, 30), done=Decimal("5310"))
    [row] = selectors.target_rows(campaign)
    assert row.rate.rate == Decimal("68.1") and row.rate.on == date(2018, 6, 30)
    lines = describe(AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}").order_by("seq"))
    texts = [f"{line.action} {line.change}" for line in lines]
    assert any("新建目标任务" in t and "目标任务(招商引资)" in t and "目标值:7800" in t for t in texts)
    assert any("报送目标任务完成情况" in t and "完成值:5310" in t for t in texts)


def test_a_blank_report_stays_blank_and_reads_missing(dept_target, scorer_x, campaign):
    services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 6, 30), done=None)
    report = TargetReport.objects.get()
    assert report.done is None
    [row] = selectors.target_rows(campaign)
    assert row.rate.missing and row.rate.rate is None


def test_bad_targets_and_reports_are_refused_in_chinese_and_nothing_is_written(campaign, organizer, dept_x):
    fields = services.TargetFields(name=" ", measure="", target_value=Decimal("0"))
    with pytest.raises(services.GoalError) as error:
        services.target_save(campaign=campaign, actor=organizer, fields=fields)
    assert "请填写目标任务名称" in error.value.messages
    assert any("计量单位" in m for m in error.value.messages)
    assert any("目标值须大于 0" in m for m in error.value.messages)
    assert any("责任单位或一个责任处室" in m for m in error.value.messages)
    assert not Target.objects.exists()


def test_a_negative_figure_or_a_hostile_file_writes_nothing(dept_target, scorer_x):
    with pytest.raises(services.GoalError, match="完成值须为 0 或正数"):
        services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 6, 30), done=Decimal("-1"))
    with pytest.raises(services.GoalError, match=r"说明\.pdf"):
        services.target_report(
            target=dept_target,
            actor=scorer_x,
            on=date(2018, 6, 30),
            done=Decimal("1"),
            upload=b"MZ\x90\x00" + b"\x00" * 200,
            original_name="说明.pdf",
        )
    assert not TargetReport.objects.exists()


def test_an_archived_campaign_refuses_every_write(dept_target, key_task, scorer_x, organizer, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    with pytest.raises(services.GoalError, match="已归档"):
        services.target_report(target=dept_target, actor=scorer_x, on=date(2018, 6, 30), done=Decimal("1"))
    with pytest.raises(services.GoalError, match="已归档"):
        services.task_report(task=key_task, actor=scorer_x, on=date(2022, 6, 30), text="进展", status="in_progress")
    with pytest.raises(services.GoalError, match="已归档"):
        services.milestone_add(task=key_task, actor=organizer, name="出台方案", due_on=date(2022, 3, 31))
    assert not TargetReport.objects.exists() and not TaskReport.objects.exists() and not Milestone.objects.exists()


def test_key_task_progress_with_evidence_sets_its_status_and_is_audited(key_task, scorer_x, campaign):
    report = services.task_report(
        task=key_task,
        actor=scorer_x,
        on=date(2022, 6, 30),
        text="已出台学前教育质量提升三年行动计划",
        status=TaskStatus.IN_PROGRESS,
        upload=PDF_BYTES,
        original_name="行动计划.pdf",
    )
    assert report.evidence_name == "行动计划.pdf" and report.evidence_sha256
    key_task.refresh_from_db()
    assert key_task.status == TaskStatus.IN_PROGRESS
    assert selectors.key_task_status(campaign, key_task.number) == "in_progress"
    lines = describe(AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", action="goal.task.report"))
    assert "重点工作(1. 学前教育抓普惠提质量)" in lines[0].change and "推进中" in lines[0].change
    assert "未开始" in lines[0].change and "in_progress" not in lines[0].change


def test_milestones_past_due_flag_the_task(key_task, organizer):
    milestone = services.milestone_add(task=key_task, actor=organizer, name="出台方案", due_on=date(2022, 3, 31))
    key_task.refresh_from_db()
    assert selectors.overdue_task(key_task, today=date(2022, 4, 1))
    assert not selectors.overdue_task(key_task, today=date(2022, 3, 31))
    services.milestone_done(milestone=milestone, actor=organizer, done_on=date(2022, 4, 2))
    assert not selectors.overdue_task(key_task, today=date(2022, 4, 3))
    assert [o.task.pk for o in selectors.overdue(key_task.area.campaign, today=date(2022, 4, 3))] == []


def test_a_task_must_stay_inside_the_bureau(campaign, organizer, area, county_dept):
    fields = services.TaskFields(area=area, title="外单位牵头", lead=county_dept)
    with pytest.raises(services.GoalError, match="不属于本考核的组织单位"):
        services.task_save(campaign=campaign, actor=organizer, fields=fields)


def test_the_rule_selectors_answer_a_units_rate_and_a_tasks_status(
    unit_target, reporter_a, campaign, campaign_units, key_task
):
    school_a = campaign_units["school_a"]
    assert selectors.unit_completion_rate(campaign, school_a, "新增学位") is None  # nothing reported: missing
    services.target_report(target=unit_target, actor=reporter_a, on=date(2024, 6, 30), done=Decimal("150"))
    assert selectors.unit_completion_rate(campaign, school_a, "新增学位") == Decimal("50.0")
    assert selectors.unit_completion_rate(campaign.pk, school_a.pk, "不存在") is None
    assert selectors.unit_completion_rate(campaign, campaign_units["school_b"], "新增学位") is None
    assert selectors.key_task_status(campaign, key_task.number) == "not_started"
    assert selectors.key_task_status(campaign, 99) is None
