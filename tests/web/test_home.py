"""Home page per role: the cards link to everything the role needs, and every link works."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

import pytest
from django.urls import reverse

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/static/", "/logout/", ".xlsx", ".csv", ".pdf", ".json", "/evidence/")


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in HREF.findall(html)]


def crawl(client: Any, limit: int = 80) -> dict[str, int]:
    """Breadth-first over the links a user is shown, starting at home: URL → status."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or any(s in url for s in SKIP):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            queue.extend(_links(response.content.decode()))
    return seen


EXPECTED = {
    "organizer": ["campaigns:list", "campaigns:create", "orgs:tree", "orgs:users", "orgs:import", "orgs:departments"],
    "admin_user": ["campaigns:list", "orgs:tree", "orgs:users", "orgs:import"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_management_home_links(personas: dict[str, Any], client_for: Any, name: str) -> None:
    html = client_for(personas[name]).get(reverse("web:home")).content.decode()
    for url_name in EXPECTED[name]:
        assert reverse(url_name) in html


def test_organizer_home_reaches_the_campaign_audit_log(organizer: Any, client_for: Any, campaign: Any) -> None:
    html = client_for(organizer).get(reverse("web:home")).content.decode()
    assert reverse("audit:campaign_log", args=[campaign.pk]) in html
    assert reverse("campaigns:units", args=[campaign.pk]) in html


def test_reporter_home_links_to_own_self_assessment(
    reporter_a: Any, client_for: Any, campaign: Any, campaign_units: dict[str, Any]
) -> None:
    html = client_for(reporter_a).get(reverse("web:home")).content.decode()
    assert reverse("assessments:unit_overview", args=[campaign.pk, campaign_units["school_a"].pk]) in html
    assert reverse("assessments:unit_overview", args=[campaign.pk, campaign_units["school_b"].pk]) not in html
    assert "orgs/" not in html and reverse("results:standings", args=[campaign.pk]) not in html


def test_scorer_home_links_to_own_department_items(
    scorer_x: Any, client_for: Any, campaign: Any, dept_x: Any, dept_y: Any
) -> None:
    html = client_for(scorer_x).get(reverse("web:home")).content.decode()
    assert reverse("assessments:department_items", args=[campaign.pk, dept_x.pk]) in html
    assert reverse("assessments:department_items", args=[campaign.pk, dept_y.pk]) not in html


def test_reviewer_home_links_to_units_to_review(reviewer: Any, client_for: Any, campaign: Any) -> None:
    html = client_for(reviewer).get(reverse("web:home")).content.decode()
    assert reverse("assessments:campaign_home", args=[campaign.pk]) in html


def test_leader_home_links_to_standings(leader: Any, client_for: Any, campaign: Any) -> None:
    html = client_for(leader).get(reverse("web:home")).content.decode()
    assert reverse("results:standings", args=[campaign.pk]) in html


def test_user_without_roles_gets_a_clear_message(client_for: Any, db: Any) -> None:
    from kaoping.orgs.models import User

    html = client_for(User.objects.create(username="nobody")).get(reverse("web:home")).content.decode()
    assert "还没有任何考核任务" in html


def test_anonymous_home_redirects_to_login(client_for: Any, anonymous: Any) -> None:
    response = client_for(anonymous).get(reverse("web:home"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


@pytest.mark.parametrize(
    "name", ["organizer", "admin_user", "leader", "reviewer", "scorer_x", "scorer_y", "reporter_a", "reporter_b"]
)
def test_every_link_a_role_is_shown_works(personas: dict[str, Any], client_for: Any, campaign: Any, name: str) -> None:
    statuses = crawl(client_for(personas[name]))
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert not broken, broken
    assert len(statuses) >= 3


def test_navigation_items_depend_on_the_role(organizer: Any, reporter_a: Any, client_for: Any, campaign: Any) -> None:
    organizer_html = client_for(organizer).get(reverse("campaigns:list")).content.decode()
    reporter_html = client_for(reporter_a).get(reverse("campaigns:list")).content.decode()
    assert f'href="{reverse("orgs:tree")}"' in organizer_html
    assert f'href="{reverse("orgs:tree")}"' not in reporter_html
    assert 'aria-current="page"' in reporter_html


def test_home_page_query_count_is_bounded(
    organizer: Any, client_for: Any, campaign: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    from kaoping.campaigns.models import Campaign, SchemeVersion

    for n in range(10):
        extra = Campaign.objects.create(owner=city, name=f"考核{n}")
        SchemeVersion.objects.create(campaign=extra, number=1, data=campaign.current_version().data)
    client = client_for(organizer)
    with django_assert_max_num_queries(40):
        client.get(reverse("web:home"))


def test_pages_declare_simplified_chinese_with_the_bcp47_tag(client_for: Any, organizer: Any) -> None:
    body = client_for(organizer).get(reverse("web:home")).content.decode()
    assert '<html lang="zh-Hans"' in body
