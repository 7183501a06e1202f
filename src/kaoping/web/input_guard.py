"""Text with a NUL character is refused for every form and query, before any view reads it.

PostgreSQL refuses text containing NUL (a database error, so a 500), SQLite stores it, and no user
means to type one: it comes from text pasted out of other software or from a hostile client. One
check here, for every field of every form, gives the same clear Chinese 400 everywhere and keeps
NUL out of the database whichever one it is (issue 10 §4; found by the fuzz harness, tests/fuzz).
JSON bodies are checked by their readers (kaoping.api.parsing, the ballot endpoint).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kaoping.web.failures import wants_json

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _field_with_nul(request.GET)
        if field is None and request.method in ("POST", "PUT", "PATCH") and request.content_type in _FORM_TYPES:
            field = _field_with_nul(request.POST)
        if field is not None:
            return _refusal(request, field)
        return self.get_response(request)


def _field_with_nul(data: QueryDict) -> str | None:
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")[:40] or "?"
    return None


def _refusal(request: HttpRequest, field: str) -> HttpResponse:
    """The form's own field name goes only to scripts (``field``): to a person it means nothing."""
    if wants_json(request):
        message = _("填写的文字中含有不可见的控制字符(NUL,常见于复制来的文字),没有保存,请删除后重新输入")
        return JsonResponse({"error": message, "field": field}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(render_to_string("400_control_character.html"), status=400)
