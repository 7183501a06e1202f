"""Starting next year's campaign from this one (issue 14 §4)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from kaoping.assessments.models import DepartmentMapping
from kaoping.audit.models import AuditEvent
from kaoping.campaigns import hooks, next_year
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, PhaseDeadline
from kaoping.campaigns.services import CampaignError

pytestmark = pytest.mark.django_db


def _start(campaign: Any, organizer: Any, **kwargs: Any) -> tuple[Campaign, list[str]]:
    arguments = {"name": "2025年度学校考核", "year": 2025, **kwargs}
    return next_year.start_next_year(previous=campaign, actor=organizer, **arguments)


def test_the_suggested_name_replaces_the_year_and_keeps_other_numbers() -> None:
    previous = Campaign(name="2024年度学校考核(第2批)", year=2024)
    assert next_year.suggested_name(previous, 2025) == "2025年度学校考核(第2批)"
    assert next_year.suggested_name(Campaign(name="学校考核", year=None), None) == "学校考核(下一年度)"


def test_next_year_starts_as_a_draft_with_the_scheme_units_and_categories_of_this_year(
    campaign: Any, campaign_units: dict[str, Any], organizer: Any
) -> None:
    created, lines = _start(campaign, organizer)
    assert created.phase == Phase.DRAFT and created.year == 2025 and created.owner_id == campaign.owner_id
    assert created.previous_id == campaign.pk
    version = created.current_version()
    assert version is not None and version.number == 1
    assert version.data == campaign.current_version().data
    assert "2024年度学校考核" in version.reason
    before = sorted(CampaignUnit.objects.filter(campaign=campaign).values_list("organization_id", "category"))
    after = sorted(CampaignUnit.objects.filter(campaign=created).values_list("organization_id", "category"))
    assert after == before and len(after) == len(campaign_units)
    assert lines[:2] == ["复制考核方案(第 1 版)", f"沿用参评单位 {len(campaign_units)} 个"]


def test_deadlines_move_on_by_the_years_between_and_29_february_becomes_28(campaign: Any, organizer: Any) -> None:
    leap = timezone.make_aware(datetime.datetime(2024, 2, 29, 17, 0))
    normal = timezone.make_aware(datetime.datetime(2024, 5, 10, 18, 30))
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.SELF_ASSESSMENT, deadline=leap)
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.REVIEW, deadline=normal)
    created, lines = _start(campaign, organizer)
    moved = dict(created.deadlines.values_list("phase", "deadline"))
    assert timezone.localtime(moved[Phase.SELF_ASSESSMENT]).date() == datetime.date(2025, 2, 28)
    assert timezone.localtime(moved[Phase.REVIEW]) == timezone.localtime(normal).replace(year=2025)
    assert "各阶段截止时间顺延 1 年,共 2 项" in lines


def test_the_department_mapping_is_carried_over(campaign: Any, organizer: Any, dept_x: Any) -> None:
    department = dept_x
    DepartmentMapping.objects.create(campaign=campaign, scheme_name="基础教育科", department=department)
    created, lines = _start(campaign, organizer)
    assert list(DepartmentMapping.objects.filter(campaign=created).values_list("scheme_name", "department_id")) == [
        ("基础教育科", department.pk)
    ]
    assert "沿用处室对应 1 条" in lines


def test_a_second_start_from_the_same_campaign_is_refused_and_names_the_first(campaign: Any, organizer: Any) -> None:
    _start(campaign, organizer)
    with pytest.raises(CampaignError, match="本考核已开始过下一年度考核“2025年度学校考核”"):
        _start(campaign, organizer, name="另一个")
    assert Campaign.objects.filter(previous=campaign).count() == 1


@pytest.mark.parametrize(
    ("name", "year", "message"),
    [(" ", 2025, "请填写新考核的名称"), ("x", 2024, "应晚于2024年"), ("x", None, "应晚于2024年")],
)
def test_a_blank_name_or_a_year_not_after_this_one_is_refused_and_nothing_is_written(
    campaign: Any, organizer: Any, name: str, year: int | None, message: str
) -> None:
    count = Campaign.objects.count()
    with pytest.raises(CampaignError, match=message):
        _start(campaign, organizer, name=name, year=year)
    assert Campaign.objects.count() == count


def test_a_failing_carry_over_leaves_no_half_made_campaign(
    campaign: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(previous: Any, created: Any, actor: Any) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setitem(hooks._PROVIDERS.carry_overs, "zz_broken", broken)
    count, units = Campaign.objects.count(), CampaignUnit.objects.count()
    with pytest.raises(RuntimeError):
        _start(campaign, organizer)
    assert (Campaign.objects.count(), CampaignUnit.objects.count()) == (count, units)


def test_both_campaigns_record_the_start_in_their_audit_chains(campaign: Any, organizer: Any) -> None:
    created, _lines = _start(campaign, organizer)
    started = AuditEvent.objects.get(chain=f"campaign:{created.pk}", action="campaign.next_year")
    assert started.new["from"] == "2024年度学校考核" and started.actor_id == organizer.pk
    assert AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", action="campaign.followed").count() == 1


def test_an_archived_campaign_can_still_be_the_start_of_next_year(campaign: Any, organizer: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    campaign.refresh_from_db()
    created, _lines = _start(campaign, organizer)
    assert created.phase == Phase.DRAFT
