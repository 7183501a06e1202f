"""An organizer sets the campaign's own reminder days on the campaign page; a bad value is refused
with the reason. Desktop and 390×844 phone, with axe and screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import click_and_wait, login
from tests.browser.test_next_year import organizer_signs_in  # noqa: F401  (the fixture)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_sets_the_campaigns_reminder_days(
    pages: Any,
    live_server: Any,
    organizer_signs_in: Any,  # noqa: F811  (the fixture imported above)
    axe: Any,
    phone: bool,
) -> None:
    campaign = organizer_signs_in
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.locator("summary", has_text="设置截止时间与提醒").click()
    page.get_by_label("截止前提醒天数").fill("0,3")
    click_and_wait(page, page.get_by_role("button", name="保存截止时间"))
    assert "截止前提醒天数:提醒天数“0”应为 1 到 30 之间的整数" in page.inner_text("main")
    page.locator("summary", has_text="设置截止时间与提醒").click()
    page.get_by_label("截止前提醒天数").fill("7,3,1")
    click_and_wait(page, page.get_by_role("button", name="保存截止时间"))
    assert "截止前提醒天数已改为:7,3,1" in page.inner_text("main")
    page.locator("summary", has_text="设置截止时间与提醒").click()
    assert page.get_by_label("截止前提醒天数").input_value() == "7,3,1"
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"reminder-days-{'phone' if phone else 'desktop'}.png"
    page.screenshot(path=str(path), full_page=True)
