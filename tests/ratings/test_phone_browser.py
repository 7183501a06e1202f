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


def test_a_busy_server_keeps_the_choice_and_sends_it_again_with_the_same_key(
    live_server: Any, session: Any, phone: Any
) -> None:
    """A locked or full database answers 503 JSON: the phone keeps the ballot queued and resends it
    with the same idempotency key, so it lands exactly once without the rater doing anything."""
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    (first,) = _open_units(session, 1)
    page = phone.new_page()
    page.goto(f"{live_server.url}/rating/t/{token}")
    keys: list[str] = []

    def busy_once(route: Any) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fulfill(status=503, content_type="application/json", body='{"error": "数据库忙"}')
        else:
            route.continue_()

    page.route("**/rating/r/ballot", busy_once)
    card = page.locator(f'li.unit[data-unit="{first.pk}"]')
    card.locator('button.grade[data-grade="好"]').tap()
    card.locator(".submit").tap()
    card.locator(".out.warn", has_text="服务器繁忙").wait_for()
    card.locator(".out.ok").wait_for(timeout=10_000)  # the next status poll sends it again
    assert len(set(keys)) == 1 and len(keys) >= 2
    assert Ballot.objects.filter(session_unit=first).count() == 1


def test_after_a_rehearsal_the_phone_forgets_its_test_draft_and_casts_the_real_vote(
    live_server: Any, session: Any, phone: Any, axe: Any
) -> None:
    """Issue 11 §1: the rehearsal's draft and receipt used to stay on the phone, so the real vote could
    not be cast and the organizer saw 0 ballots. Going live starts a new round; the open page notices
    at its next poll, reloads, and the rater votes again."""
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    (first,) = _open_units(session, 1)
    page = phone.new_page()
    page.goto(f"{live_server.url}/rating/t/{token}")
    card = page.locator(f'li.unit[data-unit="{first.pk}"]')
    card.locator('button.grade[data-grade="好"]').tap()
    card.locator(".submit").tap()
    card.locator(".out.ok").wait_for()
    assert Ballot.objects.filter(is_test=True).count() == 1

    services.session_go_live(session=session)
    session.refresh_from_db()
    services.unit_open(session=session, session_unit=first)
    page.wait_for_function("() => !document.querySelector('.out.ok')", timeout=10_000)  # reloaded, clean
    card = page.locator(f'li.unit[data-unit="{first.pk}"]')
    card.locator('button.grade[data-grade="较好"]').tap()
    card.locator(".submit").tap()
    card.locator(".out.ok").wait_for()
    live = Ballot.objects.filter(is_test=False)
    assert live.count() == 1 and live.get().grade == "较好"
    axe(page)


def test_a_page_of_an_earlier_round_cannot_cast_into_the_next_one(live_server: Any, session: Any) -> None:
    """Server side of the same rule: a rehearsal's queued ballot sent after the switch is refused."""
    import json
    import uuid

    from django.test import Client

    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    (first,) = _open_units(session, 1)
    client = Client()
    client.get(f"/rating/t/{token}")
    services.session_go_live(session=session)
    session.refresh_from_db()
    services.unit_open(session=session, session_unit=first)
    body = json.dumps({"unit": first.pk, "grade": "好", "receipt": uuid.uuid4().hex, "round": 1})
    response = client.post(
        "/rating/r/ballot", body, content_type="application/json", headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 409 and "重新开始" in response.json()["error"]
    assert Ballot.objects.count() == 0


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
