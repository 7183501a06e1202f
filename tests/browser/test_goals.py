"""目标任务与重点工作 in the browser, on desktop and a 390×844 phone, with axe and screenshots:
the organizer creates a target, the responsible department reports 5310 of 7800 with evidence and
the rate shows 68.1%; a key task's lead department reports progress with evidence; the dashboard
draws its charts (SVG, no CSP violation) with the numbers in tables beside them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_charts import _chart_drawn, _no_csp_violation, _watch_console
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def people(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for name in ("organizer", "scorer_x", "leader", "reporter_a"):
        user = cast.users[name]
        user.set_password(PASSWORD)
        user.save()
    return cast


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"goals-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def _pdf(tmp_path: Any, name: str) -> str:
    from tests.assessments.conftest import PDF_BYTES

    path = tmp_path / name
    path.write_bytes(PDF_BYTES)
    return str(path)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_creates_a_target_the_department_reports_and_the_rate_shows(
    pages: Any, live_server: Any, people: Any, axe: Any, phone: bool, tmp_path: Any
) -> None:
    from kaoping.goals.models import TargetReport

    campaign = people.campaign
    base = live_server.url
    organizer = pages.open(phone=phone)
    login(organizer, base, "organizer")
    click_and_wait(organizer, organizer.get_by_role("link", name="目标任务", exact=True))
    click_and_wait(organizer, organizer.get_by_role("link", name=campaign.name))
    click_and_wait(organizer, organizer.get_by_role("button", name="新建目标任务"))
    organizer.get_by_label("目标任务", exact=True).fill("招商引资")
    organizer.get_by_label("类别(可选)").fill("招商引资工作")
    organizer.get_by_label("目标值").fill("7800")
    organizer.get_by_label("计量单位").fill("万元")
    organizer.get_by_label("责任单位或处室").select_option(label="基础教育处")
    axe(organizer)
    _shot(organizer, "target-new", phone)
    click_and_wait(organizer, organizer.get_by_role("button", name="保存"))
    main = organizer.inner_text("main")
    assert "目标任务已保存" in main and "7800万元" in main and "未报送" in main

    scorer = pages.open(phone=phone)
    login(scorer, base, "scorer_x")
    scorer.goto(f"{base}/goals/{campaign.pk}/")
    assert "未报送" in scorer.inner_text("main")
    click_and_wait(scorer, scorer.get_by_role("link", name="招商引资"))
    scorer.get_by_label("截至日期").fill("2018-06-30")
    scorer.get_by_label("完成值(不知道就留空,显示为未报送)").fill("5310")
    scorer.get_by_label("说明(可选)").fill("引进省外资金")
    scorer.get_by_label("佐证材料(可选,PDF、图片或 Office 文件)").set_input_files(_pdf(tmp_path, "引资台账.pdf"))
    axe(scorer)
    click_and_wait(scorer, scorer.get_by_role("button", name="报送", exact=True))
    assert scorer.locator("#completion-rate").inner_text().strip() == "68.1%"
    main = scorer.inner_text("main")
    assert "完成情况已报送" in main and "5310万元" in main and "引资台账.pdf" in main
    assert TargetReport.objects.get().done == Decimal("5310")
    axe(scorer)
    _shot(scorer, "target-reported", phone)

    leader = pages.open(phone=phone)
    login(leader, base, "leader")
    leader.goto(f"{base}/goals/{campaign.pk}/")
    row = leader.get_by_role("row").filter(has_text="招商引资")
    assert "68.1%" in row.inner_text() and "5310万元" in row.inner_text()
    assert leader.get_by_role("button", name="新建目标任务").count() == 0  # leaders read
    axe(leader)
    _shot(leader, "overview", phone)
    with leader.expect_download() as info:
        leader.get_by_role("link", name="下载目标任务与重点工作情况表(Excel)").click()
    assert info.value.suggested_filename == f"{campaign.name}目标任务与重点工作.xlsx"
    from openpyxl import load_workbook

    saved = tmp_path / "goals.xlsx"
    info.value.save_as(saved)
    rows = list(load_workbook(saved).worksheets[0].iter_rows(values_only=True))
    assert any(row[2] == "招商引资" and row[6] == 5310 for row in rows)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_key_task_progress_with_evidence_and_the_dashboard(
    pages: Any, live_server: Any, people: Any, axe: Any, phone: bool, tmp_path: Any
) -> None:
    from kaoping.goals import demo, services
    from kaoping.goals.models import KeyTask, TaskStatus

    campaign = people.campaign
    organizer = people.users["organizer"]
    demo.load_examples(campaign, organizer)  # seeds 001 and 003: 7 areas, 29 tasks, 10 targets
    task = KeyTask.objects.get(area__campaign=campaign, number=5)
    task.lead = people.dept_x
    task.save()
    services.milestone_add(task=task, actor=organizer, name="出台实施方案", due_on=datetime.date(2022, 3, 31))
    base = live_server.url

    scorer = pages.open(phone=phone)
    login(scorer, base, "scorer_x")
    scorer.goto(f"{base}/goals/{campaign.pk}/")
    click_and_wait(scorer, scorer.get_by_role("link", name="学前教育抓普惠提质量"))
    assert "已超期" in scorer.inner_text("main")
    scorer.get_by_label("报送日期").fill("2022-06-30")
    scorer.get_by_label("状态").select_option(label="推进中")
    scorer.get_by_role("textbox", name="进展情况").fill("已印发学前教育质量提升三年行动计划")
    scorer.get_by_label("佐证材料(可选,PDF、图片或 Office 文件)").set_input_files(_pdf(tmp_path, "行动计划.pdf"))
    click_and_wait(scorer, scorer.get_by_role("button", name="报送进展"))
    main = scorer.inner_text("main")
    assert "进展已报送" in main and "行动计划.pdf" in main
    assert scorer.locator("#task-status").inner_text().startswith("推进中")
    click_and_wait(scorer, scorer.get_by_role("button", name="标记完成"))
    assert "节点已完成" in scorer.inner_text("main")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    axe(scorer)
    _shot(scorer, "task", phone)

    services.milestone_add(task=task, actor=organizer, name="开展督导检查", due_on=datetime.date(2022, 9, 30))
    leader = pages.open(phone=phone)
    problems = _watch_console(leader)
    login(leader, base, "leader")
    leader.goto(f"{base}/goals/{campaign.pk}/")
    click_and_wait(leader, leader.get_by_role("link", name="查看统计图表与超期提醒"))
    main = leader.inner_text("main")
    assert "重点工作 29 项" in main and "开展督导检查" in main
    for chart_id in ("goal-chart-0", "goal-chart-1", "goal-chart-2", "goal-chart-3"):
        _chart_drawn(leader, chart_id, phone)
    table = leader.get_by_role("table", name="目标任务完成率(按类别)")
    assert "68.1" not in table.inner_text()  # the category's mean: (18.0 + 68.1) / 2, missing left out
    assert "43.1" in table.inner_text() and "未报送" in main
    _no_csp_violation(leader)
    assert problems == []
    if phone:
        assert leader.evaluate("document.documentElement.scrollWidth") <= 390
    axe(leader)
    _shot(leader, "dashboard", phone)
