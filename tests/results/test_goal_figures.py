"""Items scored from the campaign's own targets and key tasks (issue 14 §2: "an item's rule can read a
target's completion rate or a key task's status"), through the results pipeline: a report on the
goals pages changes the stored score; a blank report leaves the item missing, never 0."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import scheme_for
from kaoping.campaigns.models import SchemeVersion
from kaoping.goals import services as goals
from kaoping.goals.models import TaskStatus
from kaoping.results import services

pytestmark = pytest.mark.django_db

TARGET_RULE = {
    "kind": "ratio_to_target",
    "figure": "done",
    "target_figure": "target",
    "unit": "万元",
    "rounding": {"places": 2},
    "source": "target",
    "source_key": "招商引资",
}
TASK_RULE = {"kind": "threshold", "figure": "done", "standard": 1, "source": "key_task", "source_key": 1}
ON = datetime.date(2024, 11, 30)


@pytest.fixture
def sourced(open_campaign: Any, campaign_units: dict[str, Any], organizer: Any, dept_x: Any) -> Any:
    version = open_campaign.current_version()
    assert version is not None
    data = copy.deepcopy(version.data)
    children = data["components"][0]["indicators"][0]["children"]
    children[0]["rule"] = TASK_RULE  # 1.1, 3 points
    children[1]["rule"] = TARGET_RULE  # 1.2, 3 points
    SchemeVersion.objects.create(campaign=open_campaign, number=2, data=data, source_name="goals.yaml")
    unit = campaign_units["school_a"]
    target = goals.target_save(
        campaign=open_campaign,
        actor=organizer,
        fields=goals.TargetFields(name="招商引资", measure="万元", target_value=Decimal("7800"), unit=unit),
    )
    area = goals.area_save(campaign=open_campaign, actor=organizer, number=1, name="优化发展结构")
    task = goals.task_save(
        campaign=open_campaign,
        actor=organizer,
        fields=goals.TaskFields(area=area, title="学前教育抓普惠提质量", lead=dept_x),
    )
    return unit, target, task


def _submitted(unit: Any, reporter: Any) -> None:
    fill_unit(unit, reporter)
    assess_services.submission_submit(unit=unit, actor=reporter, scheme=scheme_for(unit.campaign))


def _items(unit: Any) -> dict[str, Any]:
    assert services.standings(unit.campaign).current
    result = services.stored_unit_result(unit)
    assert result is not None
    return {leaf.item_id: leaf for top in result.components[0].items for leaf in (top, *top.children)}


def test_seed_001s_target_5310_of_7800_scores_in_proportion_and_a_key_task_done_scores_full(
    sourced: Any, organizer: Any, reporter_a: Any
) -> None:
    unit, target, task = sourced
    goals.target_report(target=target, actor=organizer, on=ON, done=Decimal("5310"))
    goals.task_report(task=task, actor=organizer, on=ON, text="已完成普惠园认定", status=TaskStatus.DONE)
    _submitted(unit, reporter_a)
    items = _items(unit)
    assert items["1.2"].score == Decimal("2.04")  # 5310 / 7800 × 3 = 2.0423
    assert "目标任务“招商引资”:完成值 5310,目标值 7800,完成率 68.1%" in items["1.2"].explanation
    assert items["1.1"].score == Decimal(3)
    assert "重点工作第 1 项:是否完成 是" in items["1.1"].explanation


def test_a_blank_report_leaves_the_item_missing_and_a_later_report_fills_it(
    sourced: Any, organizer: Any, reporter_a: Any
) -> None:
    unit, target, _task = sourced
    goals.target_report(target=target, actor=organizer, on=ON, done=None)
    _submitted(unit, reporter_a)
    items = _items(unit)
    assert items["1.2"].score is None and items["1.2"].explanation.startswith("缺失")
    assert items["1.1"].score == Decimal(0)  # the key task is not done: the threshold gives 0
    goals.target_report(target=target, actor=organizer, on=ON + datetime.timedelta(days=1), done=Decimal("7800"))
    assert _items(unit)["1.2"].score == Decimal(3)


def test_a_unit_without_that_target_has_the_item_missing(sourced: Any, campaign_units: Any, reporter_b: Any) -> None:
    other = campaign_units["school_b"]
    _submitted(other, reporter_b)
    item = _items(other)["1.2"]
    assert item.score is None and "目标任务“招商引资”中没有这个单位的记录" in item.explanation
