from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.assessments.conftest import PDF_BYTES, _fast_password_hasher, _media_root  # noqa: F401

from kaoping.goals import services
from kaoping.goals.models import KeyTask, Target, TaskArea

__all__ = ["PDF_BYTES"]


@pytest.fixture
def dept_target(campaign: Any, organizer: Any, dept_x: Any) -> Target:
    """招商引资 7800万元, owned by 基础教育处 (scorer_x)."""
    fields = services.TargetFields(name="招商引资", measure="万元", target_value=Decimal("7800"), department=dept_x)
    return services.target_save(campaign=campaign, actor=organizer, fields=fields)


@pytest.fixture
def unit_target(campaign: Any, organizer: Any, campaign_units: dict[str, Any]) -> Target:
    """新增学位 300 个, owned by school A (reporter_a)."""
    fields = services.TargetFields(
        name="新增学位", measure="个", target_value=Decimal("300"), unit=campaign_units["school_a"], area="办学条件"
    )
    return services.target_save(campaign=campaign, actor=organizer, fields=fields)


@pytest.fixture
def area(campaign: Any, organizer: Any) -> TaskArea:
    return services.area_save(campaign=campaign, actor=organizer, number=1, name="优化发展结构,推动教育质量提升")


@pytest.fixture
def key_task(campaign: Any, organizer: Any, area: TaskArea, dept_x: Any, dept_y: Any) -> KeyTask:
    """学前教育抓普惠提质量: led by 基础教育处 (scorer_x), supported by 督导室 (scorer_y)."""
    fields = services.TaskFields(area=area, title="学前教育抓普惠提质量", lead=dept_x, supporting=(dept_y,))
    return services.task_save(campaign=campaign, actor=organizer, fields=fields)
