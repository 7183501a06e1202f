"""Starting next year's campaign in the browser: from this year's campaign page to next year's
draft, which says what it took over and links back. Desktop and 390×844 phone, with axe and
screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def organizer_signs_in(transactional_db: Any, cast: Any, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = cast.users["organizer"]
    user.set_password(PASSWORD)
    user.save()
    return cast.campaign


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"next-year-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_organizer_starts_next_years_campaign_from_this_years_page(
    pages: Any, live_server: Any, organizer_signs_in: Any, axe: Any, phone: bool
) -> None:
    from kaoping.campaigns.models import Campaign

    campaign = organizer_signs_in
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    click_and_wait(page, page.get_by_role("button", name="开始下一年度考核"))
    assert page.get_by_label("新考核名称").input_value() == "2025年度学校考核"
    assert "考核方案第 1 版" in page.inner_text("main")
    axe(page)
    _shot(page, "form", phone)

    click_and_wait(page, page.get_by_role("button", name="创建下一年度考核"))
    created = Campaign.objects.get(previous=campaign)
    assert page.url.endswith(f"/campaigns/{created.pk}/")
    main = page.inner_text("main")
    assert "下一年度考核已创建(草稿)" in main and "上一年度:2024年度学校考核" in main
    axe(page)
    _shot(page, "created", phone)

    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "已开始下一年度考核:2025年度学校考核" in page.inner_text("main")
