"""The charts of the results pages: exact bins and averages from stored results (missing left out
and said so), the 统计 page per category, a unit against its category, and year over year."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services
from kaoping.engine.results import ComponentResult, UnitResult
from kaoping.results import charts, figures


def _unit(total: str | None, grade: str | None = None, scores: dict[str, str | None] | None = None) -> UnitResult:
    components = tuple(
        ComponentResult(cid, cid, Decimal(s) if s is not None else None, Decimal(50), "")
        for cid, s in (scores or {}).items()
    )
    return UnitResult(
        unit_id="1",
        name="单位",
        category="school",
        total=Decimal(total) if total is not None else None,
        max=Decimal(100),
        grade=grade,
        stars=None,
        rank=None,
        components=components,
    )


def test_histogram_bins_are_exact_tenths_of_the_maximum_and_the_last_holds_the_maximum() -> None:
    units = [_unit("0"), _unit("9.99"), _unit("10"), _unit("95"), _unit("100"), _unit(None)]
    chart = charts.score_histogram(units, Decimal(100), "分布")
    assert chart.labels[0] == "0–10" and chart.labels[-1] == "90–100" and len(chart.labels) == 10
    assert chart.series[0].values == (2, 1, 0, 0, 0, 0, 0, 0, 0, 2)
    assert "1 个单位缺总分,未计入" in chart.note  # missing is never counted as 0


def test_histogram_labels_stay_exact_for_an_odd_maximum_and_bonus_totals_get_their_own_band() -> None:
    chart = charts.score_histogram([_unit("96"), _unit("-1"), _unit("3.3")], Decimal(95), "分布")
    assert chart.labels[:3] == ("低于 0", "0–9.5", "9.5–19")
    assert chart.labels[-1] == "高于 95" and chart.series[0].values[-1] == 1
    assert sum(v for v in chart.series[0].values if isinstance(v, int)) == 3


def test_grade_counts_follow_the_schemes_bands_then_units_without_a_grade() -> None:
    units = [_unit("90", "优秀"), _unit("70", "合格"), _unit("71", "合格"), _unit(None)]
    chart = charts.grade_counts(units, ["优秀", "良好", "合格"], "等次")
    assert chart.labels == ("优秀", "良好", "合格", "无等次")
    assert chart.series[0].values == (1, 0, 2, 1)
    assert chart.rows[1] == ["良好", "0"]


def test_mean_rounds_half_up_exactly() -> None:
    assert charts.mean([Decimal("1.005"), Decimal("1.005")]) == Decimal("1.01")  # banker's rounding would give 1.00
    assert charts.mean([Decimal("1"), Decimal("2"), Decimal("2")]) == Decimal("1.67")
    assert charts.mean([]) is None


def test_component_averages_leave_out_missing_scores_and_count_them() -> None:
    units = [_unit("1", scores={"a": "40", "b": None}), _unit("1", scores={"a": "45.5", "b": "30"})]
    averages = charts.component_averages(units, [("a", "甲", Decimal(50)), ("b", "乙", Decimal(50))])
    assert [(a.average, a.counted, a.missing) for a in averages] == [(Decimal("42.75"), 2, 0), (Decimal("30"), 1, 1)]
    chart = charts.unit_against_category(units[0], averages, "学校")
    assert chart.rows[1][:3] == ["乙", "缺失", "30"]
    assert chart.data()["series"][0]["values"] == ["40", None]  # missing is null, not 0
    assert "1 个单位缺该部分得分,未计入" in chart.note


def test_title_stem_drops_the_year() -> None:
    assert figures.title_stem("2025年度学校考核") == figures.title_stem("2024年度学校考核") == "学校考核"
    assert figures.title_stem("九江2024考核") == "九江考核"


def score_this_year(campaign: Any, units: dict[str, Any], users: dict[str, Any]) -> Any:
    """School A submits 3 + 2.5 + 4 = 9.5; school B only a draft (its total is missing)."""
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Phase

    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    fill_unit(units["school_a"], users["reporter_a"])
    services.submission_submit(unit=units["school_a"], actor=users["reporter_a"], scheme=scheme_for(campaign))
    fill_unit(units["school_b"], users["reporter_b"])
    return stored(campaign)


def score_last_year(campaign: Any, units: dict[str, Any], users: dict[str, Any]) -> Any:
    """The same bureau's 2023 campaign of the same scheme: school A scored 3 + 2 + 4 = 9 there."""
    from kaoping.assessments.selectors import item_ref, scheme_for
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion

    version = campaign.current_version()
    old = Campaign.objects.create(owner=campaign.owner, name="2023年度学校考核", year=2023, phase=Phase.SELF_ASSESSMENT)
    SchemeVersion.objects.create(campaign=old, number=1, data=version.data, source_name="small.yaml")
    old_units = {
        key: CampaignUnit.objects.create(campaign=old, organization=cu.organization, category=cu.category)
        for key, cu in units.items()
    }
    reporter = users["reporter_a"]
    fill_unit(old_units["school_a"], reporter)
    item = item_ref(scheme_for(old), "school", "1.2").item
    data = services.EntryInput(self_score="2")
    services.entry_save(unit=old_units["school_a"], item=item, actor=reporter, version=1, data=data)
    services.submission_submit(unit=old_units["school_a"], actor=reporter, scheme=scheme_for(old))
    return stored(old)


