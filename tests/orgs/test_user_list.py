"""The users page: search (user name, name, unit), role filter, sort and pages in the URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping import listing
from kaoping.orgs.models import Membership, Role, User


def test_users_are_searched_filtered_and_sorted(organizer: Any, client_for: Any) -> None:
    client = client_for(organizer)
    url = reverse("orgs:users")
    by_unit = client.get(url, {"q": "东湖第一中学"}).content.decode()
    table = by_unit.split("<table")[1].split("</table>")[0]
    assert "reporter_a" in table and "reporter_b" not in table and "符合条件的角色分配" in by_unit
    scorers = client.get(url, {"role": Role.DEPARTMENT_SCORER}).content.decode().split("<table")[1]
    assert "scorer_x" in scorers and "scorer_y" in scorers and "reporter_a" not in scorers.split("</table>")[0]
    by_name = client.get(url, {"sort": "user"}).content.decode().split("<table")[1].split("</table>")[0]
    names = [n for n in ("admin_user", "leader", "organizer", "reporter_a") if n in by_name]
    assert sorted(names, key=by_name.index) == names
    assert client.get(url, {"role": "superuser", "sort": "x"}).status_code == 200


def test_users_are_paged(organizer: Any, client_for: Any, city: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(5):
        user = User.objects.create(username=f"teacher{n}", display_name=f"教师{n}")
        Membership.objects.create(user=user, organization=city, role=Role.LEADER)
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    client = client_for(organizer)
    first = client.get(reverse("orgs:users"), {"q": "teacher", "sort": "user"}).content.decode()
    table = first.split("<table")[1].split("</table>")[0]
    assert "第 1 / 3 页" in first and "teacher0" in table and "teacher2" not in table
    assert "q=teacher&amp;sort=user&amp;page=2" in first
    last = client.get(reverse("orgs:users"), {"q": "teacher", "sort": "user", "page": 3}).content.decode()
    table = last.split("<table")[1].split("</table>")[0]
    assert "teacher4" in table and "teacher0" not in table
