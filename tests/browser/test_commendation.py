"""表彰名单 in the browser: the organizer draws up 前 1 名 of the schools from final results, sees the
tie on the boundary, excludes one unit with a reason, approves and publishes; a school's reporter
then reads the published list. Desktop and 390×844 phone, with axe and screenshots."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def final(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    """Both schools submitted (9.5 each, tied 1st), the counties without a total, results final."""
    from django.utils import timezone
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments import services
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns import services as campaigns
    from kaoping.campaigns.models import Campaign, Phase
    from kaoping.publication import services as publication
    from kaoping.publication.models import PublishedVersion

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    for name in ("organizer", "reporter_a"):
        user = cast.users[name]
        user.set_password(PASSWORD)
        user.save()
    campaign = cast.campaign
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.SELF_ASSESSMENT)
    campaign.refresh_from_db()
    scheme = scheme_for(campaign)
    for key, reporter in (("school_a", "reporter_a"), ("school_b", "reporter_b")):
        unit = cast.campaign_units[key]
        unit.campaign.refresh_from_db()
        fill_unit(unit, cast.users[reporter])
        services.submission_submit(unit=unit, actor=cast.users[reporter], scheme=scheme)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    campaign.refresh_from_db()
    today = timezone.localdate()
    organizer = cast.users["organizer"]
    publication.publish(campaign=campaign, actor=organizer, notice_start=today, notice_end=today)
    PublishedVersion.objects.update(
        notice_start=today - datetime.timedelta(days=10), notice_end=today - datetime.timedelta(days=4)
    )
    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.NOTICE, target=Phase.FINAL, actor=organizer)
    return Campaign.objects.get(pk=campaign.pk)


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"commendation-{name}-{'phone' if phone else 'desktop'}.png"
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_list_is_drawn_up_a_tie_decided_approved_published_and_read_by_a_unit(
    pages: Any, live_server: Any, final: Any, cast: Any, axe: Any, phone: bool
) -> None:
    from kaoping.commendation.models import CommendationList, ListState

    base = live_server.url
    school_a = cast.campaign_units["school_a"].organization.name
    school_b = cast.campaign_units["school_b"].organization.name
    page = pages.open(phone=phone)
    login(page, base, "organizer")
    page.goto(f"{base}/campaigns/{final.pk}/")
    click_and_wait(page, page.get_by_role("link", name="表彰名单"))
    page.get_by_label("名单标题").fill("2024年度考核优秀单位")
    page.get_by_label("各类别前 N 名", exact=True).check()
    page.get_by_label("各类别前 N 名(统一的 N)").fill("1")
    page.get_by_label("学校", exact=True).check()
    axe(page)
    _shot(page, "new", phone)
    click_and_wait(page, page.get_by_role("button", name="拟定名单草稿"))
    main = page.inner_text("main")
    assert "名次并列,待定" in main and school_a in main and school_b in main and "9.50" in main
    axe(page)
    _shot(page, "tied", phone)

    click_and_wait(page, page.get_by_role("button", name="审批名单"))
    assert "名次并列待定" in page.inner_text("main")  # refused, with the reason
    tied = page.locator("section", has=page.get_by_role("heading", name="名次并列,待定"))
    tied.locator("summary", has_text=f"排除 {school_b}").click()
    tied.get_by_role("textbox", name="理由").locator("visible=true").fill("年内发生安全责任事故")
    click_and_wait(page, tied.get_by_role("button", name="确认排除").locator("visible=true"))
    main = page.inner_text("main")
    assert "已记录决定" in main and "手工排除" in main and "年内发生安全责任事故" in main
    assert "名单(1 个单位)" in main

    click_and_wait(page, page.get_by_role("button", name="审批名单"))
    assert "名单已审批" in page.inner_text("main")
    click_and_wait(page, page.get_by_role("button", name="发布名单"))
    main = page.inner_text("main")
    assert "名单已发布" in main and "审批" in main
    assert CommendationList.objects.get().state == ListState.PUBLISHED
    axe(page)
    _shot(page, "published", phone)

    reporter = pages.open(phone=phone)
    login(reporter, base, "reporter_a")
    reporter.goto(f"{base}/campaigns/{final.pk}/")
    click_and_wait(reporter, reporter.get_by_role("link", name="表彰名单"))
    click_and_wait(reporter, reporter.get_by_role("link", name="2024年度考核优秀单位"))
    main = reporter.inner_text("main")
    assert school_a in main and "第 1 名" in main and "审批名单" not in main
    axe(reporter)
    _shot(reporter, "unit-reads", phone)
