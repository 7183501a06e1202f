"""Results go on notice or out only complete, or with the organizer's confirmation and a reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.campaigns import services
from kaoping.campaigns.models import Campaign, Phase


def _at(campaign: Any, phase: str) -> Any:
    Campaign.objects.filter(pk=campaign.pk).update(phase=phase)
    campaign.refresh_from_db()
    return campaign


def test_moving_to_notice_with_units_that_never_submitted_is_refused_with_their_names(
    campaign: Any, campaign_units: dict[str, Any], organizer: Any
) -> None:
    _at(campaign, Phase.SCORING)
    with pytest.raises(services.IncompleteResults) as refused:
        services.campaign_set_phase(campaign=campaign, expected=Phase.SCORING, target=Phase.NOTICE, actor=organizer)
    names = [unit.organization.name for unit in campaign_units.values()]
    assert all(name in refused.value.messages[0] for name in names)
    assert "自评未提交" in refused.value.messages[0] and "总分缺失" in refused.value.messages[0]
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.SCORING


def test_a_confirmation_without_a_reason_is_refused_and_with_one_the_list_goes_into_the_audit_log(
    campaign: Any, campaign_units: dict[str, Any], organizer: Any
) -> None:
    _at(campaign, Phase.SCORING)
    with pytest.raises(services.IncompleteResults):
        services.campaign_set_phase(
            campaign=campaign, expected=Phase.SCORING, target=Phase.NOTICE, actor=organizer, incomplete_confirmed=True
        )
    services.campaign_set_phase(
        campaign=campaign,
        expected=Phase.SCORING,
        target=Phase.NOTICE,
        actor=organizer,
        reason="两个单位因疫情缓报,经局务会同意先行公示",
        incomplete_confirmed=True,
    )
    event = AuditEvent.objects.filter(action="campaign.phase").latest("pk")
    assert event.reason.startswith("两个单位因疫情缓报")
    assert "确认时结果不完整的单位" in event.reason
    assert next(iter(campaign_units.values())).organization.name in event.reason


def test_publishing_incomplete_results_needs_the_confirmation_too(
    campaign: Any, campaign_units: dict[str, Any], organizer: Any
) -> None:
    _at(campaign, Phase.NOTICE)
    with pytest.raises(services.IncompleteResults):
        services.campaign_publish_results(campaign=campaign, published=True, actor=organizer)
    assert not Campaign.objects.get(pk=campaign.pk).results_published
    services.campaign_publish_results(
        campaign=campaign, published=True, actor=organizer, reason="按期公布", incomplete_confirmed=True
    )
    assert Campaign.objects.get(pk=campaign.pk).results_published


def test_the_campaign_page_lists_the_incomplete_units_before_the_step(
    campaign: Any, campaign_units: dict[str, Any], organizer: Any, client_for: Any
) -> None:
    from kaoping.results.services import compute_campaign_result

    _at(campaign, Phase.SCORING)
    compute_campaign_result(campaign)
    body = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "个单位结果不完整" in body and 'name="incomplete_confirmed"' in body
    for unit in campaign_units.values():
        assert unit.organization.name in body
