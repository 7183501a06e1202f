"""问题整改 in the browser: a reviewer registers a problem from the review page in one click, the unit's
reporter reports progress with evidence, the reviewer re-checks and closes it (销号), and the ledger
shows the rates. Desktop and 390×844 phone, with axe and screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def in_review(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for
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
    unit = cast.campaign_units["school_a"]
    unit.campaign.refresh_from_db()
    fill_unit(unit, cast.users["reporter_a"])
    services.submission_submit(unit=unit, actor=cast.users["reporter_a"], scheme=scheme)
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.REVIEW)
    unit.campaign.refresh_from_db()
    ref = item_ref(scheme, unit.category, "1.2")
    services.review_save(
        unit=unit, item=ref.item, actor=cast.users["reviewer"], version=0, score="1.5", reason="德育活动记录缺两次"
    )
    return unit


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"rectification-{name}-{'phone' if phone else 'desktop'}.png"
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_problem_from_a_review_is_reported_rechecked_and_closed(
    pages: Any, live_server: Any, in_review: Any, axe: Any, phone: bool, tmp_path: Any
) -> None:
    from tests.assessments.conftest import PDF_BYTES

    from kaoping.rectification.models import Problem, ProblemState

    unit = in_review
    base = live_server.url
    reviewer = pages.open(phone=phone)
    login(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/assess/{unit.campaign_id}/review/unit/{unit.pk}/")
    axe(reviewer)
    _shot(reviewer, "review-page", phone)
    click_and_wait(reviewer, reviewer.get_by_role("button", name="登记整改问题(第 1.2 项)"))
    main = reviewer.inner_text("main")
    assert "已登记为整改问题" in main and "审核扣分" in main and "德育活动记录缺两次" in main
    problem = Problem.objects.get()
    assert problem.item_id == "1.2" and problem.points_lost is not None
    reviewer.locator("summary", has_text="修改整改要求").click()
    reviewer.get_by_label("责任科室", exact=True).fill("德育处")
    reviewer.get_by_label("整改措施", exact=True).fill("每月开展一次德育活动并留存记录")
    click_and_wait(reviewer, reviewer.get_by_role("button", name="保存整改要求"))
    assert "整改要求已保存" in reviewer.inner_text("main")
    axe(reviewer)
    _shot(reviewer, "problem", phone)

    reporter = pages.open(phone=phone)
    login(reporter, base, "reporter_a")
    reporter.goto(f"{base}/rectification/{unit.campaign_id}/")
    click_and_wait(reporter, reporter.get_by_role("link", name=f"{unit.organization.name} · 问题 1"))
    evidence = tmp_path / "德育活动记录.pdf"
    evidence.write_bytes(PDF_BYTES)
    reporter.get_by_role("textbox", name="整改进展").fill("已补开两次德育活动,记录见附件")
    reporter.get_by_label("佐证材料").set_input_files(str(evidence))
    reporter.get_by_label("已整改完成,申请复查").check()
    axe(reporter)
    _shot(reporter, "report", phone)
    click_and_wait(reporter, reporter.get_by_role("button", name="报送", exact=True))
    assert "整改进展已报送,等待复查" in reporter.inner_text("main")
    problem.refresh_from_db()
    assert problem.state == ProblemState.REPORTED

    reviewer.reload()
    assert "德育活动记录.pdf" in reviewer.inner_text("main") and "待复查" in reviewer.inner_text("main")
    reviewer.get_by_label("整改到位,销号").check()
    reviewer.get_by_role("textbox", name="复查意见").fill("经现场查看记录,整改到位,同意销号")
    click_and_wait(reviewer, reviewer.get_by_role("button", name="提交复查"))
    main = reviewer.inner_text("main")
    assert "已销号" in main and "同意销号" in main
    problem.refresh_from_db()
    assert problem.closed
    axe(reviewer)
    _shot(reviewer, "closed", phone)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_ledger_shows_counts_rates_and_the_overdue_flag(
    pages: Any, live_server: Any, in_review: Any, cast: Any, axe: Any, phone: bool
) -> None:
    import datetime

    from django.utils import timezone

    from kaoping.rectification import services
    from kaoping.rectification.models import Problem, ProblemState

    unit = in_review
    reviewer = cast.users["reviewer"]
    today = timezone.localdate()
    for n in range(3):
        services.create(
            unit=unit,
            actor=reviewer,
            data=services.ProblemInput(
                description=f"问题描述{n}", item_id="1.1", item_name="1.1 制度建设", responsible_unit="财务科"
            ),
        )
    services.create(
        unit=cast.campaign_units["school_b"],
        actor=reviewer,
        data=services.ProblemInput(description="食堂健康证过期", deadline=today - datetime.timedelta(days=3)),
    )
    Problem.objects.filter(unit=unit, number__lte=2).update(state=ProblemState.CLOSED)
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/campaigns/{unit.campaign_id}/")
    click_and_wait(page, page.get_by_role("link", name="问题整改"))
    main = page.inner_text("main")
    assert "问题整改台账" in main and "已超期" in main and "66.7%" in main and "50.0%" in main
    assert "缺" in main  # a unit with no problem has no rate
    axe(page)
    _shot(page, "ledger", phone)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载整改台账(Excel)").click()
    assert download.value.suggested_filename.endswith("问题整改台账.xlsx")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_registers_an_accepted_objection_as_a_problem(
    pages: Any, live_server: Any, in_review: Any, axe: Any, phone: bool
) -> None:
    from django.utils import timezone

    from kaoping.publication.models import Objection, ObjectionState, PublishedVersion
    from kaoping.rectification.models import Problem, Source

    unit = in_review
    today = timezone.localdate()
    version = PublishedVersion.objects.create(
        campaign=unit.campaign,
        number=1,
        campaign_name=unit.campaign.name,
        bureau_name="市教育局",
        digest="0" * 64,
        data_version="",
        published_at=timezone.now(),
        notice_start=today,
        notice_end=today,
        public_key="browser-rectification",
    )
    Objection.objects.create(
        version=version,
        unit=unit,
        number=1,
        item_id="1.1",
        item_name="重点工作考核 · 1.1 制度建设",
        reasons="制度已于公示前印发",
        filed_at=timezone.now(),
        due_on=today,
        state=ObjectionState.ACCEPTED,
        answer="异议成立,补记 1 分;制度印发后未及时报备",
    )
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/publication/{unit.campaign_id}/unit/{unit.pk}/objections/1/")
    axe(page)
    _shot(page, "objection", phone)
    click_and_wait(page, page.get_by_role("button", name="登记为整改问题"))
    main = page.inner_text("main")
    assert "异议成立" in main and "第 1 条异议" in main and "制度印发后未及时报备" in main
    assert Problem.objects.get().source == Source.OBJECTION
    axe(page)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_reviewer_registers_an_inspection_finding_by_hand(
    pages: Any, live_server: Any, in_review: Any, axe: Any, phone: bool
) -> None:
    from kaoping.rectification.models import Problem, Source

    unit = in_review
    page = pages.open(phone=phone)
    login(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/rectification/{unit.campaign_id}/")
    click_and_wait(page, page.get_by_role("link", name=f"{unit.organization.name}:登记问题"))
    page.get_by_label("问题来源").select_option(label="督查检查")
    page.get_by_label("来源说明").fill("12月3日专项督查")
    page.get_by_label("关联指标").select_option(value="2")
    page.get_by_role("textbox", name="问题描述").fill("消防通道堆放杂物")
    page.get_by_role("combobox", name="责任科室").fill("安全办")
    axe(page)
    _shot(page, "new", phone)
    click_and_wait(page, page.get_by_role("button", name="登记问题"))
    assert "问题已登记" in page.inner_text("main")
    problem = Problem.objects.get()
    assert (problem.source, problem.item_id, problem.responsible_unit) == (Source.INSPECTION, "2", "安全办")
