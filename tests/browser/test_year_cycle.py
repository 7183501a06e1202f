"""One full year in the browser (issue 14's pass journey): a campaign's review finds a problem, the
unit rectifies it with evidence, a reviewer re-checks and closes it, the organizer starts next
year's campaign and gives it a scheme whose item reads last year's 整改台账, and the unit's result
in the new year takes that item's score from the ledger (2 problems, 1 fixed, 1 open → 2/3).
Desktop and 390×844 phone, with axe and screenshots."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import click_and_wait, login
from tests.browser.test_rectification import in_review  # noqa: F401  (the fixture)

LEDGER_RULE = {
    "kind": "deduct_per_occurrence",
    "figure": "open",
    "deduct": 1,
    "unit": "个",
    "source": "previous_problems",
}


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"year-cycle-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def _an_open_problem_from_an_inspection(unit: Any, reviewer: Any) -> None:
    from kaoping.rectification import services

    services.create(
        unit=unit,
        actor=reviewer,
        data=services.ProblemInput(
            description="起始年级存在超标准班额",
            item_id="2",
            item_name="2 安全管理",
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )


def _rectify_with_evidence_and_close(pages: Any, base: str, unit: Any, phone: bool, tmp_path: Any) -> None:
    from tests.assessments.conftest import PDF_BYTES

    reviewer = pages.open(phone=phone)
    login(reviewer, base, "reviewer")
    reviewer.goto(f"{base}/assess/{unit.campaign_id}/review/unit/{unit.pk}/")
    click_and_wait(reviewer, reviewer.get_by_role("button", name="登记整改问题(第 1.2 项)"))
    assert "已登记为整改问题" in reviewer.inner_text("main")
    problem_page = reviewer.url

    reporter = pages.open(phone=phone)
    login(reporter, base, "reporter_a")
    reporter.goto(problem_page)
    evidence = tmp_path / "德育活动记录.pdf"
    evidence.write_bytes(PDF_BYTES)
    reporter.get_by_role("textbox", name="整改进展").fill("已补开两次德育活动,记录见附件")
    reporter.get_by_label("佐证材料").set_input_files(str(evidence))
    reporter.get_by_label("已整改完成,申请复查").check()
    click_and_wait(reporter, reporter.get_by_role("button", name="报送", exact=True))
    assert "整改进展已报送,等待复查" in reporter.inner_text("main")

    reviewer.reload()
    reviewer.get_by_label("整改到位,销号").check()
    reviewer.get_by_role("textbox", name="复查意见").fill("经现场查看记录,整改到位,同意销号")
    click_and_wait(reviewer, reviewer.get_by_role("button", name="提交复查"))
    assert "已销号" in reviewer.inner_text("main")
    reviewer.goto(f"{base}/rectification/{unit.campaign_id}/")
    ledger = reviewer.inner_text("main")
    assert "50.0%" in ledger  # 2 problems, 1 fixed
    _shot(reviewer, "ledger", phone)


def _start_next_year_with_a_ledger_item(page: Any, base: str, campaign: Any, tmp_path: Any) -> Any:
    from kaoping.campaigns.models import Campaign

    page.goto(f"{base}/campaigns/{campaign.pk}/")
    click_and_wait(page, page.get_by_role("button", name="开始下一年度考核"))
    click_and_wait(page, page.get_by_role("button", name="创建下一年度考核"))
    created = Campaign.objects.get(previous=campaign)
    version = created.current_version()
    assert version is not None
    data = copy.deepcopy(version.data)
    data["components"][0]["indicators"][0]["children"][1]["rule"] = LEDGER_RULE
    scheme_file = tmp_path / "2025年度方案.json"
    scheme_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page.goto(f"{base}/campaigns/{created.pk}/scheme/")
    page.get_by_label("新的方案文件").set_input_files(str(scheme_file))
    page.get_by_label("变更原因").fill("第 1.2 项按上年问题清单整改情况计分")
    click_and_wait(page, page.get_by_role("button", name="上传"))
    assert created.scheme_versions.count() == 2, page.inner_text("main")[:600]
    return created


def _submit_in_the_new_year(created: Any, organization: Any, reporter: Any) -> Any:
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments import services
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase

    Campaign.objects.filter(pk=created.pk).update(phase=Phase.SELF_ASSESSMENT)
    unit = CampaignUnit.objects.select_related("campaign").get(campaign=created, organization=organization)
    fill_unit(unit, reporter)
    services.submission_submit(unit=unit, actor=reporter, scheme=scheme_for(unit.campaign))
    return unit


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_year_from_review_to_rectification_to_next_years_score_from_the_ledger(
    pages: Any,
    live_server: Any,
    in_review: Any,  # noqa: F811  (the fixture imported above)
    cast: Any,
    axe: Any,
    phone: bool,
    tmp_path: Any,
) -> None:
    unit = in_review
    base = live_server.url
    _an_open_problem_from_an_inspection(unit, cast.users["reviewer"])
    _rectify_with_evidence_and_close(pages, base, unit, phone, tmp_path)

    organizer = pages.open(phone=phone)
    login(organizer, base, "organizer")
    created = _start_next_year_with_a_ledger_item(organizer, base, unit.campaign, tmp_path)
    axe(organizer)
    _shot(organizer, "new-scheme", phone)

    new_unit = _submit_in_the_new_year(created, unit.organization, cast.users["reporter_a"])
    reporter = pages.open(phone=phone)
    login(reporter, base, "reporter_a")
    reporter.goto(f"{base}/assess/{created.pk}/unit/{new_unit.pk}/section/0/")
    assert "本项数据由系统从上年问题清单(整改台账)读取,无需填写" in reporter.inner_text("main")
    axe(reporter)
    _shot(reporter, "self-assessment", phone)

    organizer.goto(f"{base}/results/{created.pk}/unit/{new_unit.pk}/")
    row = organizer.locator("tr", has_text="1.2 德育工作")
    assert "2/3" in row.inner_text(), organizer.inner_text("main")[:1500]
    row.get_by_role("link").click()
    panel = organizer.locator("#explain-panel")
    panel.get_by_text("上年问题数", exact=False).first.wait_for()
    explained = panel.inner_text()
    assert "上年问题数 2,已整改到位问题数 1,未整改到位问题数 1,整改率 50%" in explained, explained
    assert "扣1分 → 2/3" in explained
    axe(organizer)
    _shot(organizer, "result", phone)
