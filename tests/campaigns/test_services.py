"""Campaign services: creation from scheme files, versions after the freeze, units, phases, publication."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import verify_chain
from kaoping.campaigns import services
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
from kaoping.formats.problems import SchemeError


def _bigger_item(scheme: dict[str, Any]) -> dict[str, Any]:
    """Item 1.2 from 3 to 4 points (its parent and the component grow with it)."""
    scheme["components"][0]["indicators"][0]["children"][1]["points"] = 4
    scheme["components"][0]["indicators"][0]["points"] = 7
    scheme["components"][0]["points"] = 11
    return scheme


def _yaml(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_scheme_from_yaml_upload_round_trips(small_scheme: dict[str, Any], db: Any) -> None:
    data = services.scheme_data_from_upload(filename="s.yaml", content=_yaml(small_scheme))
    assert data["scheme"]["id"] == "small-2024"
    assert [c["id"] for c in data["categories"]] == ["county", "school"]


def test_scheme_from_json_upload(small_scheme: dict[str, Any], db: Any) -> None:
    data = services.scheme_data_from_upload(filename="s.json", content=json.dumps(small_scheme).encode())
    assert data["components"][0]["id"] == "work"


def test_every_scheme_problem_is_listed_with_its_location(small_scheme: dict[str, Any], db: Any) -> None:
    bad = copy.deepcopy(small_scheme)
    bad["components"][0]["points"] = "abc"
    bad["categories"][0]["components"] = ["missing"]
    with pytest.raises(SchemeError) as caught:
        services.scheme_data_from_upload(filename="bad.yaml", content=_yaml(bad))
    locations = " ".join(p.location for p in caught.value.problems)
    assert len(caught.value.problems) >= 2
    assert "components" in locations and "categories" in locations


def test_broken_yaml_reports_the_line(db: Any) -> None:
    with pytest.raises(SchemeError) as caught:
        services.scheme_data_from_upload(filename="bad.yaml", content=b"scheme: {id: x\n  name: [")
    assert "行" in caught.value.problems[0].location


def test_unknown_file_type_is_refused(db: Any) -> None:
    with pytest.raises(SchemeError) as caught:
        services.scheme_data_from_upload(filename="scheme.docx", content=b"PK")
    assert "不支持的文件类型" in caught.value.problems[0].message


def test_nothing_is_created_when_the_scheme_is_invalid(city: Any, organizer: Any) -> None:
    before = Campaign.objects.count()
    with pytest.raises(SchemeError):
        services.campaign_create(
            owner=city, name="坏方案", year=2024, scheme_data={"scheme": {}}, source_name="x.yaml", actor=organizer
        )
    assert Campaign.objects.count() == before


def test_create_campaign_stores_version_one_and_audits(small_scheme: dict[str, Any], city: Any, organizer: Any) -> None:
    data = services.scheme_data_from_upload(filename="s.yaml", content=_yaml(small_scheme))
    campaign = services.campaign_create(
        owner=city, name="新考核", year=2025, scheme_data=data, source_name="s.yaml", actor=organizer
    )
    assert campaign.scheme_versions.get().number == 1
    assert AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", action="campaign.create").count() == 1


def test_phase_moves_one_step_and_is_audited(campaign: Any, organizer: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    campaign.refresh_from_db()
    assert campaign.phase == Phase.SELF_ASSESSMENT
    event = AuditEvent.objects.get(chain=f"campaign:{campaign.pk}", action="campaign.phase")
    assert (event.old, event.new) == ("draft", "self_assessment")


def test_stale_phase_change_is_a_conflict_and_changes_nothing(campaign: Any, organizer: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    with pytest.raises(services.PhaseConflict):
        services.campaign_set_phase(
            campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer
        )
    campaign.refresh_from_db()
    assert campaign.phase == Phase.SELF_ASSESSMENT
    assert AuditEvent.objects.filter(action="campaign.phase").count() == 1


def test_phase_cannot_skip_a_step(campaign: Any, organizer: Any) -> None:
    with pytest.raises(services.CampaignError, match="不能跳过"):
        services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.REVIEW, actor=organizer)


def test_going_back_needs_a_reason(campaign: Any, organizer: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    with pytest.raises(services.CampaignError, match="原因"):
        services.campaign_set_phase(
            campaign=campaign, expected=Phase.SELF_ASSESSMENT, target=Phase.DRAFT, actor=organizer
        )
    services.campaign_set_phase(
        campaign=campaign, expected=Phase.SELF_ASSESSMENT, target=Phase.DRAFT, actor=organizer, reason="方案需补充"
    )
    campaign.refresh_from_db()
    assert campaign.phase == Phase.DRAFT


def test_self_assessment_needs_participants(city: Any, organizer: Any) -> None:
    empty = Campaign.objects.create(owner=city, name="空")
    with pytest.raises(services.CampaignError, match="参评单位"):
        services.campaign_set_phase(campaign=empty, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)


def test_scheme_change_after_freeze_without_reason_is_refused(
    small_scheme: dict[str, Any], campaign: Any, organizer: Any
) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    changed = _bigger_item(small_scheme)
    with pytest.raises(services.CampaignError, match="变更原因"):
        services.scheme_version_upload(
            campaign=campaign, scheme_data=changed, source_name="v2.yaml", reason=" ", actor=organizer
        )
    assert SchemeVersion.objects.filter(campaign=campaign).count() == 1


def test_scheme_change_after_freeze_with_reason_creates_version_two_and_diff(
    small_scheme: dict[str, Any], campaign: Any, organizer: Any
) -> None:
    from kaoping.campaigns.selectors import version_changes

    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    changed = _bigger_item(small_scheme)
    version = services.scheme_version_upload(
        campaign=campaign, scheme_data=changed, source_name="v2.yaml", reason="安全管理分值调整", actor=organizer
    )
    assert version.number == 2
    changes = version_changes(campaign.scheme_versions.get(number=1), version)
    assert any(c.field == "points" and str(c.new) == "4" for c in changes)
    assert AuditEvent.objects.get(action="scheme.version").reason == "安全管理分值调整"


def test_new_version_must_keep_categories_in_use(small_scheme: dict[str, Any], campaign: Any, organizer: Any) -> None:
    changed = copy.deepcopy(small_scheme)
    changed["categories"] = [changed["categories"][1]]
    with pytest.raises(services.CampaignError, match="county"):
        services.scheme_version_upload(
            campaign=campaign, scheme_data=changed, source_name="v2.yaml", reason="", actor=organizer
        )


def test_add_units_beneath_the_bureau_only(campaign: Any, organizer: Any, other_school: Any, city: Any) -> None:
    extra = city.children.create(name="新学校", code="nc-new", kind="school")
    added = services.campaign_add_units(campaign=campaign, organizations=[extra], category="school", actor=organizer)
    assert added[0].category == "school"
    with pytest.raises(services.CampaignError, match="管辖范围"):
        services.campaign_add_units(campaign=campaign, organizations=[other_school], category="school", actor=organizer)


def test_add_units_refuses_an_unknown_category(campaign: Any, organizer: Any, school_a: Any) -> None:
    with pytest.raises(services.CampaignError, match="没有类别"):
        services.campaign_add_units(campaign=campaign, organizations=[school_a], category="nope", actor=organizer)


def test_moving_a_unit_to_another_category_is_audited(campaign: Any, organizer: Any, school_a: Any) -> None:
    services.campaign_add_units(campaign=campaign, organizations=[school_a], category="county", actor=organizer)
    assert CampaignUnit.objects.get(campaign=campaign, organization=school_a).category == "county"
    assert AuditEvent.objects.get(action="unit.category").old == "school"


def test_units_cannot_be_removed_once_started(campaign: Any, organizer: Any, campaign_units: dict[str, Any]) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    with pytest.raises(services.CampaignError):
        services.campaign_remove_unit(campaign=campaign, unit=campaign_units["school_a"], actor=organizer)


def test_deadlines_are_set_changed_and_audited(campaign: Any, organizer: Any) -> None:
    import datetime

    when = datetime.datetime(2025, 3, 1, 17, 0, tzinfo=datetime.UTC)
    assert services.campaign_set_deadlines(campaign=campaign, deadlines={"self_assessment": when}, actor=organizer) == [
        "self_assessment"
    ]
    assert (
        services.campaign_set_deadlines(campaign=campaign, deadlines={"self_assessment": when}, actor=organizer) == []
    )
    assert campaign.deadlines.get().deadline == when
    assert AuditEvent.objects.filter(action="campaign.deadline").count() == 1


def test_publishing_needs_the_notice_phase_and_is_audited(campaign: Any, organizer: Any) -> None:
    with pytest.raises(services.CampaignError, match="公示"):
        services.campaign_publish_results(campaign=campaign, published=True, actor=organizer)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    campaign.refresh_from_db()
    # no unit has submitted: publishing needs the confirmation (tests/campaigns/test_readiness.py)
    services.campaign_publish_results(
        campaign=campaign, published=True, actor=organizer, reason="先行发布", incomplete_confirmed=True
    )
    campaign.refresh_from_db()
    assert campaign.results_published
    with pytest.raises(services.CampaignError, match="原因"):
        services.campaign_publish_results(campaign=campaign, published=False, actor=organizer)
    assert AuditEvent.objects.filter(action="campaign.publish").count() == 1
    assert verify_chain(f"campaign:{campaign.pk}").ok
