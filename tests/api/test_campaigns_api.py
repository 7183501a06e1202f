"""Campaign and organization API: session auth, the access layer, 404 for foreign objects, OpenAPI."""

from __future__ import annotations

from typing import Any

import pytest


def test_anonymous_gets_401(client_for: Any, anonymous: Any, campaign: Any) -> None:
    assert client_for(anonymous).get("/api/campaigns/").status_code == 401


def test_organizer_lists_own_campaigns_only(
    organizer: Any, client_for: Any, campaign: Any, other_campaign: Any
) -> None:
    data = client_for(organizer).get("/api/campaigns/").json()
    assert [c["id"] for c in data] == [campaign.pk]
    assert data[0]["phase_label"] == "草稿"


def test_detail_has_categories_and_deadlines(organizer: Any, client_for: Any, campaign: Any) -> None:
    data = client_for(organizer).get(f"/api/campaigns/{campaign.pk}").json()
    assert data["scheme_version"] == 1
    assert {c["id"]: c["units"] for c in data["categories"]} == {"county": 2, "school": 2}
    assert data["organizer"] is True


@pytest.mark.parametrize("name", ["organizer", "leader", "reviewer", "scorer_x", "reporter_a"])
def test_foreign_campaign_is_404(personas: dict[str, Any], client_for: Any, other_campaign: Any, name: str) -> None:
    client = client_for(personas[name])
    assert client.get(f"/api/campaigns/{other_campaign.pk}").status_code == 404
    assert client.get(f"/api/campaigns/{other_campaign.pk}/units").status_code == 404


def test_reporter_sees_only_its_unit(reporter_a: Any, client_for: Any, campaign: Any) -> None:
    data = client_for(reporter_a).get(f"/api/campaigns/{campaign.pk}/units").json()
    assert [u["name"] for u in data] == ["东湖第一中学"]
    detail = client_for(reporter_a).get(f"/api/campaigns/{campaign.pk}").json()
    assert {c["id"]: c["units"] for c in detail["categories"]} == {"county": 0, "school": 1}


def test_units_list_query_count_is_flat(
    organizer: Any, client_for: Any, campaign: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.orgs.models import Organization

    for n in range(30):
        org = Organization.objects.create(name=f"校{n}", code=f"api-{n}", parent=city)
        CampaignUnit.objects.create(campaign=campaign, organization=org, category="school")
    client = client_for(organizer)
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/campaigns/{campaign.pk}/units").json()) == 34


def test_orgs_api_beneath_the_bureau(organizer: Any, other_organizer: Any, client_for: Any, school_a: Any) -> None:
    codes = {o["code"] for o in client_for(organizer).get("/api/orgs/").json()}
    assert codes == {"nc", "nc-dh", "nc-xh", "nc-dh-1", "nc-xh-2"}
    assert client_for(other_organizer).get(f"/api/orgs/{school_a.pk}").status_code == 404
    assert client_for(organizer).get(f"/api/orgs/{school_a.pk}").json()["category"] == "school"


def test_orgs_api_is_empty_for_non_managers(reporter_a: Any, client_for: Any) -> None:
    assert client_for(reporter_a).get("/api/orgs/").json() == []


def test_openapi_schema_is_served_without_a_cdn_docs_page(organizer: Any, client_for: Any, db: Any) -> None:
    client = client_for(organizer)
    schema = client.get("/api/openapi.json").json()
    assert "/api/campaigns/" in schema["paths"]
    assert "/api/orgs/{org_id}" in schema["paths"]
    assert client.get("/api/docs").status_code == 404
