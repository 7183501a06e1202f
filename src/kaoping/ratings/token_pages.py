"""What every page opened with a voting token needs: live rating's rater pages and a selection's
voter page alike. The first URL carried the token, so such a page never tells another page where
it came from, and Django's request logger never writes the path of its 4xx answers."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse


def no_referrer(view: Any) -> Any:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return wrapped


def unlogged(response: HttpResponse) -> HttpResponse:
    """Marks the response as logged already, so the token-bearing path is not written."""
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
