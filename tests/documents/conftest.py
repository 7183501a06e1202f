"""Seed 004's campaign (红谷滩区, examples/honggutan-2021) in the persona cast: county A is the
district, its self-assessment the example's (the demo loader's own function), its result stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
from kaoping.formats.scheme_dump import scheme_to_data
from kaoping.formats.scheme_file import load_scheme
from kaoping.results import compute
from kaoping.web.demo import fill_honggutan_self_assessment

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021"


@pytest.fixture
def honggutan(city: Any, county_a: Any, organizer: Any, settings: Any, tmp_path: Path) -> CampaignUnit:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    county_a.name = "红谷滩区"
    county_a.save(update_fields=["name"])
    campaign = Campaign.objects.create(
        owner=city, name="2021年党政领导干部履行教育职责督导评价", year=2021, phase=Phase.SELF_ASSESSMENT
    )
    SchemeVersion.objects.create(campaign=campaign, number=1, data=scheme_to_data(load_scheme(EXAMPLE / "scheme.yaml")))
    unit = CampaignUnit.objects.create(campaign=campaign, organization=county_a, category="district")
    fill_honggutan_self_assessment(campaign, {"honggutan": unit}, EXAMPLE / "inputs", organizer)
    compute.forget_states()
    compute.recompute(campaign)
    return CampaignUnit.objects.select_related("campaign__owner", "organization").get(pk=unit.pk)


@pytest.fixture
def two_districts(honggutan: CampaignUnit, county_b: Any) -> CampaignUnit:
    """A second district (西湖区) with the same entries but item 1 at 0.5: 98.6, second."""
    county_b.name = "西湖区"
    county_b.save(update_fields=["name"])
    other = CampaignUnit.objects.create(campaign=honggutan.campaign, organization=county_b, category="district")
    for entry in SelfAssessment.objects.filter(unit=honggutan):
        entry.pk = None
        entry.unit = other
        if entry.item_id == "1":
            entry.self_score = entry.self_score / 2
        entry.save()
    Submission.objects.create(unit=other, status=SubmissionStatus.SUBMITTED)
    compute.forget_states()
    compute.recompute(honggutan.campaign)
    return honggutan
