"""Login throttle on the database, so it holds across gunicorn workers and across servers.

Two budgets, each over a sliding window (15 minutes by default):

* per typed user name, small (5 failures): guessing one person's password is slow, wherever it
  comes from. Unknown names count like real ones, so the throttle never tells which names exist.
* per client address, large (200 failures): one address trying many names is slowed down, but a
  bureau's office behind one NAT address, where a hundred colleagues mistype now and then, is not.

An attempt first writes its rows and only then counts (``begin``): the k-th attempt to commit sees at
least k rows, so no burst of parallel requests gets more password checks than the budget allows. A
refused attempt takes its rows back (it checked nothing); a success takes back its own rows and
clears the user name's earlier failures. A refused attempt is refused before the password is
checked, so a correct password does not get through a lock either.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kaoping.orgs.models import LoginFailure

Scope = LoginFailure.Scope


@dataclass(frozen=True)
class Attempt:
    id: str
    username_key: str
    address_key: str
    locked_scope: str = ""  # Scope.USERNAME or Scope.ADDRESS when refused
    retry_after: int = 0  # seconds until the refusing budget has room again

    @property
    def locked(self) -> bool:
        return bool(self.locked_scope)

    @property
    def retry_minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def window() -> timedelta:
    return timedelta(minutes=int(settings.LOGIN_THROTTLE["window_minutes"]))


def limits() -> dict[str, int]:
    return {
        Scope.USERNAME: int(settings.LOGIN_THROTTLE["per_username"]),
        Scope.ADDRESS: int(settings.LOGIN_THROTTLE["per_address"]),
    }


def client_address(request: HttpRequest) -> str:
    """The client's address: the peer, or behind a trusted proxy the last address it forwarded."""
    peer = str(request.META.get("REMOTE_ADDR") or "")
    trusted: frozenset[str] = getattr(settings, "TRUSTED_PROXIES", frozenset())
    if peer not in trusted:
        return peer
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for candidate in reversed(forwarded):
        if candidate and candidate not in trusted and _valid_address(candidate):
            return candidate
    return peer


def _valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def address_group(address: str) -> str:
    """IPv6 clients are counted per /64 (one household or office gets a whole /64 to rotate through)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _digest(scope: str, value: str) -> str:
    message = f"kaoping.login\x00{scope}\x00{value}".encode()
    return hmac.new(str(settings.SECRET_KEY).encode(), message, hashlib.sha256).hexdigest()


def username_key(username: str) -> str:
    normal = unicodedata.normalize("NFKC", username.strip()).casefold()
    return _digest(Scope.USERNAME, normal)


def begin(username: str, address: str) -> Attempt:
    """Reserve one password check for (user name, address), or refuse it with the time to wait."""
    now = timezone.now()
    attempt = Attempt(secrets.token_hex(16), username_key(username), _digest(Scope.ADDRESS, address_group(address)))
    keys: dict[str, str] = {Scope.USERNAME: attempt.username_key, Scope.ADDRESS: attempt.address_key}
    LoginFailure.objects.bulk_create(
        [LoginFailure(scope=scope, key=key, attempt=attempt.id, at=now) for scope, key in keys.items()]
    )
    for scope, limit in limits().items():
        wait = _wait(scope, keys[scope], attempt.id, limit, now)
        if wait:
            LoginFailure.objects.filter(attempt=attempt.id).delete()
            return Attempt(attempt.id, attempt.username_key, attempt.address_key, scope, wait)
    return attempt


def _wait(scope: str, key: str, attempt_id: str, limit: int, now: datetime) -> int:
    """Seconds until ``key`` has room for one more check (0: it has room now)."""
    others = list(
        LoginFailure.objects.filter(scope=scope, key=key, at__gte=now - window())
        .exclude(attempt=attempt_id)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(others) < limit:
        return 0
    return max(1, int((others[-1] + window() - now).total_seconds()) + 1)


def succeeded(attempt: Attempt) -> None:
    """The password was right: this attempt does not count, and the name's earlier failures go."""
    LoginFailure.objects.filter(attempt=attempt.id).delete()
    LoginFailure.objects.filter(scope=Scope.USERNAME, key=attempt.username_key).delete()


def released(attempt: Attempt) -> None:
    """Nothing was checked after all (an empty field): take the reservation back."""
    LoginFailure.objects.filter(attempt=attempt.id).delete()


def failed(attempt: Attempt) -> list[str]:
    """The check failed; its rows stay. Returns the scopes whose budget this failure used up."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - window()).delete()  # forget what no budget counts any more
    keys: dict[str, str] = {Scope.USERNAME: attempt.username_key, Scope.ADDRESS: attempt.address_key}
    return [
        scope
        for scope, limit in limits().items()
        if LoginFailure.objects.filter(scope=scope, key=keys[scope], at__gte=now - window()).count() == limit
    ]


def clear_username(username: str) -> int:
    """An administrator set a new password: the user may sign in at once."""
    deleted, _ = LoginFailure.objects.filter(scope=Scope.USERNAME, key=username_key(username)).delete()
    return deleted
