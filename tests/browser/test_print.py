"""Printing (static/css/print.css): the standings, a unit's result and an explanation print on A4
with the page title and the campaign's name, without the site header, breadcrumbs, buttons or
forms, and tables at full width with their header row repeated. Checked in Chromium's print media
and in the PDF it makes, whose pages are rendered to PNG and looked at."""

from __future__ import annotations

from typing import Any

import pytest
from tests.assessments.conftest import _media_root  # noqa: F401  (autouse: evidence under tmp)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, login
from tests.results.test_charts import score_this_year


@pytest.fixture
def scored(transactional_db: Any, cast: Any) -> Any:
    campaign = score_this_year(cast.campaign, cast.campaign_units, cast.users)
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    return campaign


def _printed(page: Any, name: str, title: str, campaign: str) -> str:
    """Switch to print media, check what is hidden and shown, save a screenshot and the PDF's pages."""
    page.emulate_media(media="print")
    for hidden in (".site-header", ".breadcrumbs", "form", "button", "body > footer"):
        for i in range(page.locator(hidden).count()):
            assert not page.locator(hidden).nth(i).is_visible(), f"{hidden} is printed on {page.url}"
    headings = page.locator("main :is(h1, .print-campaign)")
    assert headings.filter(has_text=title).first.is_visible(), f"{title} is not printed"
    assert headings.filter(has_text=campaign).first.is_visible(), f"{campaign} is not printed"
    for table in page.locator("main table").all():
        main_width = page.locator("main").evaluate("el => el.clientWidth")
        assert table.evaluate("el => el.getBoundingClientRect().width") >= main_width - 2
        if table.locator("thead").count():
            assert table.locator("thead").evaluate("el => getComputedStyle(el).display") == "table-header-group"
        assert table.locator("tr").first.evaluate("el => getComputedStyle(el).breakInside") == "avoid"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"print-{name}.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=False)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points (210 × 297 mm)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document[0].render(scale=1.5).to_pil().save(SCREENSHOTS / f"print-{name}-pdf-page1.png")
    assert "退出" not in text and "跳到正文" not in text  # no header, no skip link
    page.emulate_media(media="screen")
    return text


def test_standings_unit_result_and_explanation_print_without_navigation(
    scored: Any, pages: Any, live_server: Any, cast: Any
) -> None:
    campaign = scored
    unit = cast.campaign_units["school_a"]
    page = pages.open()
    login(page, live_server.url, "organizer")

    page.goto(f"{live_server.url}/results/{campaign.pk}/?category=school")
    assert page.locator(".site-header").is_visible()  # on screen it is there
    text = _printed(page, "standings", "排名与结果", campaign.name)
    assert "东湖第一中学" in text and "名次" in text and campaign.name in text

    page.goto(f"{live_server.url}/results/{campaign.pk}/unit/{unit.pk}/")
    page.locator("[data-chart=chart-against] svg").wait_for(state="visible")
    text = _printed(page, "unit-result", "东湖第一中学", campaign.name)
    assert "总分" in text and "各部分得分与学校平均" in text

    page.goto(f"{live_server.url}/results/{campaign.pk}/unit/{unit.pk}/explain/")
    assert not page.locator(".print-only").is_visible()  # the printed heading is for paper only
    text = _printed(page, "explain", "计分说明", campaign.name)
    assert "东湖第一中学" in text and campaign.name in text
