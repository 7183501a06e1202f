"""Before 结果公示, the organizer sees which units have no submission or no total and must confirm
with a reason (the step used to go through silently). Desktop and 390×844 phone, with axe."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def scoring_campaign(transactional_db: Any, cast: Any, settings: Any) -> Any:
    from kaoping.campaigns.models import Campaign, Phase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.SCORING)
    return cast.campaign


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_moving_to_notice_lists_the_incomplete_units_and_needs_a_confirmation_with_a_reason(
    pages: Any, live_server: Any, scoring_campaign: Any, cast: Any, axe: Any, phone: bool
) -> None:
    from kaoping.audit.models import AuditEvent
    from kaoping.campaigns.models import Campaign, Phase
    from kaoping.results.services import compute_campaign_result

    compute_campaign_result(scoring_campaign)
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/campaigns/{scoring_campaign.pk}/")
    warning = page.locator(".readiness")
    assert "个单位结果不完整" in warning.inner_text()
    for unit in cast.campaign_units.values():
        assert unit.organization.name in warning.inner_text()
    axe(page)
    warning.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"readiness-{'phone' if phone else 'desktop'}.png"))

    button = page.get_by_role("button", name="进入“结果公示”阶段")
    button.click()  # the box is required: the browser keeps the form, nothing is sent
    assert Campaign.objects.get(pk=scoring_campaign.pk).phase == Phase.SCORING

    warning.get_by_label("我已知晓以上单位结果不完整,仍要继续").check()
    warning.get_by_label("原因(必填,记入变更记录)").fill("经局务会研究,按期公示")
    button.click()
    dialog = page.locator("dialog#confirm-phase")  # the step is irreversible: a confirmation dialog
    dialog.wait_for()
    click_and_wait(page, dialog.locator("[data-confirm-ok]"))
    assert Campaign.objects.get(pk=scoring_campaign.pk).phase == Phase.NOTICE
    event = AuditEvent.objects.filter(action="campaign.phase").latest("pk")
    assert event.reason.startswith("经局务会研究,按期公示(确认时结果不完整的单位:")
