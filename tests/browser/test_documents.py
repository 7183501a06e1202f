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
    honggutan: Any,
    axe: Any,
    phone: bool,  # noqa: F811
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
