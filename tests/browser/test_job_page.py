"""Importing units and users runs as a background job: the organizer confirms the preview and lands
on the job's page, which shows the progress while a worker writes the rows and then what was imported.
Desktop and a 390×844 phone, axe, screenshots kept."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login
from tests.orgs.test_imports import workbook


@pytest.fixture
def organizer_signed_up(transactional_db: Any, cast: Any, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    return organizer


@pytest.fixture
def queued_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    from kaoping.orgs import tasks, views

    monkeypatch.setattr(views, "import_orgs", tasks.import_orgs.using(backend="queue_only"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_import_shows_its_progress_then_what_was_imported(
    queued_imports: None, pages: Any, live_server: Any, organizer_signed_up: Any, axe: Any, phone: bool,
    tmp_path: Any,
) -> None:  # fmt: skip
    from kaoping.jobs.models import Job
    from kaoping.orgs import tasks
    from kaoping.orgs.models import Organization

    upload = tmp_path / "单位.xlsx"
    upload.write_bytes(workbook(units=[["b1", "进度小学", "学校", "nc", ""], ["b2", "进度中学", "学校", "nc", ""]]))
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/orgs/import/")
    page.get_by_label("Excel 文件(.xlsx)").set_input_files(str(upload))
    click_and_wait(page, page.get_by_role("button", name="预览"))
    click_and_wait(page, page.get_by_role("button", name="确认导入(单位 2 个,用户 0 个)"))

    status = page.locator(".job-progress")
    assert "排队中" in status.inner_text() and page.locator(".job-progress progress").count() == 1
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"job-queued-{'phone' if phone else 'desktop'}.png"))

    tasks.import_orgs.call(Job.objects.latest("pk").pk)  # a worker runs it
    page.get_by_text("导入完成:单位 2 个,用户 0 个").wait_for(timeout=10_000)  # the bar polls itself
    assert Organization.objects.filter(code__in=["b1", "b2"]).count() == 2
    axe(page)
    page.screenshot(path=str(SCREENSHOTS / f"job-done-{'phone' if phone else 'desktop'}.png"))
    click_and_wait(page, page.get_by_role("link", name="查看单位与用户"))
    assert "/orgs/" in page.url
