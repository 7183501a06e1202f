"""The organizer's live-rating pages in Chromium, desktop and 390×844 phone, checked by axe-core:
the session list (component names, not ids) and the session page with its slips, raters and units;
an archived campaign shows them without any button that would change something.
Screenshots: var/screenshots/rating-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"


@pytest.fixture
def rating(transactional_db: Any, cast: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    SchemeVersion.objects.create(campaign=cast.campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    session = services.session_create(campaign=cast.campaign, component_id="lide", name="立德树人述职测评会")
    units = cast.campaign_units
    specs = [
        services.RaterSpec("王局长", "leaders"),
        services.RaterSpec("李处长", "heads"),
        services.RaterSpec("赵代表", "units", units["county_a"].pk),
    ]
    services.credentials_issue(session=session, raters=specs)
    return session


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "organizer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"rating-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def fits(page: Any) -> None:
    """Nothing wider than the screen: no element reaches past the viewport's right edge."""
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= page.evaluate("window.innerWidth") + 1, widest


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_session_pages_speak_chinese_and_show_the_raters_unit_while_open(
    pages: Any, live_server: Any, rating: Any, axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/rating/campaign/{rating.campaign_id}/")
    listing = page.inner_text("main")
    assert "立德树人述职测评" in listing and "lide" not in listing
    axe(page)
    shot(page, "session-list", phone)
    page.goto(f"{live_server.url}/rating/sessions/{rating.pk}/")
    text = page.inner_text("main")
    assert "第 1 批(3 张)" in text
    assert "赵代表" in text and "东湖区教育局" in text  # the rater's unit, opened with the session key
    assert "县区(学校)" in text and "leaders" not in text and "units" not in text
    assert page.locator("button", has_text="开始").count() == 4
    axe(page)
    fits(page)
    shot(page, "session-open", phone)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_archived_campaigns_session_page_offers_nothing_to_change(
    pages: Any, live_server: Any, rating: Any, axe: Any, phone: bool
) -> None:
    from kaoping.campaigns.models import Campaign, Phase

    Campaign.objects.filter(pk=rating.campaign_id).update(phase=Phase.ARCHIVED)
    page = pages.open(phone=phone)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/rating/sessions/{rating.pk}/")
    text = page.inner_text("main")
    assert "已归档" in text
    assert page.locator("main form:not([role=search])").count() == 0  # the slip search only reads
    page.goto(f"{live_server.url}/rating/campaign/{rating.campaign_id}/")
    assert "新建现场测评" not in page.inner_text("main") and "已归档" in page.inner_text("main")
    axe(page)
    fits(page)
    shot(page, "session-archived", phone)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_receipt_page_confirms_a_counted_ballot_from_a_posted_code(
    pages: Any, live_server: Any, rating: Any, axe: Any, phone: bool
) -> None:
    """The code goes in the form's body: the address bar (and any access log) never holds it."""
    import uuid

    from tests.ratings.conftest import submit

    from kaoping.ratings import services
    from kaoping.ratings.models import RaterCredential, SessionUnit

    unit = SessionUnit.objects.filter(session=rating).first()
    assert unit is not None
    services.unit_open(session=rating, session_unit=unit)
    token = rating.slip_batches.get().entries[0]["token"]
    credential = RaterCredential.objects.get(pk=rating.slip_batches.get().entries[0]["credential"])
    receipt = uuid.uuid4().hex
    submit(credential, token, unit, "好", receipt=receipt)
    page = pages.open(phone=phone)
    page.goto(f"{live_server.url}/rating/receipt/{rating.public_id}/")
    page.fill("#code", "-".join(receipt[i : i + 4] for i in range(0, 32, 4)))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "已计入“东湖区教育局”" in page.inner_text("main")
    assert receipt[:8] not in page.url
    axe(page)
    fits(page)
    shot(page, "receipt", phone)
