"""Storage failures the user can see: a busy or full database, a full disk, a database that is gone.

Such a failure is nobody's mistake and passes on its own, so the user gets a Chinese 503 with
``Retry-After`` (an HTML page, or ``{"error": …}`` for htmx, JSON and API requests) instead of a
traceback or a bare 500. Nothing is half-written: every write of the services runs in
``transaction.atomic()``, which has already rolled back by the time the exception reaches us.

``StorageFailureMiddleware`` handles exceptions raised by views; ``server_error`` (the root
URLconf's ``handler500``) handles the same failures when they come from a middleware, e.g. the
session load or save, and renders every other 500 without touching the database. The 400, 403 and
404 handlers render their standalone Chinese pages the same way.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

logger = logging.getLogger("kaoping.failures")


class Failure(StrEnum):
    BUSY = "busy"
    DISK_FULL = "disk_full"
    UNAVAILABLE = "unavailable"


# Seconds a client should wait before trying again. A lock is gone in moments; space takes a person.
RETRY_AFTER = {Failure.BUSY: 3, Failure.DISK_FULL: 30, Failure.UNAVAILABLE: 10}

_SQLITE_NAMES = {
    "SQLITE_BUSY": Failure.BUSY,
    "SQLITE_LOCKED": Failure.BUSY,
    "SQLITE_FULL": Failure.DISK_FULL,
    "SQLITE_CANTOPEN": Failure.UNAVAILABLE,
}
_SQLITE_MESSAGES = {
    "database is locked": Failure.BUSY,
    "database table is locked": Failure.BUSY,
    "database schema is locked": Failure.BUSY,
    "database or disk is full": Failure.DISK_FULL,
    "disk i/o error": Failure.UNAVAILABLE,
    "unable to open database file": Failure.UNAVAILABLE,
}
# PostgreSQL SQLSTATEs: lock_timeout, statement_timeout, serialization failure, deadlock, too many
# connections are "busy"; disk_full; connection (08), shutdown (57P0x), resources (53), system (58).
_PG_BUSY = {"55P03", "57014", "40001", "40P01", "53300"}
_PG_FULL = {"53100"}
_PG_UNAVAILABLE_PREFIXES = ("08", "57P", "53", "58")


def classify(exc: BaseException | None) -> Failure | None:
    """The kind of storage failure ``exc`` is, or None for anything else (a bug stays a 500)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Failure.DISK_FULL
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", "")
    if sqlstate is None or sqlstate:  # psycopg: None means no server answer (refused, dropped)
        return _postgres_failure(sqlstate)
    name = getattr(cause, "sqlite_errorname", None) if isinstance(cause, sqlite3.Error) else None
    if name:
        found = _SQLITE_NAMES.get(name) or (Failure.UNAVAILABLE if name.startswith("SQLITE_IOERR") else None)
        if found:
            return found
    return _SQLITE_MESSAGES.get(str(exc).strip().lower())


def _postgres_failure(sqlstate: str | None) -> Failure | None:
    if sqlstate is None:
        return Failure.UNAVAILABLE
    if sqlstate in _PG_BUSY:
        return Failure.BUSY
    if sqlstate in _PG_FULL:
        return Failure.DISK_FULL
    return Failure.UNAVAILABLE if sqlstate.startswith(_PG_UNAVAILABLE_PREFIXES) else None


def _message(failure: Failure) -> str:
    messages = {
        Failure.BUSY: _("数据库忙(其他人正在保存),本次操作没有生效。"),
        Failure.DISK_FULL: _("服务器存储空间已满,本次操作没有生效。请通知系统管理员清理磁盘空间。"),
        Failure.UNAVAILABLE: _("暂时无法连接数据库,本次操作没有生效。"),
    }
    return messages[failure]


def wants_json(request: HttpRequest) -> bool:
    """htmx swaps, fetch() calls with JSON and the API read the error from JSON, not from a page."""
    accept = request.headers.get("Accept", "")
    return (
        request.headers.get("HX-Request") == "true"
        or request.path.startswith("/api/")
        or request.content_type == "application/json"
        or ("application/json" in accept and "text/html" not in accept)
    )


def failure_response(request: HttpRequest, failure: Failure) -> HttpResponse:
    """A 503 naming what went wrong in Chinese; rendered without the database or any context processor."""
    message = _message(failure)
    retry_after = RETRY_AFTER[failure]
    response: HttpResponse
    if wants_json(request):
        body = {"error": message, "reason": failure.value, "retry_after": retry_after}
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        context = {"message": message, "retry_after": retry_after}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _log(request: HttpRequest, failure: Failure, exc: BaseException) -> None:
    # A full disk needs a person; a busy database is routine under load and only worth a warning.
    level = logging.ERROR if failure is Failure.DISK_FULL else logging.WARNING
    logger.log(level, "storage failure (%s) on %s %s: %s", failure.value, request.method, request.path, exc)


class StorageFailureMiddleware(MiddlewareMixin):
    """Turns a storage failure raised by a view into ``failure_response``; other exceptions pass on."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        failure = classify(exception)
        if failure is None:
            return None
        _log(request, failure, exception)
        return failure_response(request, failure)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its ``except`` block, so the exception is still at hand."""
    exc = sys.exception()
    failure = classify(exc)
    if failure is not None and exc is not None:
        _log(request, failure, exc)
        return failure_response(request, failure)
    if wants_json(request):
        message = _("服务器出错,本次操作没有完成。请稍后再试;如果一直出现,请告诉系统管理员。")
        return JsonResponse({"error": message}, status=500, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(render_to_string("500.html"), status=500)


# Django's own 400/403/404 handlers render with the request, so every context processor runs: the
# navigation reads the database, and on a 400 raised before authentication ``request.user`` does not
# exist yet. These render the same standalone templates without either.


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(render_to_string("400.html"), status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(render_to_string("403.html"), status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(render_to_string("404.html"), status=404)


class ChineseNotFoundMiddleware:
    """With DEBUG on, Django answers a 404 with its technical page (every URL pattern, in English)
    instead of ``handler404``. This puts the same Chinese page there as in production; an htmx,
    JSON or API 404 and a view's own non-HTML 404 pass unchanged. Off DEBUG it does nothing."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
            and not wants_json(request)
        ):
            return page_not_found(request)
        return response
