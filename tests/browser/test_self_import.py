"""Excel 批量填报 in Chromium, desktop and 390×844 phone, checked by axe-core (issue 11 §3).

The reporter opens the import from the overview, downloads the pre-filled 自评表, fills it (openpyxl
stands in for Excel), uploads a file with a score out of range (located error, nothing saved), then
the corrected file, checks the preview and confirms; the values are stored and shown in the form.
Screenshots: var/screenshots/self-import-*.png.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.browser.test_department_mapping import PASSWORD, login  # the same cast, password and sign-in

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def reporting(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> Any:
    from kaoping.campaigns.models import Phase

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "evidence"
    for user in cast.users.values():
        if getattr(user, "pk", None):
            user.set_password(PASSWORD)
            user.save()
    cast.campaign.phase = Phase.SELF_ASSESSMENT
    cast.campaign.save()
    return cast


def filled(template: bytes, values: dict[str, Any]) -> dict[str, Any]:
    from openpyxl import load_workbook

    from kaoping.formats.self_assessment_xlsx import SHEET_NAME

    workbook = load_workbook(io.BytesIO(template))
    for cell, value in values.items():
        workbook[SHEET_NAME][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": "自评表.xlsx", "mimeType": mime, "buffer": buffer.getvalue()}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reporter_downloads_fills_uploads_previews_and_confirms(
    pages: Any, live_server: Any, reporting: Any, axe: Any, phone: bool, tmp_path: Path
) -> None:
    from kaoping.assessments.models import SelfAssessment

    name = "phone" if phone else "desktop"
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    unit = reporting.campaign_units["school_a"]
    page = pages.open(phone=phone)
    login(page, base, "reporter_a")
    page.goto(f"{base}/assess/{unit.campaign_id}/unit/{unit.pk}/")
    page.get_by_role("link", name="用 Excel 自评表批量填报").click()
    page.get_by_role("heading", name="用 Excel 自评表批量填报").wait_for()
    axe(page)
    page.screenshot(path=str(SHOTS / f"self-import-start-{name}.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载自评表模板").click()
    template_path = tmp_path / "template.xlsx"
    download_info.value.save_as(template_path)
    template = template_path.read_bytes()

    # out of range and text in a number cell: located errors, nothing written
    page.get_by_label("填好的自评表(.xlsx)").set_input_files(filled(template, {"D4": 9, "D5": "两分"}))
    page.get_by_role("button", name="上传并预览").click()
    errors = page.locator(".message.error")
    errors.wait_for()
    assert "第 4 行 自评分:超出 0–3 分" in errors.inner_text()
    assert "第 5 行 自评分:“两分”不是数字" in errors.inner_text()
    axe(page)
    page.screenshot(path=str(SHOTS / f"self-import-errors-{name}.png"), full_page=True)
    assert not SelfAssessment.objects.filter(unit=unit).exists()

    page.get_by_label("填好的自评表(.xlsx)").set_input_files(
        filled(template, {"D4": 3, "E4": "按要求建立党组织", "D5": 2.5, "D6": 4})
    )
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("button", name="确认导入 3 项").wait_for()
    assert "按要求建立党组织" in page.locator("#preview").inner_text()
    axe(page)
    page.screenshot(path=str(SHOTS / f"self-import-preview-{name}.png"), full_page=True)
    page.get_by_role("button", name="确认导入 3 项").click()
    page.locator(".message.success", has_text="已从 Excel 自评表导入 3 项").wait_for()
    stored = {r.item_id: r.self_score for r in SelfAssessment.objects.filter(unit=unit)}
    assert stored == {"1.1": Decimal(3), "1.2": Decimal("2.5"), "2": Decimal(4)}
    page.screenshot(path=str(SHOTS / f"self-import-done-{name}.png"), full_page=True)
    page.goto(f"{base}/assess/{unit.campaign_id}/unit/{unit.pk}/section/0/")
    assert page.locator("input[name=self_score]").first.input_value() == "3"
