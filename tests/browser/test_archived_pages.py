"""Read-only pages in Chromium, desktop and 390×844 phone, checked by axe-core (issue 10 §3).

An archived (已归档) campaign: the organizer's campaign, units, scheme, review and imported-score
pages, the reviewer's review page and the reporter's self-assessment say it is archived and offer no
form that would change something. A leader at a unit (not archived) reads its self-assessment with
no field to type in and no button. Screenshots: var/screenshots/archived-*.png, unit-leader-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"
ARCHIVED = "该考核活动已归档"


@pytest.fixture
def filled(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> Any:
    """School A filled in with evidence and submitted, reviewed; the campaign in its review phase."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.access_matrix.world import pdf_bytes

    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for
    from kaoping.campaigns.models import Phase

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
    item = item_ref(scheme, "school", "1.1").item
    scorer = cast.users["scorer_x"]
    services.department_score_save(
        unit=unit, item=item, department=cast.dept_x, actor=scorer, version=0, score="2", note="纪要齐全"
    )
    services.review_save(unit=unit, item=item, actor=cast.users["reviewer"], version=0, score="3", reason="现场核实")
    return cast


@pytest.fixture
def archived(filled: Any) -> Any:
    from kaoping.campaigns.models import Campaign, Phase

    Campaign.objects.filter(pk=filled.campaign.pk).update(phase=Phase.ARCHIVED)
    return filled


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def fits(page: Any) -> None:
    """Nothing wider than the screen: no element reaches past the viewport's right edge (a wide table
    scrolls inside its own .table-wrap, which itself must fit)."""
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')].filter(e => !e.parentElement.closest('.table-wrap'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= page.evaluate("window.innerWidth") + 1, widest


def read_only(page: Any, axe: Any, name: str, phone: bool) -> str:
    """The page's main text, after checking it has no form, no editable field, fits and passes axe."""
    # a search form (role=search, method get) only finds rows; no other form, no field to type in
    assert page.locator("main form:not([role=search])").count() == 0, f"{page.url} offers a form"
    editable = page.locator(
        "main input:not([type=hidden]):not([readonly]):not([disabled]):not(form[role=search] *),"
        " main textarea:not([readonly])"
    )
    assert editable.count() == 0, f"{page.url} has a field to type in"
    if phone:
        fits(page)
    axe(page)
    shot(page, name, phone)
    return str(page.inner_text("main"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_organizer_pages_of_an_archived_campaign_show_everything_and_offer_nothing_to_change(
    pages: Any, live_server: Any, archived: Any, axe: Any, phone: bool
) -> None:
    base, pk = live_server.url, archived.campaign.pk
    unit = archived.campaign_units["school_a"]
    page = pages.open(phone=phone)
    sign_in(page, base, "organizer")
    page.goto(f"{base}/campaigns/{pk}/")
    detail = read_only(page, axe, "archived-campaign", phone)
    assert ARCHIVED in detail and "东湖区教育局" in detail  # the first category is open
    assert "进入" not in detail and "退回" not in detail and "发布结果" not in detail
    page.goto(f"{base}/campaigns/{pk}/units/")
    units = read_only(page, axe, "archived-units", phone)
    assert ARCHIVED in units and "西湖第二中学" in units and "添加单位" not in units
    assert "县(区)教育行政部门" in units and "county" not in units  # the category's name, not its id
    page.goto(f"{base}/campaigns/{pk}/scheme/")
    scheme = read_only(page, axe, "archived-scheme", phone)
    assert "不能再上传新版本" in scheme and "小型测试方案" in scheme
    assert "重点工作考核" in scheme and "指标评分" in scheme and "indicators" not in scheme and "work" not in scheme
    page.goto(f"{base}/assess/{pk}/review/unit/{unit.pk}/")
    review = read_only(page, axe, "archived-review", phone)
    assert ARCHIVED in review and "会议纪要.pdf" in review and "登记回避" not in review
    page.goto(f"{base}/external/{pk}/")
    imported = read_only(page, axe, "archived-imported", phone)
    assert "不能再导入分数" in imported


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reporter_and_reviewer_of_an_archived_campaign_only_read(
    pages: Any, live_server: Any, archived: Any, axe: Any, phone: bool
) -> None:
    base, pk = live_server.url, archived.campaign.pk
    unit = archived.campaign_units["school_a"]
    reviewer = pages.open(phone=phone)
    sign_in(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/assess/{pk}/review/unit/{unit.pk}/")
    text = read_only(reviewer, axe, "archived-review-reviewer", phone)
    assert ARCHIVED in text and "退回" not in text and "锁定自评" not in text and "登记抽查" not in text
    scorer = pages.open(phone=phone)
    sign_in(scorer, base, "scorer_x")
    scorer.goto(f"{base}/assess/{pk}/department/{archived.dept_x.pk}/item/1.1/")
    grid = read_only(scorer, axe, "archived-department-grid", phone)
    assert ARCHIVED in grid and "东湖第一中学" in grid and "2" in grid  # the score given, as text
    reporter = pages.open(phone=phone)
    sign_in(reporter, base, "reporter_a")
    reporter.goto(f"{base}/assess/{pk}/unit/{unit.pk}/section/0/")
    section = read_only(reporter, axe, "archived-self-assessment", phone)
    assert ARCHIVED in section and "第1.1项:按要求完成" in reporter.content()  # the note, in its read-only field


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_leader_at_a_unit_reads_its_self_assessment_and_cannot_type_anything(
    pages: Any, live_server: Any, filled: Any, axe: Any, phone: bool
) -> None:
    base, pk = live_server.url, filled.campaign.pk
    page = pages.open(phone=phone)
    sign_in(page, base, "leader_school_a")
    page.goto(f"{base}/campaigns/{pk}/")
    assert "查看本单位自评与佐证材料" in page.inner_text("main")
    page.click("text=本单位自评:东湖第一中学")
    overview = read_only(page, axe, "unit-leader-overview", phone)
    assert "本单位领导可以查看自评与佐证材料" in overview and "提交自评" not in overview
    page.click("text=1 党建与德育")
    section = read_only(page, axe, "unit-leader-section", phone)
    assert "第1.1项:按要求完成" in page.content() and "会议纪要.pdf" in page.content()
    assert page.locator("main button").count() == 0 and "必须上传" in section
