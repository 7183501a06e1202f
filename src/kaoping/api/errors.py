"""One shape for every API error, in Chinese, and documented on every operation.

django-ninja answers an unauthenticated call, an unknown object and a malformed request with its
own English ``{"detail": …}`` bodies, which the OpenAPI schema did not mention: a client generated
from the schema could not read them (schemathesis: undocumented status codes, and 422 bodies that
did not match the declared ``Problem``). Here every error is a ``Problem`` with a Chinese message,
and ``errors_for(...)`` lists the statuses an operation can answer besides its own.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaoping.api.parsing import UnstorableText


class Problem(Schema):
    message: str
    errors: dict[str, str] = {}
    current: dict[str, Any] | None = None


def errors_for(*, write: bool = False) -> dict[int, type[Problem]]:
    """Statuses every operation can answer with a ``Problem``: not signed in, not found (or not
    yours), malformed; a write also a body that is not JSON, a failed CSRF check and a conflict
    (stale version, closed)."""
    statuses = {401: Problem, 404: Problem, 422: Problem}
    if write:
        statuses |= {400: Problem, 403: Problem, 409: Problem}
    return statuses


def _field_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    known = {
        "missing": _("缺少此项"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "int_from_float": _("应为整数"),
        "string_type": _("应为文本"),
        "bool_parsing": _("应为 true 或 false"),
        "bool_type": _("应为 true 或 false"),
        "dict_type": _("应为对象"),
        "model_type": _("应为对象"),
        "model_attributes_type": _("应为对象"),
        "list_type": _("应为数组"),
        "json_invalid": _("不是有效的 JSON"),
        "string_unicode": _("含有无效的字符"),
    }
    return known.get(kind, _("格式不正确"))


def _location(error: dict[str, Any]) -> str:
    """ninja's ("body", "body", "version") → "version"; ("path", "campaign_id") stays "path.campaign_id"."""
    parts = [str(part) for part in error.get("loc", ())]
    if parts[:2] == ["body", "body"]:
        parts = parts[2:]
    return ".".join(parts) or "body"


def _validation_error(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    errors: dict[str, str] = {}
    for error in getattr(exc, "errors", []):
        errors.setdefault(_location(error), _field_message(error))
    where = "、".join(errors)
    body = {"message": _("请求的数据格式不正确:%(where)s") % {"where": where}, "errors": errors}
    return api.create_response(request, body, status=422)


def _not_found(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"message": _("未找到,或您无权访问")}, status=404)


def _http_error(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    status = getattr(exc, "status_code", 400)
    if isinstance(exc.__cause__, UnstorableText):  # see kaoping.api.parsing
        where = exc.__cause__.where
        message = _("请求体中“%(where)s”含有无法保存的字符(空字符或不成对的代理项)") % {"where": where}
        return api.create_response(request, {"message": message, "errors": {where: _("含有无效的字符")}}, status=400)
    messages = {
        400: _("请求体不是有效的 JSON"),  # ninja's only 400: "Cannot parse request body"
        401: _("请先登录"),
        403: _("请求被拒绝(安全校验未通过),请刷新页面后重试"),
    }
    return api.create_response(request, {"message": messages.get(status, _("请求无法处理"))}, status=status)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies with ``Problem``s."""
    api.add_exception_handler(ValidationError, partial(_validation_error, api))
    api.add_exception_handler(Http404, partial(_not_found, api))
    api.add_exception_handler(HttpError, partial(_http_error, api))
    api.add_exception_handler(AuthenticationError, partial(_http_error, api))
