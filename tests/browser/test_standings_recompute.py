# ruff: noqa: F811  (item_15_submitted is a fixture imported from the review-counts test)
"""After a change the standings show the stored numbers with a notice and the recompute's progress,
and reload by themselves once a task worker has stored the new numbers; a failed recompute says so in
Chinese and is retried from the page. Desktop and a 390×844 phone, axe, screenshots kept."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, login
from tests.browser.test_review_counts import item_15_submitted  # noqa: F401


@pytest.fixture
def queued_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No worker runs until the test says so (the task is queued, not run inline)."""
    from kaoping.results import services, tasks

    monkeypatch.setattr(services, "recompute_standings", tasks.recompute_standings.using(backend="queue_only"))


def _work(campaign: Any) -> None:
    """A task worker (on any host) picks up the queued recompute."""
    from kaoping.jobs.models import Job
    from kaoping.results import services, tasks

    job = Job.objects.filter(key=services.job_key(campaign)).latest("pk")
    tasks.recompute_standings.call(job.pk)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_standings_show_progress_after_a_change_and_reload_when_the_worker_is_done(
    queued_only: None, pages: Any, live_server: Any, item_15_submitted: dict[str, Any], cast: Any, axe: Any,
    phone: bool,
) -> None:  # fmt: skip
    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    campaign, unit = item_15_submitted["campaign"], item_15_submitted["unit"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    _work(campaign)  # the submission's recompute: the stored standings are current
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    url = f"{live_server.url}/results/{campaign.pk}/"
    page.goto(url)
    assert page.locator("#recompute-status").count() == 0

    item = item_ref(scheme_for(campaign), "district", "15").item
    services.review_save(unit=unit, item=item, actor=cast.users["reviewer"], version=0, score="2.5", reason="抽查有误")
    page.goto(url)
    status = page.locator("#recompute-status")
    assert "数据已变动,正在重新计算…" in status.inner_text()
    assert "排队中" in status.inner_text()
    assert page.locator("#recompute-status progress").count() == 1
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"standings-recompute-{'phone' if phone else 'desktop'}.png"))

    _work(campaign)
    page.locator("#recompute-status").wait_for(state="detached", timeout=10_000)  # htmx reloaded it
    assert page.locator("#recompute-status").count() == 0


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_failed_recompute_is_explained_and_retried_from_the_page(
    queued_only: None, pages: Any, live_server: Any, item_15_submitted: dict[str, Any], cast: Any, axe: Any,
    phone: bool, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from kaoping.results import compute

    campaign = item_15_submitted["campaign"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OSError("No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(compute, "recompute", broken)
        with pytest.raises(OSError):
            _work(campaign)
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/results/{campaign.pk}/")
    status = page.locator("#recompute-status")
    assert "执行出错,未能完成" in status.inner_text() and "No space" not in page.content()
    axe(page)
    page.screenshot(path=str(SCREENSHOTS / f"standings-failed-{'phone' if phone else 'desktop'}.png"))
    page.get_by_role("button", name="重试").click()
    page.wait_for_load_state()
    assert "排队中" in page.locator("#recompute-status").inner_text()
    _work(campaign)
    page.locator("#recompute-status").wait_for(state="detached", timeout=10_000)
    assert page.locator("table.standings").count() == 1
