"""Long lists in Chromium, desktop and a 390×844 phone, with axe-core: the participating units and
their picker (select all matching), the workbench with live counts and the departments' progress,
the users page, a rating session with 290 slips (it must fit a phone: it was 477 px wide) and the
standings with one "缺 n 项数据" per unit. Screenshots: var/screenshots/lists-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"
EXTRA_SCHOOLS = 130  # more than a page of 100
SLIPS = 290


@pytest.fixture
def world(transactional_db: Any, cast: Any, settings: Any) -> Any:
    from tests.assessments.conftest import fill_unit
    from tests.ratings.conftest import rating_scheme

    from kaoping.assessments import services as assess
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.orgs.models import Organization
    from kaoping.ratings import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for name in ("organizer", "reviewer", "reporter_a"):
        user = cast.users[name]
        user.set_password(PASSWORD)
        user.save()
    campaign = cast.campaign
    Organization.objects.bulk_create(
        Organization(name=f"新建区第{n:03d}小学", code=f"xj-{n:03d}", kind="school", parent=cast.county_b, path="")
        for n in range(EXTRA_SCHOOLS)
    )
    for org in Organization.objects.filter(code__startswith="xj-"):
        org.path = f"{cast.county_b.path}{org.pk}/"
        org.save(update_fields=["path"])
    taking_part = Organization.objects.filter(code__startswith="xj-").order_by("code")[:110]
    CampaignUnit.objects.bulk_create(
        CampaignUnit(campaign=campaign, organization=o, category="school") for o in taking_part
    )
    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.SELF_ASSESSMENT)
    campaign.refresh_from_db()
    scheme = scheme_for(campaign)
    unit_a = cast.campaign_units["school_a"]
    fill_unit(unit_a, cast.users["reporter_a"])
    assess.submission_submit(unit=unit_a, actor=cast.users["reporter_a"], scheme=scheme)
    session = services.session_create(campaign=campaign, component_id="lide", name="立德树人述职测评会")
    groups = ["leaders", "heads", "units"]
    county = cast.campaign_units["county_a"].pk
    specs = [
        services.RaterSpec(f"评委{n:03d}号(教育系统代表)", groups[n % 3], county if n % 3 == 2 else None)
        for n in range(SLIPS)
    ]
    services.credentials_issue(session=session, raters=specs)
    return {"campaign": campaign, "session": session, "cast": cast}


def sign_in(page: Any, base: str, username: str = "organizer") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lists-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def fits(page: Any) -> None:
    """The page is no wider than the screen (a wide table may scroll inside its own .table-wrap)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{page.url} is {width} px wide"


