"""Standings at scale: search by unit name, sort by rank / total / name, pages, and one "缺 n 项数据"
per unit instead of a badge per missing item."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services
from kaoping.results import views


@pytest.fixture
def scored(open_campaign: Any, unit_a: Any, unit_b: Any, scheme: Any, reporter_a: Any, reporter_b: Any) -> Any:
    """School A submitted; school B only a draft, so every one of its items is missing."""
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    fill_unit(unit_b, reporter_b)
    return open_campaign


def _table(body: bytes) -> str:
    return body.decode().split('class="compact standings"')[1].split("</table>")[0]


def test_search_sort_and_one_missing_data_summary_per_unit(
    scored: Any, client_for: Any, organizer: Any, unit_b: Any
) -> None:
    client = client_for(organizer)
    url = reverse("results:standings", args=[scored.pk])
    rows = _table(client.get(url, {"category": "school"}).content)
    assert rows.index("东湖第一中学") < rows.index("西湖第二中学")  # by rank
    assert rows.count("缺 3 项数据") == 1 and "缺数据" not in rows
    assert reverse("results:unit_result", args=[scored.pk, unit_b.pk]) in rows
    by_name = _table(client.get(url, {"category": "school", "sort": "name"}).content)
    assert by_name.index("东湖第一中学") < by_name.index("西湖第二中学")
    by_total = _table(client.get(url, {"category": "school", "sort": "total"}).content)
    assert by_total.index("东湖第一中学") < by_total.index("西湖第二中学")  # a missing total goes last
    found = client.get(url, {"category": "school", "q": "西湖"}).content.decode()
    assert "找到 1 个单位(本类别共 2 个)" in found and "东湖第一中学" not in _table(found.encode())
    assert "没有符合条件的单位" in client.get(url, {"category": "school", "q": "不存在"}).content.decode()


def test_standings_pages_keep_category_search_and_sort(
    scored: Any, client_for: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = client_for(organizer)
    url = reverse("results:standings", args=[scored.pk])
    first = client.get(url, {"category": "school", "sort": "name"}).content.decode()
    assert "第 1 / 2 页" in first and "category=school&amp;sort=name&amp;page=2" in first
    second = _table(client.get(url, {"category": "school", "sort": "name", "page": 2}).content)
    assert "西湖第二中学" in second and "东湖第一中学" not in second


def test_flag_summary_counts_each_kind_once() -> None:
    from kaoping.engine.results import Flag, FlagCode

    flags = [Flag(FlagCode.MISSING_INPUT, f"缺少{n}") for n in range(54)] + [Flag(FlagCode.VETO, "一票否决")]
    summary = views._flag_summary(flags)
    assert [(s["code"], s["count"]) for s in summary] == [("missing_input", 54), ("veto", 1)]


def test_a_recused_organizer_does_not_see_the_unit_in_the_standings(
    scored: Any, client_for: Any, organizer: Any, unit_b: Any
) -> None:
    client = client_for(organizer)
    url = reverse("results:standings", args=[scored.pk])
    assert "西湖第二中学" in _table(client.get(url, {"category": "school"}).content)
    services.recusal_add(unit=unit_b, user=organizer, actor=organizer, reason="曾任该校校长")
    page = client.get(url, {"category": "school"}).content
    assert "西湖第二中学" not in _table(page) and "东湖第一中学" in _table(page)
    assert "本类别共 1 个单位" in page.decode()
