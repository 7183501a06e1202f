"""The management layout in Chromium, desktop (1280×900) and 390×844 phone, checked by axe-core (issue 11 §4).

Every page shows where the user is: the section of the header menu carries aria-current="page", and
the pages below a section carry a breadcrumb trail (nav "面包屑") whose last step is the page itself.
On a phone no page is wider than the screen (long tables scroll inside their own container), a unit
name in a table stays on one line instead of one character per line, and the reviewer's inputs are on
screen. Long tables keep their header row in view. The department grid is a table, not Pico's CSS
grid. Screenshots: var/screenshots/layout-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"
EXTRA_UNITS = 55  # with the cast's four: more rows than one screen, fewer than the grid's page of 50 + 10


@pytest.fixture
def world(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> Any:
    """School A submitted, the campaign in its review phase, and 55 more schools taking part."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.access_matrix.world import pdf_bytes

    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for
    from kaoping.campaigns.models import CampaignUnit, Phase
    from kaoping.orgs.models import Organization, OrgKind

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "evidence"
    for user in cast.users.values():
        if getattr(user, "pk", None):
            user.set_password(PASSWORD)
            user.save()
    campaign, unit = cast.campaign, cast.campaign_units["school_a"]
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    scheme = scheme_for(campaign)
    reporter = cast.users["reporter_a"]
    for item_id, score in (("1.1", "3"), ("1.2", "2.5"), ("2", "4")):
        item = item_ref(scheme, "school", item_id).item
        entry = services.EntryInput(self_score=score, note=f"第{item_id}项:按要求完成")
        services.entry_save(unit=unit, item=item, actor=reporter, version=0, data=entry)
    upload = SimpleUploadedFile("会议纪要.pdf", pdf_bytes("minutes"), content_type="application/pdf")
    services.evidence_upload(unit=unit, actor=reporter, upload=upload, original_name="会议纪要.pdf", item_ids=["1.1"])
    services.submission_submit(unit=unit, actor=reporter, scheme=scheme)
    campaign.phase = Phase.REVIEW
    campaign.save()
    for n in range(EXTRA_UNITS):
        school = Organization.objects.create(
            name=f"南昌市第{n + 1}实验学校", code=f"nc-x-{n}", kind=OrgKind.SCHOOL, parent=cast.city
        )
        school.category = cast.school_category
        school.save()
        CampaignUnit.objects.create(campaign=campaign, organization=school, category="school")
    return cast


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/login/" not in page.url, page.inner_text("main")[:300]


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"layout-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def current_section(page: Any) -> str:
    """The header menu's item marked aria-current="page" (there must be exactly one)."""
    marked = page.locator('header nav ul.site-menu a[aria-current="page"]')
    assert marked.count() == 1, page.inner_html("header")
    return str(marked.inner_text()).strip()


def breadcrumb_trail(page: Any) -> list[str]:
    trail = page.locator('main nav[aria-label="面包屑"]')
    if trail.count() == 0:
        return []
    assert trail.count() == 1
    steps = [str(s).strip() for s in trail.locator("li").all_inner_texts()]
    last = trail.locator("li").last.locator('[aria-current="page"]')
    assert last.count() == 1, f"the last breadcrumb is the page itself: {trail.inner_html()}"
    assert trail.locator('[aria-current="page"]').count() == 1
    return steps


def check_phone_width(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url}: the page is {width} px wide on a 390 px phone"


def one_line(page: Any, selector: str) -> bool:
    """Whether the text of the first element matching ``selector`` is laid out on a single line."""
    return bool(
        page.evaluate(
            """(sel) => { const el = document.querySelector(sel); const r = document.createRange();
                 r.selectNodeContents(el); const tops = new Set([...r.getClientRects()].map(c => Math.round(c.top)));
                 return tops.size === 1; }""",
            selector,
        )
    )


