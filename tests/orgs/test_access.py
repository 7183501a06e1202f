"""The organization access layer: who manages which organization (campaigns: tests/campaigns/test_access.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from kaoping.orgs import access


def test_organizer_manages_the_tree_beneath_the_bureau(organizer: Any, cast: Any) -> None:
    managed = set(access.orgs_for(organizer))
    assert managed == {cast.city, cast.county_a, cast.county_b, cast.school_a, cast.school_b}


def test_other_organizer_gets_404_for_a_city_unit(other_organizer: Any, school_a: Any) -> None:
    with pytest.raises(Http404):
        access.org_for(other_organizer, school_a.pk)


@pytest.mark.parametrize("name", ["leader", "reviewer", "scorer_x", "reporter_a", "anonymous"])
def test_only_organizers_and_admins_manage_organizations(personas: dict[str, Any], name: str) -> None:
    assert not access.orgs_for(personas[name]).exists()
