"""Writes about accounts: sign-in events, passwords, the second factor. Audited on the chain ``accounts``.

No audit event carries a password or a one-time code. A failed sign-in names the account only when
the typed name is one (people type their password into the user-name field, and that text must not
end up in the audit trail).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaoping.audit.services import audit_record
from kaoping.orgs import throttle
from kaoping.orgs.models import AccountState, User

CHAIN = "accounts"


def login_succeeded(user: User, address: str, *, second_factor: bool = False) -> None:
    audit_record(
        chain=CHAIN,
        action="login.success",
        object_type="user",
        object_id=user.pk,
        actor=user,
        new={"address": address, "second_factor": second_factor},
    )


def login_failed(username: str, address: str, *, used_up: list[str], step: str = "password") -> None:
    """One failed check (``step`` "password" or "code"); ``used_up``: budgets it exhausted (lockouts)."""
    user = User.objects.filter(username=username).first()
    known = {"username": user.username} if user else {}
    object_id = user.pk if user else ""
    audit_record(
        chain=CHAIN,
        action="login.failed",
        object_type="user",
        object_id=object_id,
        new={**known, "address": address, "step": step},
    )
    for scope in used_up:
        audit_record(
            chain=CHAIN,
            action="login.locked",
            object_type="user" if scope == throttle.Scope.USERNAME else "address",
            object_id=object_id if scope == throttle.Scope.USERNAME else address[:64],
            new={**known, "address": address, "scope": scope},
        )


def state_of(user: Any) -> AccountState:
    state, _ = AccountState.objects.get_or_create(user_id=user.pk)
    return state


def must_change_password(user: Any) -> bool:
    return AccountState.objects.filter(user_id=user.pk, must_change_password=True).exists()


def require_password_change(user: Any) -> None:
    """The user's current password was chosen by someone else: they choose their own at the next sign-in."""
    AccountState.objects.update_or_create(user_id=user.pk, defaults={"must_change_password": True})


@transaction.atomic
def password_changed(user: User) -> None:
    """The user chose a new password themselves (Django's PasswordChangeView saved it)."""
    AccountState.objects.update_or_create(
        user_id=user.pk, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
    )
    audit_record(chain=CHAIN, action="password.change", object_type="user", object_id=user.pk, actor=user)


@transaction.atomic
def password_set(*, user: User, password: str, must_change: bool, clear_second_factor: bool, actor: Any) -> None:
    """An administrator sets (or resets) a user's password. Validated against the password policy."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    AccountState.objects.update_or_create(
        user_id=user.pk, defaults={"must_change_password": must_change, "password_changed_at": timezone.now()}
    )
    removed = TOTPDevice.objects.filter(user=user).delete()[0] if clear_second_factor else 0
    throttle.clear_username(user.username)
    end_sessions(user)
    audit_record(
        chain=CHAIN,
        action="password.set",
        object_type="user",
        object_id=user.pk,
        actor=actor,
        new={"must_change": must_change, "second_factor_removed": bool(removed)},
    )


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """Sign the user out everywhere except the session ``keep``.

    Sessions are rows of the database backend; a user's own are found by decoding them, which is
    fine for the rare events that need it (enrolling a second factor, a password set by an admin)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def totp_device(user: Any, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user_id=user.pk)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-pk").first()


def totp_start(user: User) -> TOTPDevice:
    """A fresh, unconfirmed device (replacing any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


@transaction.atomic
def totp_confirmed(device: TOTPDevice, *, session_key: str | None) -> None:
    """The first code matched: the device guards every later sign-in; other sessions end."""
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    end_sessions(device.user, keep=session_key)
    audit_record(chain=CHAIN, action="otp.enrol", object_type="user", object_id=device.user_id, actor=device.user)


@transaction.atomic
def totp_disabled(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(chain=CHAIN, action="otp.disable", object_type="user", object_id=user.pk, actor=user)
