"""Optional TOTP second factor with django-otp (issue 10 §2): enrol → sign-in asks for the code before
any page works → a wrong code is refused and throttled → the right code works."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaoping.audit.models import AuditEvent
from kaoping.orgs.models import LoginFailure

PASSWORD = "kaoping-test-pass-1"


@pytest.fixture(autouse=True)
def quick_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The device's code ``steps_ahead`` 30-second steps from now (a used step is never accepted twice)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift=steps_ahead):06d}"


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def enrol(client: Client) -> TOTPDevice:
    page = client.post(reverse("web:two_factor"), {"action": "start"}, follow=True).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code is drawn here, not by a web service
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("web:two_factor"), {"action": "confirm", "code": code(device)}, follow=True)
    assert "两步验证已启用" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def enrolled(organizer: Any) -> tuple[Any, TOTPDevice]:
    organizer.set_password(PASSWORD)
    organizer.save()
    return organizer, enrol(sign_in("organizer"))


def test_enrol_then_signing_in_requires_the_code_before_any_page(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    client = Client()
    response = client.post("/login/", {"username": "organizer", "password": PASSWORD, "next": "/orgs/users/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login_code"))
    for url in ("/", "/orgs/users/", "/campaigns/", reverse("web:account"), reverse("web:two_factor")):
        held = client.get(url)
        assert held.status_code == 302 and held["Location"].startswith(reverse("web:login_code")), url
    assert client.get("/api/campaigns/").status_code == 401
    page = client.get(reverse("web:login_code")).content.decode()
    assert "身份验证器" in page

    right = client.post(reverse("web:login_code"), {"code": code(device, 1), "next": "/orgs/users/"})
    assert right.status_code == 302 and right["Location"] == "/orgs/users/"
    assert client.get("/orgs/users/").status_code == 200
    events = list(AuditEvent.objects.filter(chain="accounts").values_list("action", flat=True).order_by("seq"))
    assert events[-1] == "login.success" and "otp.enrol" in events


def test_a_wrong_code_is_refused_then_throttled_then_the_right_code_works(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    client = sign_in("organizer")
    wrong = client.post(reverse("web:login_code"), {"code": "000000" if code(device, 1) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/").status_code == 302  # still held at the door
    # django-otp's own throttle: right after a failure even the right code waits (1 s, doubling)
    early = client.post(reverse("web:login_code"), {"code": code(device, 1)})
    assert early.status_code == 422 and "请稍等片刻" in early.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))
    right = client.post(reverse("web:login_code"), {"code": code(device, 1)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200
    failed = AuditEvent.objects.filter(chain="accounts", action="login.failed").values_list("new", flat=True)
    assert [event["step"] for event in failed] == ["code", "code"]


def test_five_wrong_codes_lock_the_account_like_wrong_passwords(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    client = sign_in("organizer")
    statuses = []
    for n in range(7):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        statuses.append(client.post(reverse("web:login_code"), {"code": f"{n:06d}"}).status_code)
    assert statuses == [422] * 5 + [429] * 2
    assert client.post(reverse("web:login_code"), {"code": code(device, 1)}).status_code == 429
    assert "分钟后再试" in client.post(reverse("web:login_code"), {"code": code(device, 1)}).content.decode()
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert client.post(reverse("web:login_code"), {"code": code(device, 1)}).status_code == 302


def test_a_used_code_cannot_be_replayed(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    first = sign_in("organizer")
    assert first.post(reverse("web:login_code"), {"code": code(device, 1)}).status_code == 302
    second = sign_in("organizer")
    assert second.post(reverse("web:login_code"), {"code": code(device, 1)}).status_code == 422


def test_enrolling_ends_the_users_other_sessions(organizer: Any) -> None:
    organizer.set_password(PASSWORD)
    organizer.save()
    other = sign_in("organizer")
    enrol(sign_in("organizer"))
    assert other.get("/").status_code == 302  # signed in with the password only: gone


def test_turning_it_off_needs_a_code_and_then_sign_in_needs_none(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    client = sign_in("organizer")
    client.post(reverse("web:login_code"), {"code": code(device, 1)})
    refused = client.post(reverse("web:two_factor"), {"action": "disable", "code": "12345x"})
    assert refused.status_code == 422 and TOTPDevice.objects.exists()
    # half a minute later (every step up to now was used by enrolment and sign-in)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, last_t=-1)
    client.post(reverse("web:two_factor"), {"action": "disable", "code": code(device)})
    assert not TOTPDevice.objects.exists()
    assert sign_in("organizer").get("/").status_code == 200


def test_an_administrator_clears_a_lost_phone(enrolled: tuple[Any, TOTPDevice], admin_user: Any) -> None:
    from kaoping.orgs.models import Membership

    user, _device = enrolled
    admin = Client()
    admin.force_login(admin_user)
    url = reverse("orgs:user_password", args=[Membership.objects.get(user=user).pk])
    page = admin.get(url).content.decode()
    assert "同时清除两步验证" in page
    new = "手机丢了-重新设置的密码-2024"
    admin.post(url, {"new_password1": new, "new_password2": new, "clear_second_factor": "on"})
    assert not TOTPDevice.objects.exists()
    client = Client()
    assert client.post("/login/", {"username": "organizer", "password": new}).status_code == 302
    assert client.get("/").status_code == 200


def test_knowing_the_password_does_not_reset_the_budget_for_codes(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    statuses = []
    for n in range(3):
        client = sign_in("organizer")  # the password is right every time
        for m in range(2):
            TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
            statuses.append(client.post(reverse("web:login_code"), {"code": f"{n}{m}0000"}).status_code)
    assert statuses == [422] * 5 + [429]


def test_a_session_whose_device_was_removed_elsewhere_is_not_stuck(enrolled: tuple[Any, TOTPDevice]) -> None:
    _user, device = enrolled
    client = sign_in("organizer")
    client.post(reverse("web:login_code"), {"code": code(device, 1)})
    TOTPDevice.objects.all().delete()  # turned off in another session
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/"
    assert client.get("/").status_code == 200
