"""Sign-in (throttled, with the second factor), the account page (password change) and TOTP enrolment."""

from __future__ import annotations

import base64
import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaoping.orgs import accounts, throttle
from kaoping.web.security import MUST_CHANGE_PASSWORD, OTP_REQUIRED

logger = logging.getLogger("kaoping.accounts")
INVALID_LOGIN = gettext_lazy("用户名或密码不正确,请重新输入。")


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": INVALID_LOGIN, "inactive": INVALID_LOGIN}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("验证码"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not code.isdigit():
            raise forms.ValidationError(_("验证码是 6 位数字"))
        return code


def _locked_message(attempt: throttle.Attempt) -> str:
    if attempt.locked_scope == throttle.Scope.ADDRESS:
        text = _("您所在网络的登录失败次数过多,已暂停登录。请在 %(minutes)d 分钟后再试。")
    else:
        text = _("该账号登录失败次数过多,为保护账号安全已暂停登录。请在 %(minutes)d 分钟后再试。")
    return text % {"minutes": attempt.retry_minutes}


def _locked(request: HttpRequest, template: str, context: dict[str, Any], attempt: throttle.Attempt) -> HttpResponse:
    # Logged, not audited: the lockout itself was audited when the budget ran out (accounts.login_failed).
    logger.warning("sign-in refused by the throttle (%s, %d s)", attempt.locked_scope, attempt.retry_after)
    response = render(request, template, {**context, "locked": _locked_message(attempt)}, status=429)
    response["Retry-After"] = str(attempt.retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username, password = request.POST.get("username", ""), request.POST.get("password", "")
        if not username.strip() or not password or len(username) > 150:
            return super().post(request, *args, **kwargs)  # the form says what is missing; nothing is checked
        address = throttle.client_address(request)
        attempt = throttle.begin(username, address)
        if attempt.locked:
            form = self.get_form_class()(request, initial={"username": username})
            return _locked(request, self.template_name, self.get_context_data(form=form), attempt)
        form = self.get_form()
        if form.is_valid():
            if accounts.totp_device(form.get_user()) is None:
                throttle.succeeded(attempt)
            else:  # the name's failures stay until the code is right too: a known password buys no guesses
                throttle.released(attempt)
            return self.form_valid(form)
        accounts.login_failed(username, address, used_up=throttle.failed(attempt))
        return self.form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        response = super().form_valid(form)  # signs in (new session key) and redirects to ``next``
        session = self.request.session
        if accounts.must_change_password(user):
            session[MUST_CHANGE_PASSWORD] = True
        if accounts.totp_device(user) is not None:
            session[OTP_REQUIRED] = True
            next_url = self.get_success_url()
            return HttpResponseRedirect(f"{reverse('web:login_code')}?{urlencode({'next': next_url})}")
        accounts.login_succeeded(user, throttle.client_address(self.request))
        return response


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: the code from the user's authenticator app."""
    user: Any = request.user
    device = accounts.totp_device(user) if user.is_authenticated else None
    if device is None or not request.session.get(OTP_REQUIRED):
        request.session.pop(OTP_REQUIRED, None)  # turned off meanwhile (elsewhere, or by an administrator)
        return redirect("web:home" if user.is_authenticated else "web:login")
    if user.is_verified():
        return redirect(_next_url(request, reverse("web:home")))
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": _next_url(request, "")}
    if request.method == "POST" and form.is_valid():
        address = throttle.client_address(request)
        attempt = throttle.begin(user.username, address)
        if attempt.locked:
            return _locked(request, "web/login_code.html", context, attempt)
        if verify_token(user, device.persistent_id, form.cleaned_data["code"]) is not None:
            throttle.succeeded(attempt)
            otp_login(request, device)
            accounts.login_succeeded(user, address, second_factor=True)
            return redirect(_next_url(request, reverse("web:home")))
        accounts.login_failed(user.username, address, used_up=throttle.failed(attempt), step="code")
        form.add_error("code", _code_refused(device))
    return render(request, "web/login_code.html", context, status=422 if form.errors else 200)


def _code_refused(device: TOTPDevice) -> str:
    allowed, detail = device.verify_is_allowed()
    locked_until = (detail or {}).get("locked_until")
    if not allowed and locked_until is not None:
        return _("验证码错误次数过多,请稍等片刻再试(约 %(seconds)d 秒)。") % {
            "seconds": max(1, int((locked_until - timezone.now()).total_seconds()))
        }
    return _("验证码不正确或已过期,请输入身份验证器上当前显示的 6 位数字。")


class AccountView(auth_views.PasswordChangeView):
    """账号安全: change one's own password (Django's view: old password, new one twice, the policy)."""

    template_name = "web/account.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("web:home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["must_change"] = bool(self.request.session.get(MUST_CHANGE_PASSWORD))
        context["second_factor"] = accounts.totp_device(self.request.user) is not None
        context["next"] = _next_url(self.request, "")
        return context

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        super().form_valid(form)  # saves, keeps this session, ends the others
        accounts.password_changed(form.user)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        messages.success(self.request, _("密码已修改"))
        return HttpResponseRedirect(_next_url(self.request, str(self.success_url)))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code drawn here, never by a web service), confirm it, or turn it off."""
    user: Any = request.user
    confirmed = accounts.totp_device(user)
    pending = None if confirmed else accounts.totp_device(user, confirmed=False)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "start" and confirmed is None:
        accounts.totp_start(user)
        return redirect("web:two_factor")
    if request.method == "POST" and action in ("confirm", "disable") and form.is_valid():
        device = pending if action == "confirm" else confirmed
        if device is not None and device.verify_token(form.cleaned_data["code"]):
            return _two_factor_done(request, device, action)
        form.add_error("code", _code_refused(device) if device else _("请先开始设置"))
    context = {"form": form, "confirmed": confirmed, "pending": pending}
    if pending is not None:
        context.update(qr=_qr_data_uri(pending.config_url), secret=_base32(pending))
    return render(request, "web/two_factor.html", context, status=422 if form.errors else 200)


def _two_factor_done(request: HttpRequest, device: TOTPDevice, action: str) -> HttpResponse:
    if action == "confirm":
        accounts.totp_confirmed(device, session_key=request.session.session_key)
        otp_login(request, device)
        request.session[OTP_REQUIRED] = True
        messages.success(request, _("两步验证已启用:以后登录时需要输入身份验证器上的验证码"))
    else:
        accounts.totp_disabled(request.user)  # type: ignore[arg-type]
        request.session.pop(OTP_REQUIRED, None)
        messages.success(request, _("两步验证已关闭"))
    return redirect("web:two_factor")


def _qr_data_uri(text: str) -> str:
    import qrcode  # imported on first use (server start-up stays quick)
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _base32(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