def pages_to_check(world: Any) -> list[tuple[str, str, str, list[str]]]:
    """(user, path, section marked in the menu, breadcrumb trail) for representative pages of each role.
    Screenshots: var/screenshots/layout-NN-user-desktop|phone.png, NN the position in this list."""
    campaign = world.campaign
    school_a = world.campaign_units["school_a"]
    c = f"/campaigns/{campaign.pk}"
    a = f"/assess/{campaign.pk}"
    work = ["考核活动", campaign.name, "评价工作台"]  # the trail down to the campaign's workbench
    return [
        ("organizer", "/campaigns/", "考核活动", []),
        ("organizer", f"{c}/", "考核活动", ["考核活动", campaign.name]),
        ("organizer", f"{c}/scheme/", "考核活动", ["考核活动", campaign.name, "考核方案"]),
        ("organizer", f"{a}/", "考核活动", work),
        ("organizer", "/orgs/categories/", "单位", ["单位", "单位类别"]),
        ("organizer", "/orgs/users/", "用户", []),
        ("reporter_a", f"{a}/unit/{school_a.pk}/", "考核活动", [*work, "东湖第一中学"]),
        ("reporter_a", f"{a}/unit/{school_a.pk}/section/0/", "考核活动", [*work, "东湖第一中学", "党建与德育"]),
        ("scorer_x", f"{a}/department/{world.dept_x.pk}/item/1.1/", "考核活动", [*work, "基础教育处", "党组织建设"]),
        ("reviewer", f"{a}/review/unit/{school_a.pk}/", "考核活动", [*work, "东湖第一中学"]),
    ]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_page_shows_where_the_user_is(live_server: Any, world: Any, pages: Any, axe: Any, phone: bool) -> None:
    base = live_server.url
    signed_in: dict[str, Any] = {}
    for number, (user, path, section, trail) in enumerate(pages_to_check(world), 1):
        if user not in signed_in:
            signed_in[user] = pages.open(phone=phone)
            sign_in(signed_in[user], base, user)
        page = signed_in[user]
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{user} {path}: {response and response.status}"
        assert current_section(page) == section, f"{user} {path}"
        assert breadcrumb_trail(page) == trail, f"{user} {path}"
        # every step but the last links to a page of the site
        for link in page.locator('main nav[aria-label="面包屑"] a').all():
            href = str(link.get_attribute("href"))
            assert href.startswith("/"), href
        if phone:
            check_phone_width(page)
        axe(page)
        shot(page, f"{number:02d}-{user}", phone)
    assert pages.foreign_requests == [], pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_header_menu_wraps_and_the_skip_link_leads_to_the_page(
    live_server: Any, world: Any, pages: Any, axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/")
    menu = page.locator("header nav ul.site-menu a")
    assert menu.all_inner_texts() == ["首页", "考核活动", "目标任务", "单位", "用户"]
    for n in range(1, 6):  # whole words, never one character per line
        assert one_line(page, f"header nav ul.site-menu li:nth-child({n}) a"), n
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["width"] <= (390 if phone else 1280)
    if phone:
        check_phone_width(page)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the skip link shows when it has the focus"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    axe(page)
    # a dark system setting keeps the light page its colours were chosen for (data-theme="light")
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(255, 255, 255)"
    axe(page)


def test_department_grid_is_a_table_with_a_sticky_header_on_a_desktop(
    live_server: Any, world: Any, pages: Any, axe: Any
) -> None:
    page = pages.open()
    sign_in(page, live_server.url, "scorer_x")
    page.goto(f"{live_server.url}/assess/{world.campaign.pk}/department/{world.dept_x.pk}/item/1.1/")
    table = page.locator("main table.dept-grid")
    assert table.evaluate("t => getComputedStyle(t).display") == "table", "Pico's .grid rule must not reach the table"
    head = table.locator("thead").bounding_box()
    first_row = table.locator("tbody tr").first.bounding_box()
    assert head and first_row and head["y"] + head["height"] <= first_row["y"] + 1, "the header row sits above the body"
    assert head["width"] == pytest.approx(first_row["width"], abs=2), "header and rows span the same width"
    assert table.locator("tbody tr").count() >= 40

    th = table.locator("thead th").first
    assert th.evaluate("el => getComputedStyle(el).position") == "sticky"
    wrap = page.locator("main .table-wrap:has(table.dept-grid)")
    assert wrap.evaluate("w => w.scrollHeight > w.clientHeight"), "a long table scrolls inside its own container"
    wrap.evaluate("w => { w.scrollTop = w.scrollHeight / 2; }")
    page.wait_for_timeout(100)
    wrap_box, th_box = wrap.bounding_box(), th.bounding_box()
    assert wrap_box and th_box and abs(th_box["y"] - wrap_box["y"]) <= 2, "the header row stays in view"
    assert one_line(page, "main table.dept-grid tbody tr:first-child td:first-child"), "a unit name stays on one line"
    axe(page)
    shot(page, "department-grid", False)


def test_department_grid_is_one_card_per_unit_on_a_phone(live_server: Any, world: Any, pages: Any, axe: Any) -> None:
    page = pages.open(phone=True)
    sign_in(page, live_server.url, "scorer_x")
    page.goto(f"{live_server.url}/assess/{world.campaign.pk}/department/{world.dept_x.pk}/item/1.1/")
    check_phone_width(page)
    row = page.locator("main table.dept-grid tbody tr").filter(has=page.locator("input[name=score]")).first
    name = row.locator("td").first
    assert name.inner_text().strip(), "each card starts with the unit's name"
    assert one_line(page, "main table.dept-grid tbody tr:first-child td:first-child"), "a unit name stays on one line"
    score = row.locator("input[name=score]").bounding_box()
    assert score and score["x"] >= 0 and score["x"] + score["width"] <= 390, f"the score input is off screen: {score}"
    before = "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    labels = row.locator("td[data-label]").evaluate_all(before)
    assert any("处室评分" in label for label in labels), labels
    axe(page)
    shot(page, "department-grid", True)


def test_review_inputs_are_on_a_phone_screen(live_server: Any, world: Any, pages: Any, axe: Any) -> None:
    page = pages.open(phone=True)
    sign_in(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/assess/{world.campaign.pk}/review/unit/{world.campaign_units['school_a'].pk}/")
    form = page.locator("form.cell-form").first
    for name in ("score", "reason"):
        box = form.locator(f"input[name={name}]").bounding_box()
        assert box is not None, name
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{name} input off screen: {box}"
        assert box["width"] >= 200, f"{name} input too narrow to type in: {box}"
    check_phone_width(page)
    # each card names its numbers, since the header row is only there for screen readers
    labels = page.locator("main table.review tbody tr").first.locator("td[data-label]")
    shown = labels.evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert any("分值" in label for label in shown), shown
    axe(page)
    shot(page, "review-unit", True)
