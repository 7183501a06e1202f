"""Charts in Chromium: the 统计 page, a unit's result and the live-rating progress board draw their
ECharts SVG under the CSP (no violation reported), the numbers are in a table beside each chart,
a 390×844 phone fits the chart and scrolls the table in its own box. Axe, screenshots kept."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests.assessments.conftest import _media_root  # noqa: F401  (autouse: evidence under tmp)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login
from tests.results.test_charts import score_last_year, score_this_year


@pytest.fixture
def two_years(transactional_db: Any, cast: Any) -> Any:
    campaign = score_this_year(cast.campaign, cast.campaign_units, cast.users)
    score_last_year(campaign, cast.campaign_units, cast.users)
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    return campaign


def _watch_console(page: Any) -> list[str]:
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", console)
    # every violation of the page's CSP, as the page's own event reports it (the script goes in through
    # the DevTools protocol, which the CSP does not govern)
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));"
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _chart_drawn(page: Any, chart_id: str, phone: bool) -> None:
    svg = page.locator(f'[data-chart="{chart_id}"] svg')
    svg.wait_for(state="visible")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 150
    if phone:
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert svg.locator("path").count() > 0  # bars or a line were drawn, not an empty frame


def _no_csp_violation(page: Any) -> None:
    assert page.evaluate("window.__csp") == []


def _fits_the_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
    overflow = page.locator(".chart-table").first.evaluate("el => getComputedStyle(el).overflow")
    assert overflow == "auto"  # the table scrolls in its own box


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_stats_and_unit_pages_draw_their_charts_with_the_numbers_beside_them(
    two_years: Any, pages: Any, live_server: Any, cast: Any, axe: Any, phone: bool
) -> None:
    campaign = two_years
    unit = cast.campaign_units["school_a"]
    page = pages.open(phone=phone)
    problems = _watch_console(page)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/results/{campaign.pk}/")
    click_and_wait(page, page.get_by_role("link", name="统计图表(等次、分数分布与历年对比)"))
    assert "/stats/" in page.url
    click_and_wait(page, page.get_by_role("link", name="县(区)教育行政部门", exact=True))
    assert page.url.endswith("category=county"), page.url
    page.locator("[data-chart=chart-grades] svg").wait_for(state="visible")
    click_and_wait(page, page.get_by_role("link", name="学校", exact=True))
    assert page.url.endswith("category=school"), page.url
    for chart_id in ("chart-grades", "chart-histogram", "chart-years"):
        _chart_drawn(page, chart_id, phone)
    assert page.locator("[data-chart=chart-histogram] svg text", has_text="9–10").count() >= 1
    assert "学校历年平均总分" in page.locator("table caption").nth(2).inner_text()
    _no_csp_violation(page)
    if phone:
        _fits_the_phone(page)
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if phone else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"charts-stats-{name}.png"), full_page=True)

    page.goto(f"{live_server.url}/results/{campaign.pk}/unit/{unit.pk}/")
    for chart_id in ("chart-against", "chart-years"):
        _chart_drawn(page, chart_id, phone)
    years = page.locator("table", has=page.locator("caption", has_text="历年总分"))
    assert "2023年度学校考核" in years.inner_text() and "9.5" in years.inner_text()
    _no_csp_violation(page)
    if phone:
        _fits_the_phone(page)
    axe(page)
    page.locator(".unit-charts").screenshot(path=str(SCREENSHOTS / f"charts-unit-{name}.png"))
    assert not problems, problems  # a CSP violation is reported as a console error


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_progress_board_updates_by_itself_when_a_ballot_arrives(
    transactional_db: Any, pages: Any, live_server: Any, cast: Any, axe: Any, phone: bool
) -> None:
    from tests.ratings.conftest import issue, post_ballot, rating_scheme
    from tests.ratings.test_views import open_first, rater_client

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services

    campaign = cast.campaign
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    name = "立德树人述职测评会"
    session = services.session_create(campaign=campaign, actor=organizer, name=name, component_id="lide")
    raters = issue(session, [("甲", "leaders", None), ("乙", "heads", None), ("丙", "heads", None)])
    unit = open_first(session)
    assert post_ballot(rater_client(raters[0][1]), unit, "好", str(uuid.uuid4())).status_code == 201

    page = pages.open(phone=phone)
    problems = _watch_console(page)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/rating/sessions/{session.pk}/")
    click_and_wait(page, page.get_by_role("link", name="测评进度大屏"))
    assert page.url.endswith("/progress/"), page.url
    assert page.locator(".site-header").count() == 0
    _chart_drawn(page, "chart-progress", phone)
    name = unit.campaign_unit.organization.name
    row = page.locator("tr", has=page.locator("th", has_text=name))
    assert "1 / 3" in row.inner_text()
    assert post_ballot(rater_client(raters[1][1]), unit, "一般", str(uuid.uuid4())).status_code == 201
    page.locator("tr", has=page.locator("th", has_text=name)).filter(has_text="2 / 3").wait_for(state="visible")
    _chart_drawn(page, "chart-progress", phone)  # drawn again after the swap
    _no_csp_violation(page)
    if phone:
        _fits_the_phone(page)
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"charts-progress-{'phone' if phone else 'desktop'}.png"), full_page=True)
    assert not problems, problems
