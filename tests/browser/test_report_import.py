"""导入自评报告 in Chromium, desktop and 390×844 phone, checked by axe-core (issue 13 §4).

Seed 004's text (红谷滩区's 2021 self-evaluation report, page-header noise and damaged lines
included) is imported into a campaign built like the demo's (examples/honggutan-2021, nothing
filled in): the reporter from the unit's overview, the organizer from the unit's review page.
Each sees the preview (6 一级指标, 54 要点, stated total 99.1), corrects one item, confirms, and sees
the stored self-assessment total: 99.1 for the reporter (item 2's note corrected), 98.1 for the
organizer (item 2's score lowered to 1). Screenshots: var/screenshots/report-import-*.png.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.assessments.report_world import SEED_004, honggutan_world
from tests.browser.test_journey import PASSWORD, click_and_wait, login

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"


@pytest.fixture
def honggutan(transactional_db: Any, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return honggutan_world(password=PASSWORD)


def upload_seed(page: Any, name: str) -> None:
    page.get_by_label("自评报告文件(.docx 或 .txt)").set_input_files(
        {"name": "红谷滩区2021年自评报告.txt", "mimeType": "text/plain", "buffer": SEED_004.read_bytes()}
    )
    click_and_wait(page, page.get_by_role("button", name="上传并预览"))
    page.locator("#preview").wait_for()
    text = page.locator("#preview").inner_text()
    assert "6 个一级指标,54 个评价要点,其中 54 个对应到考核方案" in text
    assert "99.1" in page.locator("#stated-total").inner_text()
    assert "99.1" in page.locator("#after-total").inner_text()
    assert page.locator("table.report-rows tbody tr").count() == 54
    row15 = page.locator("#row-14")
    assert "第 49 行" in row15.inner_text() and "按数据计算:3.1 分" in row15.inner_text()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reporter_imports_seed_004_corrects_a_note_and_sees_total_99_1(
    pages: Any, live_server: Any, honggutan: Any, axe: Any, phone: bool
) -> None:
    from kaoping.assessments.models import SelfAssessment

    name = "phone" if phone else "desktop"
    SHOTS.mkdir(parents=True, exist_ok=True)
    base, unit = live_server.url, honggutan.unit
    page = pages.open(phone=phone)
    login(page, base, "hgt-reporter")
    page.goto(f"{base}/assess/{unit.campaign_id}/unit/{unit.pk}/")
    click_and_wait(page, page.get_by_role("link", name="导入自评报告"))
    page.get_by_role("heading", name="导入自评报告", exact=True).wait_for()
    axe(page)
    page.screenshot(path=str(SHOTS / f"report-import-start-{name}.png"), full_page=True)

    upload_seed(page, name)
    axe(page)
    page.screenshot(path=str(SHOTS / f"report-import-preview-{name}.png"), full_page=False)
    page.locator("#row-1").screenshot(path=str(SHOTS / f"report-import-row-{name}.png"))
    page.get_by_label("第 2 项得失分说明").fill("定期专题研究意识形态工作(已核对)")
    click_and_wait(page, page.get_by_role("button", name="确认导入"))
    page.locator(".message.success", has_text="导入 54 项").wait_for()
    assert "99.1" in page.locator(".self-total").first.inner_text()
    axe(page)
    page.screenshot(path=str(SHOTS / f"report-import-done-{name}.png"), full_page=True)
    assert SelfAssessment.objects.get(unit=unit, item_id="2").note == "定期专题研究意识形态工作(已核对)"
    assert SelfAssessment.objects.filter(unit=unit).count() == 54


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_organizer_imports_seed_004_lowers_one_score_and_sees_total_98_1(
    pages: Any, live_server: Any, honggutan: Any, axe: Any, phone: bool
) -> None:
    from kaoping.assessments.models import SelfAssessment

    name = "phone" if phone else "desktop"
    base, unit = live_server.url, honggutan.unit
    page = pages.open(phone=phone)
    login(page, base, "hgt-organizer")
    page.goto(f"{base}/assess/{unit.campaign_id}/review/unit/{unit.pk}/")
    click_and_wait(page, page.get_by_role("link", name="导入该单位的自评报告"))
    upload_seed(page, name)
    # a wrong value first: located on its row, nothing saved
    page.get_by_label("第 2 项自评分").fill("5")
    click_and_wait(page, page.get_by_role("button", name="确认导入"))
    errors = page.locator("#row-errors")
    errors.wait_for()
    assert "2 学校意识形态工作:自评分 5 超过了该项分值 2" in errors.inner_text()
    assert not SelfAssessment.objects.filter(unit=unit).exists()
    axe(page)
    page.screenshot(path=str(SHOTS / f"report-import-errors-{name}.png"), full_page=False)
    page.get_by_label("第 2 项自评分").fill("1")
    click_and_wait(page, page.get_by_role("button", name="确认导入"))
    page.locator(".message.success", has_text="导入 54 项").wait_for()
    assert "98.1" in page.locator("#current-total").inner_text()
    axe(page)
    page.screenshot(path=str(SHOTS / f"report-import-organizer-done-{name}.png"), full_page=True)
    entry = SelfAssessment.objects.get(unit=unit, item_id="2")
    assert (entry.self_score, entry.updated_by_id) == (Decimal(1), honggutan.organizer.pk)
