"""Role assignment names only users of the organizer's bureau and beneath it (issue 10 §2)."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from kaoping.orgs.models import Membership, User


def user_choices(body: str) -> str:
    """The <select name="user"> of the assignment form."""
    match = re.search(r'<select name="user".*?</select>', body, re.S)
    assert match, "no user list on the page"
    return match.group(0)


def test_the_candidate_list_has_only_users_beneath_the_bureau(
    organizer: Any, other_organizer: Any, reporter_a: Any, client_for: Any
) -> None:
    body = client_for(organizer).get(reverse("orgs:users")).content.decode()
    assert f'<option value="{reporter_a.pk}"' in user_choices(body)
    assert f'<option value="{other_organizer.pk}"' not in user_choices(body)
    assert "赵外局" not in body and "other_organizer" not in body


def test_posting_a_foreign_user_is_refused_in_chinese_and_changes_nothing(
    organizer: Any, other_organizer: Any, school_a: Any, client_for: Any
) -> None:
    before = Membership.objects.count()
    response = client_for(organizer).post(
        reverse("orgs:users"), {"user": other_organizer.pk, "organization": school_a.pk, "role": "reporter"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请从列表中选择本局及下属单位的用户" in body
    assert "赵外局" not in body and "other_organizer" not in body
    assert Membership.objects.count() == before


def test_a_taken_name_of_another_bureau_says_nothing_about_its_account(
    organizer: Any, other_organizer: Any, school_a: Any, client_for: Any
) -> None:
    response = client_for(organizer).post(
        reverse("orgs:users"),
        {"username": "other_organizer", "organization": school_a.pk, "role": "reporter"},
        follow=True,
    )
    body = response.content.decode()
    assert "已被占用" in body
    assert "赵外局" not in body and other_organizer.memberships.get().organization.name not in body
    assert not Membership.objects.filter(user=other_organizer, organization=school_a).exists()


def test_an_existing_user_of_the_bureau_gets_a_second_role(
    organizer: Any, reporter_a: Any, county_a: Any, client_for: Any
) -> None:
    client_for(organizer).post(
        reverse("orgs:users"), {"user": reporter_a.pk, "organization": county_a.pk, "role": "leader"}
    )
    assert Membership.objects.filter(user=reporter_a, organization=county_a, role="leader").exists()


def test_other_organizer_cannot_name_the_citys_users(
    other_organizer: Any, reporter_a: Any, other_school: Any, client_for: Any
) -> None:
    client = client_for(other_organizer)
    assert f'<option value="{reporter_a.pk}"' not in user_choices(client.get(reverse("orgs:users")).content.decode())
    client.post(reverse("orgs:users"), {"user": reporter_a.pk, "organization": other_school.pk, "role": "reporter"})
    assert not Membership.objects.filter(user=reporter_a, organization=other_school).exists()


def test_a_new_users_initial_password_follows_the_policy(organizer: Any, school_a: Any, client_for: Any) -> None:
    data = {"username": "new-rep", "display_name": "新人", "organization": school_a.pk, "role": "reporter"}
    client = client_for(organizer)
    for weak, message in (("short-pw1", "太短"), ("123456789012345", "只包含数字"), ("password1234", "太常见")):
        body = client.post(reverse("orgs:users"), {**data, "password": weak}).content.decode()
        assert message in body, (weak, body[:0])
    assert not User.objects.filter(username="new-rep").exists()
    client.post(reverse("orgs:users"), {**data, "password": "春眠不觉晓处处闻啼鸟-2024"})
    user = User.objects.get(username="new-rep")
    assert user.check_password("春眠不觉晓处处闻啼鸟-2024")
    assert user.account_state.must_change_password