def check(page: Any, axe: Any, name: str, phone: bool) -> str:
    axe(page)
    fits(page)
    shot(page, name, phone)
    return str(page.inner_text("main"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_organizer_lists_search_sort_page_and_fit(
    pages: Any, live_server: Any, world: Any, axe: Any, phone: bool
) -> None:
    base, pk = live_server.url, world["campaign"].pk
    page = pages.open(phone=phone)
    sign_in(page, base)

    page.goto(f"{base}/campaigns/{pk}/")
    detail = check(page, axe, "campaign", phone)
    assert "已提交 1/114" in detail

    page.goto(f"{base}/campaigns/{pk}/units/")
    units = check(page, axe, "units", phone)
    assert "共 114 个参评单位" in units and "第 1 / 2 页" in units
    page.fill("input[name=q]", "第10")
    with page.expect_navigation():
        page.get_by_role("button", name="查找").first.click()
    assert "q=%E7%AC%AC10" in page.url
    found = page.inner_text("main")
    table = page.locator("main table").first.inner_text()
    assert "符合条件的单位 10 个" in found and "新建区第100小学" in table and "新建区第099小学" not in table

    page.goto(f"{base}/assess/{pk}/?status=waiting&sort=name")
    bench = check(page, axe, "workbench", phone)
    assert "已提交 1/114" in bench and "每 15 秒自动更新" in bench and "各处室评分进度" in bench
    assert "东湖第一中学" not in page.locator("#review table").inner_text()

    page.goto(f"{base}/orgs/users/?role=reporter")
    check(page, axe, "users", phone)
    users = page.locator("main table").first.inner_text()
    assert "reporter_a" in users and "scorer_x" not in users

    page.goto(f"{base}/rating/sessions/{world['session'].pk}/")
    session = check(page, axe, "session", phone)
    assert f"评委与评分条({SLIPS} 张)" in session and "第 1 / 3 页" in session
    page.goto(f"{base}/rating/sessions/{world['session'].pk}/?group=units&q=%E8%AF%84%E5%A7%94002")
    one = check(page, axe, "session-search", phone)
    assert "符合条件的评分条 1 张" in one and "东湖区教育局" in one

    page.goto(f"{base}/results/{pk}/?category=school")
    page.wait_for_selector("table.standings")
    standings = check(page, axe, "standings", phone)
    assert "缺数据" not in standings and re.search(r"缺 \d+ 项数据", standings)
    assert "第 1 / 2 页" in standings


def test_select_all_matching_adds_the_units_of_every_page(pages: Any, live_server: Any, world: Any, axe: Any) -> None:
    from kaoping.campaigns.models import CampaignUnit

    base, pk = live_server.url, world["campaign"].pk
    page = pages.open()
    sign_in(page, base)
    page.goto(f"{base}/campaigns/{pk}/units/?cq=%E6%96%B0%E5%BB%BA%E5%8C%BA")
    picker = page.locator("form[data-select-form]")
    assert "尚未参评的单位 20 个" in picker.inner_text()
    picker.get_by_label("全选本页").check()
    assert picker.locator("output[data-selected]").inner_text() == "已选 20 个"
    picker.get_by_label(re.compile("选择全部 20 个符合条件的单位")).check()
    assert picker.locator("output[data-selected]").inner_text() == "已选全部 20 个"
    axe(page)
    shot(page, "picker-selected", False)
    with page.expect_navigation():
        picker.get_by_role("button", name="添加").click()
    assert "已添加 20 个单位" in page.inner_text("main")
    assert CampaignUnit.objects.filter(campaign_id=pk).count() == 134


def test_workbench_counts_refresh_in_place(pages: Any, live_server: Any, world: Any) -> None:
    from kaoping.assessments import workbench
    from kaoping.assessments.models import Submission, SubmissionStatus

    base, pk = live_server.url, world["campaign"].pk
    page = pages.open(phone=True)
    sign_in(page, base, "reviewer")
    page.goto(f"{base}/assess/{pk}/")
    assert "已提交 1/114" in page.inner_text("#workbench-counts")
    page.evaluate("window.__kept = 1")
    unit = world["cast"].campaign_units["school_b"]
    Submission.objects.update_or_create(unit=unit, defaults={"status": SubmissionStatus.SUBMITTED})
    text = ""
    for _ in range((workbench.COUNTS_EVERY_SECONDS + 10) * 2):
        page.wait_for_timeout(500)
        text = page.inner_text("#workbench-counts")
        if "已提交 2/114" in text:
            break
    assert "已提交 2/114" in text
    assert page.evaluate("window.__kept") == 1  # no page reload


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_organizer_reads_a_departments_progress(
    pages: Any, live_server: Any, world: Any, axe: Any, phone: bool
) -> None:
    base, pk = live_server.url, world["campaign"].pk
    dept = world["cast"].dept_x
    page = pages.open(phone=phone)
    sign_in(page, base)
    page.goto(f"{base}/assess/{pk}/department/{dept.pk}/")
    text = check(page, axe, "department", phone)
    assert "基础教育处" in text and "已评 0 / 应评" in text and "评分由本处室评分员完成" in text
