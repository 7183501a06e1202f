"""处室对应 in Chromium, desktop and 390×844 phone, checked by axe-core (issue 11 §3).

The scheme's second version names 基础教育处 "基教科": the campaign page warns the organizer that
it is unmatched, the organizer maps it on the 处室对应 page, the warning goes and scorer_x (基础教育处)
finds the items on its own page. Screenshots: var/screenshots/department-mapping-*.png.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"


@pytest.fixture
def renamed(transactional_db: Any, cast: Any, settings: Any) -> Any:
    from tests.conftest import SMALL_SCHEME

    from kaoping.campaigns.models import Phase, SchemeVersion

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for user in cast.users.values():
        if getattr(user, "pk", None):
            user.set_password(PASSWORD)
            user.save()
    data = copy.deepcopy(SMALL_SCHEME)
    work = data["components"][0]["indicators"]
    work[0]["children"][0]["departments"] = [{"department": "基教科"}]
    work[1]["departments"] = [{"department": "基教科", "points": 2}, {"department": "督导室", "points": 2}]
    SchemeVersion.objects.create(campaign=cast.campaign, number=2, data=data, source_name="renamed.yaml")
    cast.campaign.phase = Phase.SELF_ASSESSMENT
    cast.campaign.save()
    return cast


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    assert "/login/" not in page.url


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_organizer_sees_the_warning_maps_the_department_and_the_scorer_gets_the_items(
    pages: Any, live_server: Any, renamed: Any, axe: Any, phone: bool
) -> None:
    from kaoping.assessments.models import DepartmentMapping

    name = "phone" if phone else "desktop"
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    campaign = renamed.campaign
    page = pages.open(phone=phone)
    login(page, base, "organizer")

    page.goto(f"{base}/campaigns/{campaign.pk}/")
    warning = page.locator("#unmatched-departments")
    assert "基教科" in warning.inner_text()
    page.screenshot(path=str(SHOTS / f"department-mapping-warning-{name}.png"), full_page=True)
    axe(page)

    warning.get_by_role("link", name="去对应").click()
    page.wait_for_url("**/departments/mapping/")
    page.get_by_role("heading", name="处室对应", level=1).wait_for()
    axe(page)
    page.screenshot(path=str(SHOTS / f"department-mapping-page-{name}.png"), full_page=True)

    # a refused choice first: 基教科 and 督导室 both onto 基础教育处 would put item 2's two shares on one
    page.get_by_label("基教科").select_option(label="基础教育处")
    page.get_by_label("督导室").select_option(label="基础教育处")
    page.get_by_role("button", name="保存处室对应").click()
    page.locator(".message.error", has_text="同在第 2 项").wait_for()
    axe(page)
    page.screenshot(path=str(SHOTS / f"department-mapping-refused-{name}.png"), full_page=True)
    assert not DepartmentMapping.objects.exists()

    page.get_by_label("督导室").select_option(label="督导室")
    page.get_by_label("基教科").select_option(label="基础教育处")
    page.get_by_role("button", name="保存处室对应").click()
    page.locator(".message.success", has_text="处室对应已保存").wait_for()
    assert DepartmentMapping.objects.get(scheme_name="基教科").department == renamed.dept_x
    assert page.locator("#unmatched").count() == 0
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    assert page.locator("#unmatched-departments").count() == 0

    scorer = pages.open(phone=phone)
    login(scorer, base, "scorer_x")
    scorer.goto(f"{base}/assess/{campaign.pk}/department/{renamed.dept_x.pk}/")
    scorer.get_by_role("link", name="1.1 党组织建设").wait_for()
    scorer.get_by_role("link", name="2 安全管理").wait_for()
    axe(scorer)
