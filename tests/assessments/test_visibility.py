"""The standings rows a user sees: one selector for the standings page and its API twin."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from kaoping.assessments import visibility
from kaoping.campaigns import access
from kaoping.campaigns.models import CampaignUnit


def test_the_organizer_sees_every_unit_of_the_standings(organizer: Any, campaign: Any, campaign_units: Any) -> None:
    _, grant = access.campaign_for(organizer, campaign.pk)
    assert set(visibility.standings_units(organizer, grant)) == set(CampaignUnit.objects.filter(campaign=campaign))


def test_a_unit_reporter_gets_404_for_the_standings_before_and_after_publication(
    reporter_a: Any, campaign: Any
) -> None:
    for published in (False, True):
        campaign.results_published = published
        campaign.save(update_fields=["results_published"])
        _, grant = access.campaign_for(reporter_a, campaign.pk)
        with pytest.raises(Http404):
            visibility.standings_units(reporter_a, grant)
