"""Seed 004 end to end through the stored data: item 15 computed from the figure the unit entered."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from kaoping.assessments import services
from kaoping.assessments.models import Submission, SubmissionStatus
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
from kaoping.engine.results import ItemResult
from kaoping.formats.scheme_dump import scheme_to_data
from kaoping.formats.scheme_file import load_scheme
from kaoping.results.services import compute_campaign_result, unit_key

SCHEME = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "scheme.yaml"


@pytest.fixture
def honggutan(city, county_a, organizer):
    campaign = Campaign.objects.create(owner=city, name="2021督导评价", year=2021, phase=Phase.SELF_ASSESSMENT)
    SchemeVersion.objects.create(campaign=campaign, number=1, data=scheme_to_data(load_scheme(SCHEME)))
    unit = CampaignUnit.objects.create(campaign=campaign, organization=county_a, category="district")
    return campaign, unit


def find(items: tuple[ItemResult, ...], item_id: str) -> ItemResult:
    for node in items:
        if node.item_id == item_id:
            return node
        if node.children:
            try:
                return find(node.children, item_id)
            except KeyError:
                continue
    raise KeyError(item_id)


def test_item_15_is_computed_from_the_figure_the_unit_entered(honggutan, organizer):
    campaign, unit = honggutan
    item = item_ref(scheme_for(campaign), "district", "15").item
    services.entry_save(
        unit=unit,
        item=item,
        actor=organizer,
        version=0,
        data=services.EntryInput(figures={"standard_class_ratio": "80.84"}),
    )
    missing = dict((m[0], m[2]) for m in services.missing_for_submission(unit, scheme_for(campaign)))
    assert missing["15"] == "佐证材料"  # the figure is in and no self score is needed for a rule item
    Submission.objects.filter(unit=unit).update(status=SubmissionStatus.SUBMITTED)
    result = compute_campaign_result(campaign, use_cache=False).unit(unit_key(unit))
    item_15 = find(result.components[0].items, "15")
    assert item_15.score == Decimal("3.1")
    assert "80.84" in item_15.explanation


def test_section_page_names_the_figure_of_item_15(honggutan, client_for, reporter_a):
    from kaoping.orgs.models import Membership, Role

    campaign, unit = honggutan
    Membership.objects.create(user=reporter_a, organization=unit.organization, role=Role.REPORTER)
    page = client_for(reporter_a).get(reverse("assessments:unit_section", args=[campaign.pk, unit.pk, 2]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "小学一、二年级标准班额占比" in body and 'name="figure_standard_class_ratio"' in body
