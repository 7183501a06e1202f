"""目标任务与重点工作 as Excel: the overview's figures, exactly; a blank report reads 缺, never 0; units
get their own targets only and no key-task sheet."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kaoping.goals import services

pytestmark = pytest.mark.django_db


def _sheets(client: Any, user: Any, campaign: Any) -> dict[str, list[tuple[Any, ...]]]:
    client.force_login(user)
    response = client.get(reverse("goals:xlsx", args=[campaign.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _row(rows: list[tuple[Any, ...]], name: str) -> tuple[Any, ...]:
    return next(row for row in rows if any(isinstance(v, str) and v.startswith(name) for v in row))


def test_seed_001s_targets_and_a_key_task_are_filed_with_exact_rates_and_missing_as_缺(
    client: Any, campaign: Any, organizer: Any, dept_target: Any, unit_target: Any, key_task: Any
) -> None:
    services.target_report(target=dept_target, actor=organizer, on=datetime.date(2024, 11, 30), done=Decimal("5310"))
    services.target_report(target=unit_target, actor=organizer, on=datetime.date(2024, 11, 30), done=None)
    sheets = _sheets(client, organizer, campaign)
    assert list(sheets) == ["目标任务", "重点工作"]
    investment = _row(sheets["目标任务"], "招商引资")
    assert investment[4:9] == ("万元", 7800, 5310, pytest.approx(0.681), "2024-11-30")
    places = _row(sheets["目标任务"], "新增学位")
    assert places[6:8] == ("缺", "缺")
    task = _row(sheets["重点工作"], "学前教育抓普惠提质量")
    assert task[3] == "基础教育处" and task[4] == "督导室" and task[5] == "未开始"


def test_a_units_reporter_gets_only_its_own_targets_and_no_key_tasks(
    client: Any, campaign: Any, reporter_a: Any, reporter_b: Any, unit_target: Any, dept_target: Any, key_task: Any
) -> None:
    own = _sheets(client, reporter_a, campaign)
    assert list(own) == ["目标任务"]
    text = str(own["目标任务"])
    assert "新增学位" in text and "招商引资" not in text
    assert "新增学位" not in str(_sheets(client, reporter_b, campaign)["目标任务"])
