"""Playwright (sync API) driving Debian's Chromium against Django's live server.

Chromium is /usr/bin/chromium (``apt-get install chromium``); Playwright's own browser downloads are
not used. When it is missing every browser test is skipped with the reason. Screenshots of every
open page are written to var/screenshots/ when a test fails. Every request a page sends is
recorded, so a test can assert that nothing leaves localhost (no CDN, no fonts, no analytics).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("KAOPING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        pages: list[Any] = getattr(item, "_kaoping_pages", [])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(pages):
            name = re.sub(r"[^\w.-]+", "_", f"{item.name}-{n}") + ".png"
            try:
                page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
            except Exception:
                continue
    return report


# Module scope, not session: Playwright's sync API runs an asyncio loop on this thread while it is
# open, and later tests (the live-rating load test, its own phone test) need the thread loop-free.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (uv sync --group dev)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Pages:
    """Opens browser contexts (one per person) and remembers every request that left localhost."""

    def __init__(self, browser: Any, item: pytest.Item) -> None:
        self.browser = browser
        self.item = item
        self.contexts: list[Any] = []
        self.foreign_requests: list[str] = []
        self.requests = 0
        item._kaoping_pages = []  # type: ignore[attr-defined]

    def _record(self, request: Any) -> None:
        self.requests += 1
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.foreign_requests.append(request.url)

    def open(self, *, phone: bool = False) -> Any:
        options: dict[str, Any] = {"locale": "zh-CN"}
        if phone:
            options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
        context = self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.on("request", self._record)
        self.contexts.append(context)
        page = context.new_page()
        self.item._kaoping_pages.append(page)  # type: ignore[attr-defined]
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Any, request: pytest.FixtureRequest) -> Iterator[Pages]:
    opened = Pages(browser, request.node)
    yield opened
    opened.close()
