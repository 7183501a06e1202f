"""The ranking notice's form (通报) in Chromium on a desktop and a 390×844 phone, checked by axe-core:
prefilled from the campaign, a refused form names its fields, a download comes back as a PDF.
Screenshots: var/screenshots/documents-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.documents.conftest import honggutan  # noqa: F401  (the seed-004 campaign with its stored result)

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"


@pytest.fixture
def organizer_ready(transactional_db: Any, cast: Any, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = cast.users["organizer"]
    user.set_password(PASSWORD)
    user.save()
    return user


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"documents-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_notice_form_downloads_a_pdf_and_names_bad_fields(
    pages: Any,
    live_server: Any,
    organizer_ready: Any,
    honggutan: Any,  # noqa: F811  (the fixture imported above)
    axe: Any,
    phone: bool,
) -> None:
    page = pages.open(phone=phone)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "organizer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/results/{honggutan.campaign.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="结果通报(Word/PDF)").click()
    assert page.input_value("input[name=title]") == "关于2021年党政领导干部履行教育职责督导评价结果的通报"
    axe(page)
    fits(page)
    shot(page, "notice-form", phone)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载 PDF 文档").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    page.fill("input[name=title]", "")
    page.evaluate("document.querySelector('input[name=title]').removeAttribute('required')")
    with page.expect_navigation():
        page.get_by_role("button", name="下载 Word 文档").click()
    text = page.inner_text("main")
    assert "通报未生成" in text and "这个字段是必填项" in text
    axe(page)
    fits(page)
    shot(page, "notice-refused", phone)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_batch_page_shows_progress_and_hands_over_the_zip(
    pages: Any,
    live_server: Any,
    organizer_ready: Any,
    honggutan: Any,  # noqa: F811
    axe: Any,
    phone: bool,
) -> None:
    from kaoping.jobs.models import Job, JobState

    campaign = honggutan.campaign
    # a Word batch still running in a worker: 3 of 10 done
    Job.objects.create(
        key=f"documents:{campaign.pk}:{organizer_ready.pk}:docx",
        title=f"生成全部单位自评报告(Word):{campaign.name}",
        task_path="kaoping.documents.tasks.build_reports_zip",
        state=JobState.RUNNING,
        done=3,
        total=10,
        step="第0004区",
        params={"campaign": campaign.pk, "kind": "docx"},
        created_by=organizer_ready,
    )
    page = pages.open(phone=phone)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "organizer")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/results/{campaign.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="全部单位自评报告(zip)").click()
    assert "已完成 3/10(30%)" in page.inner_text("main")
    axe(page)
    fits(page)
    shot(page, "batch-running", phone)

    page.get_by_label("PDF 文档").check()
    with page.expect_navigation():
        page.get_by_role("button", name="开始生成").click()
    main = page.locator("main")
    assert "已生成 1 个单位的自评报告(PDF)" in main.inner_text()
    axe(page)
    fits(page)
    shot(page, "batch-done", phone)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 zip 压缩包").click()
    assert download_info.value.suggested_filename.endswith(".zip")
    assert Path(download_info.value.path()).read_bytes().startswith(b"PK")
    assert not pages.foreign_requests
