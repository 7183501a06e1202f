"""Middleware for signed-in pages: no caching of private pages, and the account gate.

``NoStoreMiddleware`` sends ``Cache-Control: no-store`` on every response to a signed-in user and on
every rater page, so neither a shared proxy nor the browser's back button keeps a copy of a private
page once the user has signed out. Static files never get here: WhiteNoise answers them earlier.

``AccountGateMiddleware`` holds a session at the door while its sign-in is incomplete: a user with a
second factor must enter the code, and a user whose password an administrator set must choose a new
one, before any other page (or API call) works. The flags live in the session, set at sign-in, so
users without them cost no query here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

OTP_REQUIRED = "kp_otp_required"  # session flag: this sign-in needs the second factor
MUST_CHANGE_PASSWORD = "kp_must_change_password"  # session flag: choose a new password first
PRIVATE_NAMESPACES = ("ratings", "api")  # rater pages carry a rater's cookie; API answers are private


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        private = match is not None and match.app_name in PRIVATE_NAMESPACES
        user = getattr(request, "user", None)
        if private or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.get(OTP_REQUIRED) or session.get(MUST_CHANGE_PASSWORD):
            refused = self._gate(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        logout = reverse("web:logout")
        if request.session.get(OTP_REQUIRED) and not user.is_verified():  # type: ignore[union-attr,attr-defined]
            step, message = reverse("web:login_code"), _("请先输入身份验证器上的验证码")
        elif request.session.get(MUST_CHANGE_PASSWORD):
            step, message = reverse("web:account"), _("管理员为您设置了新密码,请先修改密码")
        else:
            return None
        if request.path in (step, logout):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        target = f"{step}?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else step
        response = HttpResponseRedirect(target)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = target
        return response
