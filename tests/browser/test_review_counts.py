"""A 督学's adjustment of a computed item (seed 004 item 15) counts, and the page says so at once.

Before the fix the 核定分 and its reason were saved and then ignored: the result kept the rule's
3.1 from the figure 80.84%. Desktop and a 390×844 phone, axe on the page, screenshots kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, SCHEME, autosave, login


@pytest.fixture
def item_15_submitted(transactional_db: Any, cast: Any, settings: Any) -> dict[str, Any]:
    from kaoping.assessments import services
    from kaoping.assessments.models import Submission, SubmissionStatus
    from kaoping.assessments.selectors import item_ref, scheme_for
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
    from kaoping.formats.scheme_dump import scheme_to_data
    from kaoping.formats.scheme_file import load_scheme

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    campaign = Campaign.objects.create(owner=cast.city, name="2021督导评价", year=2021, phase=Phase.SELF_ASSESSMENT)
    SchemeVersion.objects.create(campaign=campaign, number=1, data=scheme_to_data(load_scheme(SCHEME)))
    unit = CampaignUnit.objects.create(campaign=campaign, organization=cast.county_a, category="district")
    reviewer = cast.users["reviewer"]
    reviewer.set_password(PASSWORD)
    reviewer.save()
    item = item_ref(scheme_for(campaign), "district", "15").item
    services.entry_save(
        unit=unit,
        item=item,
        actor=cast.users["organizer"],
        version=0,
        data=services.EntryInput(figures={"standard_class_ratio": "80.84"}),
    )
    Submission.objects.filter(unit=unit).update(status=SubmissionStatus.SUBMITTED)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.REVIEW)
    return {"campaign": campaign, "unit": unit}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_reviewers_adjustment_of_item_15_counts_and_the_page_shows_it(
    pages: Any, live_server: Any, item_15_submitted: dict[str, Any], axe: Any, phone: bool
) -> None:
    from kaoping.assessments.models import ReviewScore
    from kaoping.results.services import compute_campaign_result, unit_key

    campaign, unit = item_15_submitted["campaign"], item_15_submitted["unit"]
    page = pages.open(phone=phone)
    login(page, live_server.url, "reviewer")
    page.goto(f"{live_server.url}/assess/{campaign.pk}/review/unit/{unit.pk}/")
    row = page.locator("tr", has=page.get_by_text("15 大校额大班额与标准班额"))
    counts = row.locator(".counts")
    assert "3.1" in counts.inner_text() and "按规则计算" in counts.inner_text()
    axe(page)

    form = row.locator("form.cell-form")
    refused = autosave(form, {"score": "2.5"})
    assert "必须填写调整理由" in refused and "3.1" in refused
    assert not ReviewScore.objects.filter(unit=unit, item_id="15").exists()

    saved = autosave(form, {"score": "2.5", "reason": "抽查班额统计表有误"})
    assert "已保存" in saved
    counts.filter(has_text="采用核定分").wait_for()
    assert "计2.5分" in counts.inner_text() and "按规则计算为 3.1 分" in counts.inner_text()
    row.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"review-item-15-{'phone' if phone else 'desktop'}.png"), full_page=False)
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    result = compute_campaign_result(campaign).unit(unit_key(unit))
    scores = {item.item_id: item for top in result.components[0].items for item in _leaves(top)}
    assert scores["15"].score == Decimal("2.5") and scores["15"].basis == "confirmed"


def _leaves(node: Any) -> Any:
    if not node.children:
        yield node
    for child in node.children:
        yield from _leaves(child)
