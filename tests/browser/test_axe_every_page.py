"""axe-core on every page of every role in Chromium (issue 11 §4): 0 serious or critical violations.

The pages come from the same crawl as the word check (``tests/page_crawl.py``): every role of the
demo world crawls with Django's test client, and each URL pattern one of them reached with an HTML
page is opened once in Chromium on a desktop, as the first role that reached it (deduplicated by
pattern to keep the run short), plus every role's home page; a representative set — each pattern
once as a role that works on a phone (the rater, the unit reporters, then the organizer on the
move) — again on a 390×844 phone. The browser signs in with the role's session cookie (the rater with its own
slip). Each page is checked by ``axe_violations`` (tests/conftest.py: WCAG 2.1 A/AA); violations
of impact serious or critical fail the test, the others are printed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

import page_crawl

PHONE_ROLES = ("rater", "reporter", "school_reporter")
# What the organizer opens on a phone as well (the rest of the organizer's pages are desk work).
ORGANIZER_ON_PHONE = frozenset({"campaigns:detail", "audit:campaign_log", "campaigns:scheme_diff", "results:standings"})
# Screenshots to look at: the pages whose wording issue 11 §2 changed.
SCREENSHOTS = {"audit:campaign_log", "campaigns:scheme_diff", "assessments:item_history", "external:imported_scores"}
SEVERE = ("(serious)", "(critical)")
SHOTS = page_crawl.ROOT / "var" / "screenshots"
SKIP_IN_BROWSER = frozenset({"web:login"})  # the anonymous visitor's login page is checked as such below
# KAOPING_SCREENSHOT_EVERY_PAGE=1: every page pattern of every role on desktop and on the phone, each
# one screenshotted to var/screenshots/review/ (the screenshot review of issue 11; docs/testing.md)
EVERY_PAGE = os.environ.get("KAOPING_SCREENSHOT_EVERY_PAGE") == "1"
REVIEW_SHOTS = SHOTS / "review"


class Plan:
    def __init__(self) -> None:
        self.desktop: list[tuple[str, str]] = []  # (role, url)
        self.phone: list[tuple[str, str]] = []
        self.cookies: dict[str, dict[str, str]] = {}
        self.rater_token = ""


@pytest.fixture
def plan(transactional_db: Any, settings: Any, tmp_path: Any) -> Iterator[Plan]:
    from django.conf import settings as live
    from django.test import Client

    from kaoping.orgs.models import User

    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    world = page_crawl.build_world(Client)
    result = Plan()
    seen_routes: set[str] = set()
    phone_routes: set[str] = set()
    opened = [
        page
        for page in page_crawl.crawl_every_role(world, Client, per_pattern=1)
        # not downloads, redirects, refusals or htmx fragments (those are checked inside their pages)
        if page.status == 200 and page.content_type.startswith("text/html") and "<html" in page.text[:500]
    ]
    if EVERY_PAGE:
        every = {(page.role, page.route): page.url for page in opened}
        result.desktop = [(role, url) for (role, _route), url in every.items()]
        result.phone = list(result.desktop)
    for page in opened:
        if EVERY_PAGE:
            break
        if page.url == "/" or page.route not in seen_routes:
            seen_routes.add(page.route)
            result.desktop.append((page.role, page.url))
    for role in () if EVERY_PAGE else PHONE_ROLES:  # the rater's and the units' pages
        for page in opened:
            if page.role == role and page.route not in phone_routes:
                phone_routes.add(page.route)
                result.phone.append((page.role, page.url))
    for page in () if EVERY_PAGE else opened:
        if page.role == "organizer" and page.route in ORGANIZER_ON_PHONE and page.route not in phone_routes:
            phone_routes.add(page.route)
            result.phone.append((page.role, page.url))
    for role, username in page_crawl.ROLES.items():
        if username:
            client = Client()
            client.force_login(User.objects.get(username=username))
            result.cookies[role] = {live.SESSION_COOKIE_NAME: client.cookies[live.SESSION_COOKIE_NAME].value}
    result.rater_token = world.more_rater_tokens[0]
    print(f"\nworld and crawl: {time.perf_counter() - started:.1f} s")
    yield result


def _context(pages: Any, base: str, role: str, plan: Plan, *, phone: bool) -> Any:
    page = pages.open(phone=phone)
    if role in plan.cookies:
        page.context.add_cookies([{"name": k, "value": v, "url": base} for k, v in plan.cookies[role].items()])
    elif role == "rater":
        page.goto(f"{base}/rating/t/{plan.rater_token}")
    return page


def _check(
    pages: Any, base: str, plan: Plan, entries: list[tuple[str, str]], axe_lines: Any, *, phone: bool
) -> list[str]:
    from django.urls import resolve

    found: list[str] = []
    opened: dict[str, Any] = {}
    for role, url in entries:
        page = opened.get(role) or _context(pages, base, role, plan, phone=phone)
        opened[role] = page
        page.goto(base + url, wait_until="load")
        route = resolve(url.split("?")[0]).view_name
        if EVERY_PAGE:
            REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
            name = f"{role}-{route.replace(':', '-')}-{'phone' if phone else 'desktop'}.png"
            page.screenshot(path=str(REVIEW_SHOTS / name))
        elif route in SCREENSHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = f"words-{route.replace(':', '-')}-{'phone' if phone else 'desktop'}.png"
            page.screenshot(path=str(SHOTS / name), full_page=True)
        for line in axe_lines(page):
            if any(mark in line for mark in SEVERE):
                found.append(f"{'phone' if phone else 'desktop'} {role} {url}: {line}")
            else:
                print(f"minor {'phone' if phone else 'desktop'} {role} {url}: {line}")
    return found


@pytest.fixture
def axe_lines(request: pytest.FixtureRequest) -> Any:
    """``axe_violations`` of tests/conftest.py (this folder has its own module named conftest)."""
    shared = str(page_crawl.ROOT / "tests" / "conftest.py")
    for plugin in request.config.pluginmanager.get_plugins():
        if getattr(plugin, "__file__", None) == shared:
            return plugin.axe_violations
    raise AssertionError("tests/conftest.py is not loaded")


def test_no_page_has_a_serious_accessibility_violation(
    pages: Any, live_server: Any, plan: Plan, axe_lines: Any
) -> None:
    started = time.perf_counter()
    base = live_server.url
    found = _check(pages, base, plan, plan.desktop, axe_lines, phone=False)
    found += _check(pages, base, plan, plan.phone, axe_lines, phone=True)
    # the login page as the anonymous visitor sees it, on both
    for phone in (False, True):
        page = pages.open(phone=phone)
        page.goto(f"{base}/login/")
        found += [f"login {line}" for line in axe_lines(page) if any(m in line for m in SEVERE)]
    print(
        f"\naxe on {len(plan.desktop)} desktop and {len(plan.phone)} phone pages "
        f"in {time.perf_counter() - started:.1f} s"
    )
    assert not found, f"{len(found)} serious/critical violations:\n" + "\n".join(found)
    assert not pages.foreign_requests
