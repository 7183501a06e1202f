"""The page a NUL in a form or query gets (kaoping.web.input_guard), desktop and 390×844 phone, axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_nul_in_a_query_gets_a_chinese_page_saying_what_to_do(
    pages: Any, live_server: Any, transactional_db: Any, axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    response = page.goto(f"{live_server.url}/login/?next=%2F%00")
    assert response is not None and response.status == 400
    text = page.inner_text("main")
    assert "不可见的控制字符" in text and "没有保存任何内容" in text and "next" not in text
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"input-refused-{'phone' if phone else 'desktop'}.png"), full_page=True)
