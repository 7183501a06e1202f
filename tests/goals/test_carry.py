"""Next year's campaign takes over the key tasks not finished (goals.carry)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.next_year import start_next_year
from kaoping.goals import services
from kaoping.goals.models import KeyTask, Milestone, Target, TaskStatus

pytestmark = pytest.mark.django_db


def _finish(task: KeyTask) -> None:
    KeyTask.objects.filter(pk=task.pk).update(status=TaskStatus.DONE)


def test_an_unfinished_task_continues_next_year_with_its_departments_status_and_open_milestones(
    campaign: Any, organizer: Any, key_task: KeyTask, area: Any, dept_x: Any, dept_y: Any
) -> None:
    KeyTask.objects.filter(pk=key_task.pk).update(status=TaskStatus.LAGGING)
    services.milestone_add(task=key_task, actor=organizer, name="完成摸底", due_on=datetime.date(2024, 3, 1))
    done = services.milestone_add(task=key_task, actor=organizer, name="出台方案", due_on=datetime.date(2024, 2, 1))
    services.milestone_done(milestone=done, actor=organizer, done_on=datetime.date(2024, 1, 30))
    finished = services.task_save(
        campaign=campaign, actor=organizer, fields=services.TaskFields(area=area, title="已完成的工作", lead=dept_x)
    )
    _finish(finished)

    created, lines = start_next_year(previous=campaign, name="2025年度学校考核", year=2025, actor=organizer)

    carried = KeyTask.objects.get(area__campaign=created)  # the finished one stays behind
    assert (carried.number, carried.title, carried.status) == (key_task.number, "学前教育抓普惠提质量", "lagging")
    assert carried.carried_from_id == key_task.pk and carried.area.name == area.name
    assert carried.lead_id == dept_x.pk and list(carried.supporting.all()) == [dept_y]
    assert list(Milestone.objects.filter(task=carried).values_list("name", flat=True)) == ["完成摸底"]
    assert "结转未完成的重点工作 1 项" in lines
    event = AuditEvent.objects.get(chain=f"campaign:{created.pk}", action="goal.task.create")
    assert "结转(未完成)" in event.reason


def test_targets_and_reports_stay_with_last_year(
    campaign: Any, organizer: Any, dept_target: Target, key_task: KeyTask
) -> None:
    created, _lines = start_next_year(previous=campaign, name="2025年度学校考核", year=2025, actor=organizer)
    assert not Target.objects.filter(campaign=created).exists()
    assert not KeyTask.objects.get(area__campaign=created).reports.exists()


def test_with_every_task_finished_nothing_is_carried_and_nothing_is_said(
    campaign: Any, organizer: Any, key_task: KeyTask
) -> None:
    _finish(key_task)
    created, lines = start_next_year(previous=campaign, name="2025年度学校考核", year=2025, actor=organizer)
    assert not KeyTask.objects.filter(area__campaign=created).exists()
    assert not any("重点工作" in line for line in lines)


def test_the_task_page_says_where_a_carried_task_came_from(
    campaign: Any, organizer: Any, key_task: KeyTask, client_for: Any
) -> None:
    created, _lines = start_next_year(previous=campaign, name="2025年度学校考核", year=2025, actor=organizer)
    page = client_for(organizer).get(f"/goals/{created.pk}/tasks/{key_task.number}/").content.decode()
    assert "上年结转:“2024年度学校考核”重点工作 1(未完成)" in page
    overview = client_for(organizer).get(f"/goals/{created.pk}/").content.decode()
    assert "上年结转" in overview
