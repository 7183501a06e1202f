"""提醒记录 in the browser: the organizer opens it from the 用户 area, sees the reminders a deadline scan
sent with each channel's result, and narrows it to failed deliveries. Desktop and 390×844 phone,
axe, screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_inbox import reminded  # noqa: F401  (the fixture)
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_reads_the_reminders_sent_and_finds_the_failed_ones(
    pages: Any,
    live_server: Any,
    reminded: Any,  # noqa: F811  (the fixture imported above)
    cast: Any,
    axe: Any,
    phone: bool,
) -> None:
    from kaoping.inbox.models import Delivery, Message

    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    failed = Message.objects.filter(recipient=reminded).order_by("pk").last()
    assert failed is not None
    Delivery.objects.create(message=failed, channel="email", ok=False, error="收件人没有登记电子邮箱,未发送邮件")

    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/orgs/users/")
    click_and_wait(page, page.get_by_role("link", name="提醒记录"))
    main = page.inner_text("main")
    assert "截止提醒" in main and "站内消息:已送达,未读" in main
    assert "电子邮件:发送失败:收件人没有登记电子邮箱,未发送邮件" in main
    axe(page)
    page.get_by_label("送达情况").select_option("failed")
    click_and_wait(page, page.get_by_role("button", name="查找"))
    assert "共 1 条提醒" in page.inner_text("main")
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reminder-log-{'phone' if phone else 'desktop'}.png"), full_page=True)