def stored(campaign: Any) -> Any:
    """The campaign's result stored and current: done by the inline task backend of these tests, or
    (browser tests queue their tasks) by running the queued job as a worker would."""
    from kaoping.results import services as results
    from kaoping.results import tasks

    shown = results.standings(campaign)
    if not shown.current:
        assert shown.job is not None, shown
        tasks.recompute_standings.call(shown.job.pk)
    assert results.standings(campaign).current
    return campaign


@pytest.fixture
def scored(open_campaign: Any, cast: Any) -> Any:
    return score_this_year(open_campaign, cast.campaign_units, cast.users)


@pytest.fixture
def earlier(scored: Any, cast: Any) -> Any:
    return score_last_year(scored, cast.campaign_units, cast.users)


def _table(html: str, caption: str) -> str:
    return html.split(f"<caption>{caption}</caption>")[1].split("</table>")[0]


def test_stats_page_shows_grade_and_score_distribution_with_the_numbers_in_tables(
    scored: Any, client_for: Any, organizer: Any
) -> None:
    url = reverse("results:stats", args=[scored.pk])
    html = client_for(organizer).get(url, {"category": "school"}).content.decode()
    assert 'data-chart="chart-grades"' in html and '<script id="chart-grades" type="application/json">' in html
    histogram = _table(html, "学校总分分布")
    assert '<th scope="row">9–10</th><td class="num">1</td>' in histogram  # 9.5 of 10: school A
    assert "1 个单位缺总分,未计入" in html  # school B's draft
    data = json.loads(html.split('<script id="chart-histogram" type="application/json">')[1].split("</script>")[0])
    assert data["labels"][-1] == "9–10" and data["series"][0]["values"][-1] == 1
    assert "无往年数据" in html
    assert (
        reverse("results:stats", args=[scored.pk])
        in client_for(organizer).get(reverse("results:standings", args=[scored.pk])).content.decode()
    )


def test_stats_page_is_404_for_a_unit_and_for_another_bureau(
    scored: Any, client_for: Any, reporter_a: Any, other_organizer: Any
) -> None:
    url = reverse("results:stats", args=[scored.pk])
    assert client_for(reporter_a).get(url).status_code == 404
    assert client_for(other_organizer).get(url).status_code == 404


def test_unit_result_shows_its_components_against_the_category_average(
    scored: Any, client_for: Any, organizer: Any, unit_a: Any
) -> None:
    html = client_for(organizer).get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).content.decode()
    table = _table(html, "各部分得分与学校平均")
    assert "本单位" in table and "类别平均" in table and "计入平均的单位数" in table
    assert "无往年数据" in html


def test_year_over_year_shows_the_earlier_campaign_for_the_unit_and_the_category(
    earlier: Any, scored: Any, client_for: Any, organizer: Any, unit_a: Any
) -> None:
    client = client_for(organizer)
    unit_html = client.get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).content.decode()
    years = _table(unit_html, "东湖第一中学历年总分")
    assert years.index('<th scope="row">2023</th><td class="num">9</td>') < years.index(
        '<th scope="row">2024</th><td class="num">9.5</td>'
    )
    assert "2023年度学校考核" in years
    stats = client.get(reverse("results:stats", args=[scored.pk]), {"category": "school"}).content.decode()
    category = _table(stats, "学校历年平均总分")
    # 2023: school A 9, school B no total; 2024: school A 9.5, school B a draft
    assert '<th scope="row">2023</th><td class="num">9</td>' in category
    assert '<th scope="row">2024</th><td class="num">9.5</td>' in category


def test_a_unit_sees_earlier_years_only_where_its_result_was_published(
    earlier: Any, scored: Any, client_for: Any, reporter_a: Any, unit_a: Any
) -> None:
    scored.results_published = True
    scored.save()
    client = client_for(reporter_a)
    html = client.get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).content.decode()
    assert "无往年数据" in html  # 2023 is not published
    earlier.results_published = True
    earlier.save()
    html = client.get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).content.decode()
    assert "2023年度学校考核" in _table(html, "东湖第一中学历年总分")


def test_the_category_average_follows_a_change_of_the_stored_result(
    scored: Any, client_for: Any, organizer: Any, reviewer: Any, unit_a: Any, scheme: Any
) -> None:
    from kaoping.assessments.selectors import item_ref

    client = client_for(organizer)
    url = reverse("results:unit_result", args=[scored.pk, unit_a.pk])
    row = '<th scope="row">重点工作考核</th><td class="num">{}</td><td class="num">{}</td>'
    assert row.format("9.5", "9.5") in _table(client.get(url).content.decode(), "各部分得分与学校平均")
    item = item_ref(scheme, "school", "1.2").item
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="2", reason="德育活动记录不全")
    stored(scored)
    assert row.format("9", "9") in _table(client.get(url).content.decode(), "各部分得分与学校平均")
