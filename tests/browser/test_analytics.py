"""评委与结果分析 in Chromium, desktop and 390×844 phone, checked by axe-core: a closed live rating
with nine raters in three groups over the campaign's units; the page explains every figure in
Chinese and names no rater. Screenshots: var/screenshots/analytics-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"
GRADES = ("好", "良好", "较好", "一般", "差")


@pytest.fixture
def rated(transactional_db: Any, cast: Any, settings: Any) -> Any:
    from tests.ratings.conftest import issue, rating_scheme, submit
    from tests.ratings.test_services import open_all

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    SchemeVersion.objects.create(campaign=cast.campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    session = services.session_create(campaign=cast.campaign, component_id="lide", name="立德树人述职测评会")
    services.session_go_live(session=session)
    raters = [(f"评委{group}{n}号", group, None) for group in ("leaders", "heads", "units") for n in range(3)]
    issued = issue(session, raters)
    units = open_all(session)
    for r, (credential, token) in enumerate(issued):
        for u, unit in enumerate(units):
            # the county group rates the last unit two grades higher than the others do
            shift = -2 if (r >= 6 and u == len(units) - 1) else 0
            grade = GRADES[max(0, min(4, u + (r % 3 == 0) + shift))]
            assert submit(credential, token, unit, grade).status == 201
    services.session_close(session=session)
    return cast.campaign


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "organizer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_analysis_page_explains_every_figure(
    pages: Any, live_server: Any, rated: Any, axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/campaigns/{rated.pk}/")
    page.get_by_role("link", name="评委与结果分析").click()
    page.wait_for_url(f"**/analytics/{rated.pk}/")
    page.wait_for_selector("#agree-h")
    text = page.inner_text("main")
    figures = ("本页不能显示什么", "肯德尔和谐系数 W", "ICC(1)", "偏离选票", "名次稳健性", "局领导 +10 个百分点")
    for words in (*figures, "指标区分度"):
        assert words in text, words
    assert "评委leaders0号" not in text and "leaders" not in text and "lide" not in text
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= page.evaluate("window.innerWidth") + 1, widest
    axe(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"analytics-{'phone' if phone else 'desktop'}.png"), full_page=True)
