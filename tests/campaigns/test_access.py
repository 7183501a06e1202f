"""The campaign access layer, cell by cell: who reaches which campaign and unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from kaoping.campaigns import access

CAMPAIGN_READERS = ["organizer", "admin_user", "leader", "reviewer", "scorer_x", "scorer_y", "reporter_a", "reporter_b"]
CAMPAIGN_STRANGERS = ["other_organizer", "anonymous"]


@pytest.mark.parametrize("name", CAMPAIGN_READERS)
def test_every_role_of_the_city_reaches_the_city_campaign(personas: dict[str, Any], campaign: Any, name: str) -> None:
    found, grant = access.campaign_for(personas[name], campaign.pk)
    assert found == campaign
    assert grant.any


@pytest.mark.parametrize("name", CAMPAIGN_STRANGERS)
def test_strangers_get_404_for_the_city_campaign(personas: dict[str, Any], campaign: Any, name: str) -> None:
    with pytest.raises(Http404):
        access.campaign_for(personas[name], campaign.pk)


@pytest.mark.parametrize("name", [*CAMPAIGN_READERS, "anonymous"])
def test_nobody_of_the_city_reaches_the_other_bureaus_campaign(
    personas: dict[str, Any], other_campaign: Any, name: str
) -> None:
    with pytest.raises(Http404):
        access.campaign_for(personas[name], other_campaign.pk)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("organizer", {"county_a", "county_b", "school_a", "school_b"}),
        ("admin_user", {"county_a", "county_b", "school_a", "school_b"}),
        ("leader", {"county_a", "county_b", "school_a", "school_b"}),
        ("reviewer", {"county_a", "county_b", "school_a", "school_b"}),
        ("scorer_x", {"county_a", "county_b", "school_a", "school_b"}),
        ("reporter_a", {"school_a"}),
        ("reporter_b", {"school_b"}),
    ],
)
def test_units_visible_per_role(
    personas: dict[str, Any], campaign: Any, campaign_units: dict[str, Any], name: str, expected: set[str]
) -> None:
    _, grant = access.campaign_for(personas[name], campaign.pk)
    visible = set(access.units_for(grant).values_list("pk", flat=True))
    assert visible == {campaign_units[key].pk for key in expected}


def test_reporter_a_gets_404_for_school_b_unit(reporter_a: Any, campaign: Any, campaign_units: dict[str, Any]) -> None:
    _, grant = access.campaign_for(reporter_a, campaign.pk)
    with pytest.raises(Http404):
        access.unit_for(grant, campaign_units["school_b"].pk)


def test_garbage_ids_are_404_not_500(organizer: Any) -> None:
    with pytest.raises(Http404):
        access.campaign_for(organizer, "1 OR 1=1")


@pytest.mark.parametrize(
    ("name", "sees_results"),
    [("organizer", True), ("leader", True), ("reviewer", True), ("reporter_a", False), ("scorer_x", False)],
)
def test_units_wait_for_publication(personas: dict[str, Any], campaign: Any, name: str, sees_results: bool) -> None:
    _, grant = access.campaign_for(personas[name], campaign.pk)
    assert grant.can_see_results is sees_results


def test_publication_opens_results_to_units(reporter_a: Any, campaign: Any) -> None:
    campaign.results_published = True
    campaign.save()
    _, grant = access.campaign_for(reporter_a, campaign.pk)
    assert grant.can_see_results


@pytest.mark.parametrize("name", ["leader", "reviewer", "reporter_a", "scorer_x"])
def test_write_access_is_404_for_readers(personas: dict[str, Any], campaign: Any, name: str) -> None:
    with pytest.raises(Http404):
        access.organizer_access_for(personas[name], campaign.pk)


def test_organizer_access_for_the_organizer(organizer: Any, campaign: Any) -> None:
    _, grant = access.organizer_access_for(organizer, campaign.pk)
    assert grant.organizer


@pytest.mark.parametrize(
    ("name", "sees"),
    [("organizer", True), ("leader", True), ("reviewer", True), ("scorer_x", False), ("reporter_a", False)],
)
def test_the_standings_table_before_publication_is_for_the_bureau(
    personas: dict[str, Any], campaign: Any, name: str, sees: bool
) -> None:
    _, grant = access.campaign_for(personas[name], campaign.pk)
    assert grant.can_see_standings is sees


def test_departments_see_the_standings_table_once_published(scorer_x: Any, reporter_a: Any, campaign: Any) -> None:
    campaign.results_published = True
    campaign.save(update_fields=["results_published"])
    assert access.campaign_for(scorer_x, campaign.pk)[1].can_see_standings
    assert not access.campaign_for(reporter_a, campaign.pk)[1].can_see_standings
