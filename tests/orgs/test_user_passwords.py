"""An administrator sets or resets a user's password from the users page (issue 10 §2).

Before: a user imported without a password had an unusable one, and nothing could ever set it.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.orgs import imports
from kaoping.orgs.models import Membership, User

NEW_PASSWORD = "青山绿水-考评平台-2024"


@pytest.fixture(autouse=True)
def quick_hashes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def password_url(user: Any) -> str:
    return reverse("orgs:user_password", args=[Membership.objects.filter(user=user).first().pk])


def set_password(client: Client, user: Any, password: str = NEW_PASSWORD, **extra: Any) -> Any:
    data = {"new_password1": password, "new_password2": password, "must_change": "on", **extra}
    return client.post(password_url(user), data)


def imported_user(city: Any, organizer: Any, school_a: Any) -> User:
    workbook = openpyxl.Workbook()
    units = workbook.active
    units.title = "单位"
    units.append(list(imports.UNIT_COLUMNS))
    users = workbook.create_sheet("用户")
    users.append(list(imports.USER_COLUMNS))
    users.append(["imported-rep", "导入的填报员", school_a.name, "单位填报员", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = imports.read_workbook(buffer.getvalue())
    preview = imports.apply(rows, bureau=city, actor=organizer)
    assert [u for u in preview.users]
    return User.objects.get(username="imported-rep")


def test_an_imported_user_without_a_password_can_log_in_once_an_admin_sets_one(
    city: Any, organizer: Any, admin_user: Any, school_a: Any, client_for: Any
) -> None:
    user = imported_user(city, organizer, school_a)
    assert not user.has_usable_password()
    assert Client().post("/login/", {"username": "imported-rep", "password": NEW_PASSWORD}).status_code == 200
    page = client_for(admin_user).get(reverse("orgs:users")).content.decode()
    assert "未设置,无法登录" in page and password_url(user) in page

    response = set_password(client_for(admin_user), user)
    assert response.status_code == 302
    client = Client()
    assert client.post("/login/", {"username": "imported-rep", "password": NEW_PASSWORD}).status_code == 302
    # forced to choose their own password before any page works
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("web:account"))
    assert "管理员为您设置了新密码" in client.get(reverse("web:account")).content.decode()
    event = AuditEvent.objects.filter(chain="accounts", action="password.set").get()
    assert event.actor_id == admin_user.pk and event.object_id == str(user.pk)
    assert NEW_PASSWORD not in repr((event.old, event.new, event.reason))


def test_the_password_set_by_an_admin_follows_the_policy(organizer: Any, reporter_a: Any, client_for: Any) -> None:
    client = client_for(organizer)
    for weak in ("short", "1234567890123", "zhouDonghu", "password1234", "reporter_a2024"):
        response = set_password(client, reporter_a, weak)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    reporter_a.refresh_from_db()
    assert not reporter_a.check_password("password1234")
    long_passphrase = "我的密码是一句很长的话" * 8  # 88 characters: long is fine, no composition rules
    assert set_password(client, reporter_a, long_passphrase).status_code == 302
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(long_passphrase)


def test_resetting_ends_the_users_sessions_and_lifts_a_lockout(
    organizer: Any, reporter_a: Any, client_for: Any
) -> None:
    reporter_a.set_password("old-password-for-a")
    reporter_a.save()
    signed_in = Client()
    assert signed_in.post("/login/", {"username": "reporter_a", "password": "old-password-for-a"}).status_code == 302
    for n in range(5):
        Client().post("/login/", {"username": "reporter_a", "password": f"wrong-{n}"})
    set_password(client_for(organizer), reporter_a, must_change="")
    assert signed_in.get("/").status_code == 302  # the old session is gone
    assert Client().post("/login/", {"username": "reporter_a", "password": NEW_PASSWORD}).status_code == 302


def test_a_foreign_user_or_a_shared_account_or_oneself_is_404(
    organizer: Any, other_organizer: Any, reporter_a: Any, other_school: Any, client_for: Any
) -> None:
    client = client_for(organizer)
    assert client.get(password_url(other_organizer)).status_code == 404
    assert set_password(client, other_organizer).status_code == 404
    assert client.get(password_url(organizer)).status_code == 404
    # reporter_a also serves another bureau: the city's organizer may not take over that account
    Membership.objects.create(user=reporter_a, organization=other_school, role="reporter")
    url = reverse("orgs:user_password", args=[Membership.objects.get(user=reporter_a, organization__code="nc-dh-1").pk])
    assert client.get(url).status_code == 404
    other_organizer.refresh_from_db()
    assert not other_organizer.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("name", ["reporter_a", "scorer_x", "leader", "reviewer"])
def test_non_managers_get_404(personas: dict[str, Any], client_for: Any, name: str, reporter_b: Any) -> None:
    assert client_for(personas[name]).get(password_url(reporter_b)).status_code == 404
