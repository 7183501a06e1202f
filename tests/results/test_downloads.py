# ruff: noqa: F811  (scored, session: fixtures imported from the standings-list and live-rating tests)
"""Downloading the Excel tables from the stored result: who may, what they hold, and while stale."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.ratings.conftest import issue, make_session, rating_campaign, session, submit  # noqa: F401
from tests.results.test_standings_list import scored  # noqa: F401  (school A submitted, school B a draft)

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import item_ref
from kaoping.campaigns.models import Phase
from kaoping.results import compute, services, tasks

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _url(campaign: Any, table: str) -> str:
    return reverse("results:table_xlsx", args=[campaign.pk, table])


def _book(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def test_organizer_downloads_the_ranking_table_with_its_chinese_file_name(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, unit_a: Any, unit_b: Any
) -> None:
    response = client_for(organizer).get(_url(scored, "summary"))
    book = _book(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = quote(f"{scored.name}考核结果汇总表.xlsx")
    assert f"filename*=utf-8''{encoded}".lower() in disposition.lower()
    assert "no-store" in response["Cache-Control"]
    assert book.sheetnames == ["汇总表-县(区)教育行政部门", "汇总表-学校"]
    school = book["汇总表-学校"]
    assert scored.name in school["A1"].value and school["A1"].value.endswith("结果汇总表(学校)")
    assert scored.owner.name in school["A2"].value
    total_column = next(c for c in range(1, school.max_column + 1) if str(school.cell(3, c).value).startswith("总分"))
    rows = {school.cell(row, 2).value: school.cell(row, total_column).value for row in range(5, school.max_row + 1)}
    assert set(rows) == {unit_a.organization.name, unit_b.organization.name}
    totals = list(rows.values())
    assert 9.5 in totals and "缺" in totals  # school B's draft does not count: 缺, never 0


def test_the_detail_table_has_every_item_of_every_unit(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, scheme: Any
) -> None:
    book = _book(client_for(organizer).get(_url(scored, "detail")))
    sheet = book["明细表-学校"]
    heads = [sheet.cell(4, column).value or "" for column in range(1, sheet.max_column + 1)]
    for item_id in ("1.1", "1.2", "2"):
        assert any(head.startswith(f"{item_id} ") for head in heads), heads
    values = [[sheet.cell(row, c).value for c in range(1, sheet.max_column + 1)] for row in (5, 6)]
    scored_row = next(v for v in values if 9.5 in v)
    assert 3 in scored_row and 2.5 in scored_row and 4 in scored_row
    missing_row = next(v for v in values if v is not scored_row)
    assert missing_row.count("缺") >= 3 and 0 not in missing_row[2:]


def test_the_rating_table_names_rater_groups_in_chinese_with_their_ballots_and_averages(
    session: Any,
    client_for: Callable[[Any], Any],
    organizer: Any,
) -> None:
    from kaoping.ratings import services as ratings
    from kaoping.ratings.models import SessionUnit

    ratings.session_go_live(session=session, actor=organizer)
    units = list(SessionUnit.objects.filter(session=session).select_related("campaign_unit"))
    for unit in units:
        ratings.unit_open(session=session, session_unit=unit)
    raters = issue(session, [("张局长", "leaders", None), ("李局长", "leaders", None), ("王处长", "heads", None)])
    for (credential, token), grade in zip(raters, ("好", "良好", "较好"), strict=True):
        submit(credential, token, units[0], grade)
    ratings.session_close(session=session, actor=organizer)  # a closed session's ballots count
    campaign = session.campaign
    book = _book(client_for(organizer).get(_url(campaign, "rating"), {"component": "lide"}))
    sheet = book.worksheets[0]
    assert sheet.title == "测评-立德树人述职测评"
    header = " ".join(str(sheet.cell(3, c).value or "") for c in range(1, sheet.max_column + 1))
    assert "局领导(权重50%)" in header and "处室负责人(权重25%)" in header and "县区(学校)(权重25%)" in header
    assert "leaders" not in header and "heads" not in header
    assert sheet.max_row == 4 + 4  # every unit of both categories takes the rating
    row = {sheet.cell(5, 3).value: [sheet.cell(5, c).value for c in range(1, sheet.max_column + 1)]}
    name = units[0].campaign_unit.organization.name
    assert name in row, row
    values = row[name]
    assert values[3:5] == [2, 95]  # 局领导: 2 ballots, (100 + 90) / 2
    assert values[6:8] == [1, 80]  # 处室负责人: 1 ballot
    assert values[9] == 0 and values[10] == "缺"  # 县区(学校): no ballot, its mean is 缺 (never 0)
    assert (values[5], values[8], values[11]) == (66.67, 33.33, 0)  # weights renormalised over the groups voting
    assert values[-2:] == [90, 90]  # weighted mean on the scale, and the score on the component's points


def test_a_scheme_without_live_rating_has_no_rating_table(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any
) -> None:
    client = client_for(organizer)
    assert client.get(_url(scored, "rating")).status_code == 404
    assert client.get(_url(scored, "nonsense")).status_code == 404
    page = client.get(reverse("results:standings", args=[scored.pk])).content.decode()
    assert _url(scored, "summary") in page and _url(scored, "detail") in page
    assert _url(scored, "rating") not in page


def test_the_standings_page_links_the_rating_table_of_a_rating_component(
    rating_campaign: Any,
    campaign_units: Any,
    client_for: Callable[[Any], Any],
    organizer: Any,
) -> None:
    page = client_for(organizer).get(reverse("results:standings", args=[rating_campaign.pk])).content.decode()
    assert f"{_url(rating_campaign, 'rating')}?component=lide" in page
    assert "立德树人述职测评分组统计表" in page


@pytest.mark.parametrize("table", ["summary", "detail"])
def test_only_those_who_see_the_standings_may_download(
    scored: Any, client_for: Callable[[Any], Any], reporter_a: Any, other_organizer: Any, table: str
) -> None:
    assert client_for(reporter_a).get(_url(scored, table)).status_code == 404
    assert client_for(other_organizer).get(_url(scored, table)).status_code == 404
    anonymous = client_for(None).get(_url(scored, table))
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_while_the_result_is_recomputed_the_download_waits_with_a_chinese_notice(
    scored: Any,
    client_for: Callable[[Any], Any],
    organizer: Any,
    unit_a: Any,
    scheme: Any,
    reviewer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compute.recompute(scored)
    monkeypatch.setattr(services, "recompute_standings", tasks.recompute_standings.using(backend="queue_only"))
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    response = client_for(organizer).get(_url(scored, "summary"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "正在重新计算" in response.content.decode()


def test_an_archived_campaign_can_still_be_downloaded(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any
) -> None:
    client = client_for(organizer)
    assert client.get(_url(scored, "summary")).status_code == 200
    scored.phase = Phase.ARCHIVED
    scored.save()
    book = _book(client.get(_url(scored, "summary")))
    assert "汇总表-学校" in book.sheetnames
