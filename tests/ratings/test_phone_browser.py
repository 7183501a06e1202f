"""The phone page in Debian's Chromium at 360×640: double taps, offline submit, page weight.

Skipped cleanly when /usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.ratings.conftest import issue

from kaoping.ratings import services
from kaoping.ratings.models import Ballot, SessionUnit

CHROMIUM = Path(os.environ.get("KAOPING_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop here

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(20_000)
    yield context
    context.close()


def _open_units(session: Any, count: int) -> list[SessionUnit]:
    units = list(SessionUnit.objects.filter(session=session))[:count]
    for unit in units:
        services.unit_open(session=session, session_unit=unit)
    return units


def test_five_rapid_taps_store_one_ballot_and_offline_submit_stores_one_later(
    live_server: Any, session: Any, phone: Any, axe: Any
) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    first, second = _open_units(session, 2)
    weights: list[int] = []
    page = phone.new_page()
    page.on("response", lambda response: weights.append(len(response.body()) if response.ok else 0))
    page.goto(f"{live_server.url}/rating/t/{token}")
    assert page.url.endswith("/rating/r/")
    assert sum(weights) < 100_000

    card = page.locator(f'li.unit[data-unit="{first.pk}"]')
    card.locator('button.grade[data-grade="良好"]').tap()
    page.evaluate(
        "id => { const b = document.querySelector(`li[data-unit='${id}'] .submit`);"
        " for (let i = 0; i < 5; i++) b.click(); }",
        first.pk,
    )
    card.locator(".out.ok").wait_for()
    assert "回执码" in card.locator(".out").inner_text()
    assert Ballot.objects.filter(session_unit=first).count() == 1

    other = page.locator(f'li.unit[data-unit="{second.pk}"]')
    other.locator('button.grade[data-grade="较好"]').tap()
    phone.set_offline(True)
    other.locator(".submit").tap()
    other.locator(".out.warn").wait_for()
    assert Ballot.objects.filter(session_unit=second).count() == 0
    phone.set_offline(False)
    other.locator(".out.ok").wait_for()
    assert Ballot.objects.filter(session_unit=second).get().grade == "较好"
    assert Ballot.objects.count() == 2
    axe(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rating-phone-page.png"), full_page=True)


def test_leaving_with_ungraded_units_asks_first(live_server: Any, session: Any, phone: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    _open_units(session, 1)
    page = phone.new_page()
    page.goto(f"{live_server.url}/rating/t/{token}")
    page.locator("button.grade").first.tap()  # a user gesture, so the browser may ask
    dialogs: list[str] = []

    def answer(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
