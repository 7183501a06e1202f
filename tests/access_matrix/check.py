"""Judge one response against the expected answer of its cell."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url

OK = "ok"  # the role gets through (a form error or a conflict still counts: access was granted)
NOT_FOUND = "404"  # a foreign object: plain 404, nothing that confirms it exists
LOGIN = "login"  # anonymous: redirected to the login page (the API answers 401)
ARCHIVED = "archived"  # may write, but the campaign is archived: refused with the reason, nothing changes

ARCHIVED_REASON = "该考核活动已归档"

# statuses that mean "you got through", even when the (empty) form was refused
_THROUGH = {200, 201, 204, 301, 302, 303, 400, 409, 422}


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        # consuming the stream closes the response (the test client wraps it); closing it again would
        # fire request_finished outside the client and close the DB connection mid-transaction
        return b"".join(response.streaming_content)
    return bytes(response.content)


def readable(response: Any, body: bytes) -> str:
    """The body as text; a JSON answer with its \\u escapes undone (the API escapes Chinese)."""
    text = body.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def login_url() -> str:
    return str(resolve_url(settings.LOGIN_URL))


def leaked(body: bytes, markers: Iterable[str]) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    return sorted(m for m in markers if m in text)


def verdict(response: Any, body: bytes, *, expected: str, is_api: bool, notes: Iterable[str] = ()) -> str | None:
    """What is wrong with the response (one line), or None. ``notes``: the messages the request queued."""
    status = response.status_code
    location = response.get("Location", "")
    if expected == ARCHIVED:
        if status >= 500 or status not in _THROUGH:
            return f"expected the archive refusal, got HTTP {status}"
        told = ARCHIVED_REASON in readable(response, body) or any(ARCHIVED_REASON in n for n in notes)
        return None if told else f"HTTP {status} without the reason “{ARCHIVED_REASON}…” (page or message)"
    if expected == OK:
        if status >= 500 or status not in _THROUGH:
            return f"expected access, got HTTP {status}"
        if status in (301, 302, 303) and location.startswith(login_url()):
            return f"expected access, got redirected to login ({location})"
        return None
    if expected == LOGIN:
        if is_api:
            return None if status in (401, 404) else f"anonymous API call should be refused (401), got HTTP {status}"
        if status in (301, 302, 303) and location.startswith(login_url()):
            return None
        return f"anonymous should be sent to login, got HTTP {status} {location}"
    if status != 404:
        return f"foreign object should answer 404, got HTTP {status} {location}"
    return None
