"""结果公示 in the browser: the organizer publishes a frozen version and opens a public page, anyone
checks a printed digest, and a unit reads the notice with its own row marked. Desktop and 390×844
phone, with axe and screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, confirm_and_wait, login


@pytest.fixture
def on_notice(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments import services
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Campaign, Phase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    for name in ("organizer", "reporter_a", "reviewer"):
        user = cast.users[name]
        user.set_password(PASSWORD)
        user.save()
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.SELF_ASSESSMENT)
    cast.campaign.refresh_from_db()
    scheme = scheme_for(cast.campaign)
    for key, reporter in (("school_a", "reporter_a"), ("school_b", "reporter_b")):
        unit = cast.campaign_units[key]
        unit.campaign.refresh_from_db()
        fill_unit(unit, cast.users[reporter])
        services.submission_submit(unit=unit, actor=cast.users[reporter], scheme=scheme)
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.NOTICE)
    return cast.campaign


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"publication-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_organizer_publishes_a_version_anyone_checks_its_digest_and_a_unit_reads_the_notice(
    pages: Any, live_server: Any, on_notice: Any, axe: Any, phone: bool
) -> None:
    from kaoping.publication.models import PublishedVersion

    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/publication/{on_notice.pk}/")
    assert "尚未发布公示" in page.inner_text("main")
    axe(page)
    _shot(page, "manage", phone)

    page.get_by_label("同时开放免登录的公示页").check()
    confirm_and_wait(page, page.get_by_role("button", name="发布公示"))
    version = PublishedVersion.objects.get(campaign=on_notice)
    main = page.inner_text("main")
    assert "第 1 版公示" in main and version.digest[:8] in main and "一致" in main
    axe(page)
    _shot(page, "version", phone)

    public_url = page.locator("a[href*='/publication/public/']").first.get_attribute("href")
    assert public_url
    visitor = pages.open(phone=phone)  # a new browser context: not signed in
    visitor.goto(public_url)
    table = visitor.inner_text("main")
    assert "东湖第一中学" in table and "公示中" in table and "校验码" in table
    axe(visitor)
    _shot(visitor, "public", phone)

    visitor.goto(f"{live_server.url}/publication/verify/")
    spaced = " ".join(version.digest[i : i + 8] for i in range(0, 64, 8)).upper()
    visitor.get_by_role("textbox", name="校验码").fill(spaced)
    click_and_wait(visitor, visitor.get_by_role("button", name="核验"))
    answer = visitor.inner_text("main")
    assert "找到对应的公示版本" in answer and on_notice.name in answer and "一致" in answer
    axe(visitor)
    _shot(visitor, "verify", phone)

    unit_page = pages.open(phone=phone)
    login(unit_page, live_server.url, "reporter_a")
    unit_page.goto(f"{live_server.url}/publication/{on_notice.pk}/notice/")
    own = unit_page.locator("tr.own-row")
    assert "东湖第一中学" in own.inner_text() and "本单位" in own.inner_text()
    axe(unit_page)
    _shot(unit_page, "notice", phone)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_unit_objects_the_organizer_assigns_it_and_the_reviewer_answers_in_writing(
    pages: Any, live_server: Any, on_notice: Any, cast: Any, axe: Any, phone: bool
) -> None:
    import datetime

    from django.utils import timezone

    from kaoping.publication import services
    from kaoping.publication.models import Objection, ObjectionState

    today = timezone.localdate()
    services.publish(
        campaign=on_notice,
        actor=cast.users["organizer"],
        notice_start=today,
        notice_end=today + datetime.timedelta(days=6),
    )
    unit = cast.campaign_units["school_a"]
    reporter = pages.open(phone=phone)
    login(reporter, live_server.url, "reporter_a")
    reporter.goto(f"{live_server.url}/publication/{on_notice.pk}/notice/")
    click_and_wait(reporter, reporter.get_by_role("link", name="异议登记"))
    click_and_wait(reporter, reporter.get_by_role("button", name="东湖第一中学:提出异议"))
    reporter.get_by_label("异议对象").select_option(label="重点工作考核 · 1.2 德育工作")
    reporter.get_by_label("异议理由").fill("德育活动记录已于公示前补交,请复核 1.2 项得分")
    axe(reporter)
    _shot(reporter, "objection-new", phone)
    click_and_wait(reporter, reporter.get_by_role("button", name="提交异议"))
    assert "异议已提交" in reporter.inner_text("main") and "待分派" in reporter.inner_text("main")

    organizer = pages.open(phone=phone)
    login(organizer, live_server.url, "organizer")
    organizer.goto(f"{live_server.url}/publication/{on_notice.pk}/unit/{unit.pk}/objections/1/")
    organizer.get_by_label("承办人").select_option(label=str(cast.users["reviewer"]))
    click_and_wait(organizer, organizer.get_by_role("button", name="分派"))
    assert Objection.objects.get().state == ObjectionState.ASSIGNED

    reviewer = pages.open(phone=phone)
    login(reviewer, live_server.url, "reviewer")
    reviewer.goto(f"{live_server.url}/publication/{on_notice.pk}/unit/{unit.pk}/objections/1/")
    reviewer.get_by_label("异议不成立").check()
    reviewer.get_by_label("书面答复").fill("经复核,补交材料晚于审核截止时间,维持原评分")
    axe(reviewer)
    _shot(reviewer, "objection-answer", phone)
    click_and_wait(reviewer, reviewer.get_by_role("button", name="提交答复"))
    assert Objection.objects.get().state == ObjectionState.REJECTED

    reporter.goto(f"{live_server.url}/publication/{on_notice.pk}/objections/")
    assert "异议不成立" in reporter.inner_text("main")
    reporter.goto(f"{live_server.url}/publication/{on_notice.pk}/unit/{unit.pk}/objections/1/")
    assert "维持原评分" in reporter.inner_text("main")
    axe(reporter)
    _shot(reporter, "objection-answered", phone)
