"""The inbox (消息): the header counts unread reminders; the list shows them, opening one goes to its page and
marks it read, 全部标为已读 clears the count. Desktop and a 390×844 phone, axe, screenshots kept."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def reminded(transactional_db: Any, cast: Any, settings: Any) -> Any:
    """School A's reporter with a phase opening and a deadline reminder (the scan with a fake clock)."""
    from kaoping.campaigns import services as campaigns
    from kaoping.campaigns.models import Phase, PhaseDeadline
    from kaoping.inbox import scanners

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    reporter = cast.users["reporter_a"]
    reporter.set_password(PASSWORD)
    reporter.save()
    campaign = cast.campaign
    campaigns.campaign_set_phase(
        campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=cast.users["organizer"]
    )
    deadline = timezone.now() + datetime.timedelta(days=2, hours=5)
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.SELF_ASSESSMENT, deadline=deadline)
    scanners.scan(timezone.now())
    return reporter


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_inbox_counts_lists_opens_and_clears(pages: Any, live_server: Any, reminded: Any, axe: Any, phone: bool):
    page = pages.open(phone=phone)
    login(page, live_server.url, "reporter_a")
    count = page.locator(".site-header .nav-count")
    assert count.inner_text().startswith("2")
    axe(page)
    link = page.locator(".site-header a[href='/inbox/']")
    assert " ".join(link.inner_text().split()).startswith("消息 2")
    click_and_wait(page, link)
    assert page.url.endswith("/inbox/")
    assert page.get_by_role("heading", name="消息").is_visible()
    assert "2 条未读" in page.inner_text("main")
    deadline = page.get_by_role("button", name=re.compile("^「2024年度学校考核」“单位自评”将于"))
    assert deadline.count() == 1 and "(东湖第一中学)" in deadline.inner_text()
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kind = "phone" if phone else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"inbox-{kind}.png"), full_page=True)
    if phone:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the inbox scrolls sideways on a phone ({width}px)"

    click_and_wait(page, deadline)  # opens the unit's self-assessment page and marks the message read
    assert "/assess/" in page.url
    assert page.locator(".site-header .nav-count").inner_text().startswith("1")
    page.goto(f"{live_server.url}/inbox/?show=read")
    assert "将于" in page.inner_text("main")
    page.goto(f"{live_server.url}/inbox/")
    click_and_wait(page, page.get_by_role("button", name="全部标为已读"))
    assert page.locator(".site-header .nav-count").count() == 0
    assert "没有未读消息" in page.inner_text("main")
    axe(page)
    page.screenshot(path=str(SCREENSHOTS / f"inbox-read-{kind}.png"), full_page=True)
