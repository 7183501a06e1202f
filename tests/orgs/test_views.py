"""Organization pages: tree beneath the bureau, units, categories, departments, users and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.orgs.models import Department, Membership, Organization, User

PAGES = ["orgs:tree", "orgs:categories", "orgs:departments", "orgs:users", "orgs:import", "orgs:import_template"]


@pytest.mark.parametrize("name", ["leader", "reviewer", "scorer_x", "reporter_a"])
@pytest.mark.parametrize("page", PAGES)
def test_non_managers_get_404(personas: dict[str, Any], client_for: Any, name: str, page: str) -> None:
    assert client_for(personas[name]).get(reverse(page)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_managers_open_every_page(organizer: Any, admin_user: Any, client_for: Any, page: str) -> None:
    for user in (organizer, admin_user):
        assert client_for(user).get(reverse(page)).status_code == 200


def test_tree_shows_only_beneath_the_bureau(organizer: Any, client_for: Any) -> None:
    page = client_for(organizer).get(reverse("orgs:tree")).content.decode()
    assert "东湖第一中学" in page and "西湖第二中学" in page
    assert "九江" not in page and "江西省教育厅" not in page


def test_tree_page_needs_few_queries(
    organizer: Any, client_for: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        Organization.objects.create(name=f"学校{n}", code=f"bulk-{n}", parent=city)
    client = client_for(organizer)
    with django_assert_max_num_queries(12):
        client.get(reverse("orgs:tree"))


def test_unit_page_of_a_foreign_unit_is_404(
    organizer: Any, other_organizer: Any, client_for: Any, school_a: Any
) -> None:
    assert client_for(organizer).get(reverse("orgs:unit", args=[school_a.pk])).status_code == 200
    assert client_for(other_organizer).get(reverse("orgs:unit", args=[school_a.pk])).status_code == 404


def test_add_unit_under_own_tree(organizer: Any, client_for: Any, county_a: Any, school_category: Any) -> None:
    client_for(organizer).post(
        reverse("orgs:tree"),
        {
            "parent": county_a.pk,
            "name": "东湖二小",
            "code": "nc-dh-2x",
            "kind": "school",
            "category": school_category.pk,
        },
    )
    unit = Organization.objects.get(code="nc-dh-2x")
    assert unit.parent == county_a and unit.category == school_category
    assert AuditEvent.objects.filter(action="org.create", object_id=str(unit.pk)).exists()


def test_add_unit_under_foreign_parent_is_refused(organizer: Any, client_for: Any, other_bureau: Any) -> None:
    client_for(organizer).post(
        reverse("orgs:tree"), {"parent": other_bureau.pk, "name": "越权", "code": "x", "kind": "school"}
    )
    assert not Organization.objects.filter(code="x").exists()


def test_duplicate_unit_code_message(organizer: Any, client_for: Any, city: Any) -> None:
    response = client_for(organizer).post(
        reverse("orgs:tree"), {"parent": city.pk, "name": "重复", "code": "nc-dh", "kind": "school"}, follow=True
    )
    assert "单位代码“nc-dh”已存在" in response.content.decode()


def test_add_department_and_category(organizer: Any, client_for: Any, city: Any) -> None:
    client = client_for(organizer)
    client.post(reverse("orgs:departments"), {"bureau": city.pk, "name": "体卫艺处"})
    assert Department.objects.filter(bureau=city, name="体卫艺处").exists()
    client.post(reverse("orgs:categories"), {"bureau": city.pk, "code": "private", "name": "民办学校"})
    assert city.unit_categories.filter(code="private").exists()
    response = client.post(reverse("orgs:departments"), {"bureau": city.pk, "name": "体卫艺处"}, follow=True)
    assert "已存在" in response.content.decode()


def test_department_for_a_foreign_bureau_is_404(organizer: Any, client_for: Any, other_bureau: Any) -> None:
    response = client_for(organizer).post(reverse("orgs:departments"), {"bureau": other_bureau.pk, "name": "x"})
    assert response.status_code == 404


def test_assign_role_to_a_new_user(organizer: Any, client_for: Any, school_a: Any) -> None:
    client_for(organizer).post(
        reverse("orgs:users"),
        {
            "username": "new-rep",
            "display_name": "新人",
            "password": "",
            "organization": school_a.pk,
            "role": "reporter",
        },
    )
    assert Membership.objects.get(user__username="new-rep").organization == school_a


def test_scorer_needs_a_department(organizer: Any, client_for: Any, city: Any) -> None:
    response = client_for(organizer).post(
        reverse("orgs:users"),
        {"username": "px", "organization": city.pk, "role": "department_scorer"},
        follow=True,
    )
    assert "必须指定处室" in response.content.decode()
    assert not Membership.objects.filter(user__username="px").exists()


def test_accounts_of_other_bureaus_cannot_be_taken_over(organizer: Any, client_for: Any, school_a: Any) -> None:
    response = client_for(organizer).post(
        reverse("orgs:users"),
        {"username": "other_organizer", "organization": school_a.pk, "role": "reporter"},
        follow=True,
    )
    assert "已被占用" in response.content.decode()
    assert not Membership.objects.filter(user__username="other_organizer", organization=school_a).exists()


def test_revoke_membership_and_foreign_is_404(
    organizer: Any, other_organizer: Any, client_for: Any, reporter_b: Any
) -> None:
    membership = Membership.objects.get(user=reporter_b)
    url = reverse("orgs:membership_revoke", args=[membership.pk])
    assert client_for(other_organizer).post(url).status_code == 404
    client_for(organizer).post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=reporter_b.pk).exists()
    assert AuditEvent.objects.filter(action="membership.revoke").count() == 1


def test_change_unit_category_is_audited(organizer: Any, client_for: Any, school_a: Any, county_category: Any) -> None:
    client_for(organizer).post(reverse("orgs:unit", args=[school_a.pk]), {"category": county_category.pk})
    school_a.refresh_from_db()
    assert school_a.category == county_category
    event = AuditEvent.objects.get(action="org.category")
    assert (event.old, event.new) == ("学校", "县(区)教育行政部门")


def test_foreign_category_is_404(organizer: Any, other_organizer: Any, client_for: Any, school_a: Any, db: Any) -> None:
    from kaoping.orgs.models import UnitCategory

    foreign = UnitCategory.objects.create(owner=Organization.objects.get(code="jj"), code="x", name="外类")
    response = client_for(organizer).post(reverse("orgs:unit", args=[school_a.pk]), {"category": foreign.pk})
    assert response.status_code == 404
    assert (
        client_for(other_organizer).post(reverse("orgs:unit", args=[school_a.pk]), {"category": ""}).status_code == 404
    )


def test_tree_escapes_names_and_links_each_unit(organizer: Any, client_for: Any, city: Any) -> None:
    unit = Organization.objects.create(name="<b>新校</b>", code="esc-1", parent=city)
    page = client_for(organizer).get(reverse("orgs:tree")).content.decode()
    assert "&lt;b&gt;新校&lt;/b&gt;" in page and "<b>新校" not in page
    assert f'href="{reverse("orgs:unit", args=[unit.pk])}"' in page
    assert f'<option value="{unit.pk}">&lt;b&gt;新校&lt;/b&gt;</option>' in page
