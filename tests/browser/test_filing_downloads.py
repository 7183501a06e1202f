# ruff: noqa: F811  (scored is a fixture imported from the print test)
"""The standings page offers the Excel tables; a click downloads a workbook with its Chinese name
(desktop and a 390×844 phone, axe, screenshot kept)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.assessments.conftest import _media_root  # noqa: F401  (autouse: evidence under tmp)
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import login
from tests.browser.test_print import scored  # noqa: F401  (school A 9.5, school B a draft; organizer signs in)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_standings_page_downloads_the_ranking_and_detail_tables(
    scored: Any, pages: Any, live_server: Any, cast: Any, axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/results/{scored.pk}/")
    links = page.get_by_role("navigation", name="下载 Excel 表格")
    links.wait_for(state="visible")
    expected = {"考核结果汇总表": "汇总表-学校", "考核得分明细表": "明细表-学校"}
    for label, sheet_name in expected.items():
        with page.expect_download() as info:
            links.get_by_role("link", name=label).click()
        download = info.value
        assert download.suggested_filename == f"{scored.name}{label}.xlsx"
        book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
        assert sheet_name in book.sheetnames
        assert book[sheet_name]["A1"].value.endswith(f"{label[2:]}(学校)")
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if phone else "desktop"
    page.screenshot(path=str(SCREENSHOTS / f"filing-downloads-{name}.png"), full_page=not phone)
