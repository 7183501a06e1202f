"""The account page: every signed-in user changes their own password under the policy (issue 10 §2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.orgs import accounts

OLD = "kaoping-test-pass-1"  # tests/conftest.py
NEW = "一条足够长的新密码-reporter-2024"


@pytest.fixture(autouse=True)
def quick_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(reporter_a: Any) -> Client:
    reporter_a.set_password(OLD)
    reporter_a.save()
    client = Client()
    assert client.post("/login/", {"username": "reporter_a", "password": OLD}).status_code == 302
    return client


def change(client: Client, old: str, new: str, again: str | None = None) -> Any:
    data = {"old_password": old, "new_password1": new, "new_password2": again if again is not None else new}
    return client.post(reverse("web:account"), data)


def test_the_header_links_every_signed_in_user_to_the_account_page(signed_in: Client) -> None:
    body = signed_in.get("/").content.decode()
    assert f'href="{reverse("web:account")}"' in body and "账号" in body


def test_a_user_changes_their_password_and_stays_signed_in(signed_in: Client, reporter_a: Any) -> None:
    other_device = Client()
    other_device.post("/login/", {"username": "reporter_a", "password": OLD})
    response = change(signed_in, OLD, NEW)
    assert response.status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(NEW)
    assert signed_in.get("/").status_code == 200  # this session goes on
    assert other_device.get("/").status_code == 302  # the other one ends
    event = AuditEvent.objects.get(chain="accounts", action="password.change")
    assert event.actor_id == reporter_a.pk
    assert NEW not in repr((event.old, event.new)) and OLD not in repr((event.old, event.new))


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short-pass1", "太短"),
        ("123456789012345", "只包含数字"),
        ("password1234", "太常见"),
        ("reporter_a-1", "太相似"),
    ],
)
def test_the_policy_refuses_weak_passwords_in_chinese(signed_in: Client, new: str, message: str) -> None:
    response = change(signed_in, OLD, new)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_wrong_old_password_or_a_mismatch_is_refused(signed_in: Client) -> None:
    assert "旧密码不正确" in change(signed_in, "not-the-old-one", NEW).content.decode()
    assert (
        "不一致" in change(signed_in, OLD, NEW, NEW + "x").content.decode()
        or "不匹配" in change(signed_in, OLD, NEW, NEW + "x").content.decode()
    )


def test_long_passphrases_without_composition_rules_are_accepted(signed_in: Client, reporter_a: Any) -> None:
    passphrase = "the quiet river runs past the old school every morning in spring"  # 64+ characters
    assert len(passphrase) >= 64
    assert change(signed_in, OLD, passphrase).status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(passphrase)


def test_a_forced_change_holds_every_page_until_done(reporter_a: Any) -> None:
    reporter_a.set_password(OLD)
    reporter_a.save()
    accounts.require_password_change(reporter_a)
    client = Client()
    client.post("/login/", {"username": "reporter_a", "password": OLD})
    for url in ("/", "/campaigns/", "/orgs/users/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:account"))
    assert client.get("/api/campaigns/").status_code == 401
    assert change(client, OLD, NEW).status_code == 302
    assert client.get("/").status_code == 200
    reporter_a.account_state.refresh_from_db()
    assert not reporter_a.account_state.must_change_password


def test_anonymous_is_sent_to_login(db: Any) -> None:
    response = Client().get(reverse("web:account"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
