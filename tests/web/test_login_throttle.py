"""Login throttling by user name and by client address (issue 10 §2; research T-G5).

Before: 50 wrong passwords for one account all got 200 and the 51st, correct one signed in.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import verify_chain
from kaoping.orgs.models import LoginFailure

PASSWORD = "kaoping-test-pass-1"  # tests/conftest.py


@pytest.fixture(autouse=True)
def quick_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organizer_with_password(organizer: Any) -> Any:
    organizer.set_password(PASSWORD)
    organizer.save()
    return organizer


def login(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_fifty_wrong_passwords_lock_the_user_name_after_five(organizer_with_password: Any) -> None:
    client = Client()
    statuses = [login(client, "organizer", f"wrong-password-{n}").status_code for n in range(50)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 45
    # locked means locked: the right password is refused too while the lock holds
    response = login(client, "organizer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(scope="username").count() == 5  # refused attempts checked nothing


def test_the_lock_message_is_chinese_and_says_how_long_to_wait(organizer_with_password: Any) -> None:
    client = Client()
    for n in range(5):
        login(client, "organizer", f"wrong-{n}")
    response = login(client, "organizer", "wrong-again")
    text = response.content.decode()
    assert response.status_code == 429
    assert "登录失败次数过多" in text and "15 分钟后再试" in text
    assert int(response["Retry-After"]) > 14 * 60


def test_the_lock_ends_after_the_cool_off(organizer_with_password: Any) -> None:
    client = Client()
    for n in range(5):
        login(client, "organizer", f"wrong-{n}")
    assert login(client, "organizer", PASSWORD).status_code == 429
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))  # time passes
    response = login(client, "organizer", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organizer_with_password.pk)


def test_a_success_clears_the_names_earlier_failures(organizer_with_password: Any) -> None:
    client = Client()
    for n in range(4):
        login(client, "organizer", f"wrong-{n}")
    assert login(client, "organizer", PASSWORD).status_code == 302
    Client().post("/logout/")
    other = Client()
    assert [login(other, "organizer", f"typo-{n}").status_code for n in range(5)] == [200] * 5


def test_unknown_names_are_throttled_like_real_ones(db: Any) -> None:
    """No user-name enumeration: the answers for a name that exists and one that does not are the same."""
    client = Client()
    unknown = [login(client, "nobody-here", f"guess-{n}") for n in range(6)]
    assert [r.status_code for r in unknown] == [200] * 5 + [429]
    assert "用户名或密码不正确" in unknown[0].content.decode()


def test_answers_do_not_tell_which_names_exist(organizer_with_password: Any) -> None:
    known = login(Client(), "organizer", "wrong-password").content.decode()
    unknown = login(Client(), "no-such-user", "wrong-password").content.decode()

    def strip(text: str) -> str:  # CSRF tokens, nonces and the echoed name differ by design
        text = text.replace("no-such-user", "organizer")
        return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "<token>", text)

    assert strip(known) == strip(unknown)


def test_one_office_address_is_not_locked_by_a_few_colleagues_typos(
    organizer_with_password: Any, admin_user: Any, leader: Any
) -> None:
    """A bureau's office behind one NAT address: 3 colleagues × 4 typos each, then everyone gets in."""
    client = Client()
    for user in (organizer_with_password, admin_user, leader):
        user.set_password(PASSWORD)
        user.save()
        for n in range(4):
            assert login(client, user.username, f"typo-{n}", address="203.0.113.7").status_code == 200
    for user in (organizer_with_password, admin_user, leader):
        fresh = Client()
        assert login(fresh, user.username, PASSWORD, address="203.0.113.7").status_code == 302


def test_one_address_trying_many_names_is_stopped(db: Any, settings: Any) -> None:
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "per_address": 20}
    client = Client()
    statuses = [login(client, f"name-{n}", "guess", address="198.51.100.9").status_code for n in range(25)]
    assert statuses == [200] * 20 + [429] * 5
    assert "您所在网络" in login(client, "another", "guess", address="198.51.100.9").content.decode()
    assert login(Client(), "another", "guess", address="198.51.100.10").status_code == 200  # other addresses are not


def test_behind_the_proxy_the_forwarded_address_counts(db: Any, settings: Any) -> None:
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1"})
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "per_address": 3}
    client = Client()
    for n in range(3):
        client.post(
            "/login/", {"username": f"u{n}", "password": "x"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
    blocked = client.post(
        "/login/", {"username": "u9", "password": "x"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    other = client.post(
        "/login/", {"username": "u9", "password": "x"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2"
    )
    assert (blocked.status_code, other.status_code) == (429, 200)
    # a client cannot pick its own address when it is not behind the trusted proxy
    spoof = client.post(
        "/login/", {"username": "u9", "password": "x"}, REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert spoof.status_code == 429


def test_failed_logins_lockouts_and_successes_are_audited_without_the_password(organizer_with_password: Any) -> None:
    client = Client()
    login(client, "ghost-user", "SecretGuess-123")
    for n in range(5):
        login(client, "organizer", f"WrongSecret-{n}")
    login(Client(), "organizer", PASSWORD, address="10.9.9.9")  # locked: refused, not audited again
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    login(Client(), "organizer", PASSWORD)
    events = list(AuditEvent.objects.filter(chain="accounts").order_by("seq"))
    actions = [e.action for e in events]
    assert actions == ["login.failed"] * 6 + ["login.locked", "login.success"]
    assert events[0].object_id == "" and "username" not in events[0].new  # an unknown name is not written down
    assert events[1].new == {"username": "organizer", "address": "10.0.0.1", "step": "password"}
    assert events[-1].actor_id == organizer_with_password.pk
    dump = repr([(e.old, e.new, e.reason, e.actor_label) for e in events])
    assert "Secret" not in dump and PASSWORD not in dump
    assert verify_chain("accounts").ok


@pytest.mark.parametrize("missing", ["username", "password"])
def test_an_empty_field_is_not_a_failure(db: Any, missing: str) -> None:
    data = {"username": "organizer", "password": "something"}
    data[missing] = ""
    for _n in range(10):
        assert Client().post("/login/", data).status_code == 200
    assert not LoginFailure.objects.exists()


def test_a_burst_of_parallel_guesses_gets_no_more_checks_than_the_budget(
    transactional_db: Any, organizer: Any, settings: Any
) -> None:
    """40 wrong passwords at once from 8 threads: at most 5 reach the password check (SQLite and PostgreSQL)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer.set_password(PASSWORD)
    organizer.save()

    def guess(n: int) -> int:
        try:
            return int(login(Client(), "organizer", f"parallel-guess-{n}").status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert statuses.count(200) <= 5
    assert statuses.count(200) + statuses.count(429) == 40
    assert LoginFailure.objects.filter(scope="username").count() == statuses.count(200)
