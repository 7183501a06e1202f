"""目标任务与重点工作进展 on the rater's phone page (RatingSession.show_goals), in Chromium on the
desktop and a 390×844 phone, checked by axe-core: the organizer turns it on on the session page,
and the rater opens a unit's collapsed block (targets with 缺 for a blank report, the key tasks'
counts) and the page's one list of key tasks (status, milestones, 已超期).
Screenshots: var/screenshots/rating-goals-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.test_rating_pages import PASSWORD, fits, shot, sign_in
from tests.ratings.test_goals_on_phone import goals_for


@pytest.fixture
def rating(transactional_db: Any, cast: Any, settings: Any) -> Any:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    SchemeVersion.objects.create(campaign=cast.campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    session = services.session_create(campaign=cast.campaign, component_id="lide", name="五大重点工作测评会")
    services.credentials_issue(session=session, raters=[services.RaterSpec("王局长", "leaders")])
    goals_for(cast.campaign, cast.campaign_units["county_b"])
    return session


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_turns_it_on_and_the_rater_reads_it_collapsed_under_each_unit(
    pages: Any, live_server: Any, rating: Any, axe: Any, phone: bool
) -> None:
    from kaoping.ratings import services
    from kaoping.ratings.models import SessionUnit

    organizer = pages.open(phone=phone)
    sign_in(organizer, live_server.url)
    organizer.goto(f"{live_server.url}/rating/sessions/{rating.pk}/")
    setting = organizer.locator("#show-goals")
    assert "目标任务与重点工作进展:否" in setting.inner_text()
    with organizer.expect_navigation():
        setting.get_by_role("button", name="向评委展示").click()
    assert "目标任务与重点工作进展:是" in organizer.locator("#show-goals").inner_text()
    assert "评委手机页将展示" in organizer.inner_text("main")
    axe(organizer)
    fits(organizer)
    shot(organizer, "goals-setting", phone)

    county_b = SessionUnit.objects.get(session=rating, campaign_unit__organization__code="nc-xh")
    services.unit_open(session=rating, session_unit=county_b)
    weights: list[int] = []
    rater = pages.open(phone=phone)
    rater.on("response", lambda response: weights.append(len(response.body()) if response.ok else 0))
    rater.goto(f"{live_server.url}/rating/t/{rating.slip_batches.get().entries[0]['token']}")
    assert rater.url.endswith("/rating/r/")
    assert sum(weights) < 100_000
    card = rater.locator(f'li.unit[data-unit="{county_b.pk}"]')
    block = card.locator("details.goals")
    assert not block.evaluate("d => d.open")  # collapsed: the grades come first
    assert not block.locator("li", has_text="招商引资").is_visible()
    axe(rater)
    block.locator("summary").click()
    text = block.inner_text()
    assert "招商引资" in text and "目标 7800万元" in text and "完成 5310万元" in text and "完成率 68.1%" in text
    blank = block.locator("li", has_text="争取上级补助").inner_text()
    assert "完成 缺" in blank and "完成率 缺" in blank
    assert "已超期 1 项" in text
    other = rater.locator(f'li.unit:not([data-unit="{county_b.pk}"]) details.goals').first
    other.locator("summary").click()
    assert "本单位暂无目标任务记录" in other.inner_text()
    tasks = rater.locator("details#key-tasks")
    tasks.locator("summary").click()
    late = tasks.locator("li", has_text="新改扩建校舍").inner_text()
    assert "推进中" in late and "节点 1/2" in late and "已超期" in late
    assert "已超期" not in tasks.locator("li", has_text="学位扩容").inner_text()
    # the grades still work with the block open
    card.locator('button.grade[data-grade="良好"]').click()
    card.locator(".submit").click()
    card.locator(".out.ok").wait_for()
    axe(rater)
    fits(rater)
    shot(rater, "goals-phone-page", phone)
    assert not pages.foreign_requests
