from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kaoping.assessments.models import Recusal
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import CampaignUnit
from kaoping.inspection import draw as drawing
from kaoping.inspection import services
from kaoping.inspection.models import Assignment, Group
from kaoping.orgs.models import Membership, Organization, OrgKind, Role

pytestmark = pytest.mark.django_db


def _group(campaign: Any, actor: Any, name: str, leader: Any, *members: Any) -> Group:
    return services.save_group(
        campaign=campaign, actor=actor, data=services.GroupInput(name=name, leader=leader, members=members)
    )


def test_the_pure_draw_balances_within_one_and_is_reproducible_from_its_seed():
    units, groups = list(range(50)), list("ABCDEFGHIJK")
    allowed = {u: set(groups) - {groups[u % 11]} for u in units}
    first = drawing.draw(units, groups, allowed, "seed-1")
    assert isinstance(first, drawing.Placed)
    sizes = Counter(first.groups.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1 and sum(sizes.values()) == 50
    assert all(first.groups[u] in allowed[u] for u in units)
    assert drawing.draw(units, groups, allowed, "seed-1") == first


def test_the_pure_draw_names_the_unit_it_cannot_place():
    groups = ["A", "B"]
    allowed = {1: {"A"}, 2: {"A"}, 3: {"A"}, 4: {"A", "B"}}
    outcome = drawing.draw([1, 2, 3, 4], groups, allowed, "x")
    assert isinstance(outcome, drawing.Unplaceable) and outcome.allowed == ("A",)


def test_the_draw_respects_declared_recusal_and_own_unit_and_is_audited(
    open_campaign, campaign_units, organizer, reviewer, inspectors, cast
):
    school_a = campaign_units["school_a"]
    # 甲督学 declared a conflict with school A; 乙督学 also works at county B (their own unit)
    Recusal.objects.create(campaign=open_campaign, unit=school_a, user=inspectors["insp1"], reason="曾任该校校长")
    Membership.objects.create(user=inspectors["insp2"], organization=cast.county_b, role=Role.REPORTER)
    g1 = _group(open_campaign, organizer, "第一组", inspectors["insp1"], reviewer)
    g2 = _group(open_campaign, organizer, "第二组", inspectors["insp2"])
    for _ in range(5):
        Assignment.objects.all().delete()
        result = services.draw(campaign=open_campaign, actor=organizer)
        by_unit = {a.unit_id: a for a in result.assignments}
        assert by_unit[school_a.pk].group == g2
        assert "曾任该校校长" in by_unit[school_a.pk].reason
        # 乙督学 is one of county B's own people, and school B sits beneath county B
        assert by_unit[campaign_units["county_b"].pk].group == g1
        assert by_unit[campaign_units["school_b"].pk].group == g1
        assert "乙督学 是本单位人员" in by_unit[campaign_units["county_b"].pk].reason
        assert "乙督学 所在单位管辖该单位" in by_unit[campaign_units["school_b"].pk].reason
        sizes = Counter(a.group_id for a in result.assignments)
        assert sorted(sizes.values()) == [2, 2]
    event = AuditEvent.objects.filter(action="inspection.draw").last()
    assert event is not None and event.new["seed"] == result.seed and event.new["units"] == 4


def test_eleven_groups_over_every_school_balance_within_one(open_campaign, organizer, reviewer, cast):
    for n in range(40):
        school = Organization.objects.create(name=f"第{n}小学", code=f"s{n}", kind=OrgKind.SCHOOL, parent=cast.city)
        CampaignUnit.objects.create(campaign=open_campaign, organization=school, category="school")
    for n in range(11):
        _group(open_campaign, organizer, f"第{n + 1}指导检查组", reviewer)
    result = services.draw(campaign=open_campaign, actor=organizer, category="school")
    sizes = Counter(a.group_id for a in result.assignments)
    assert len(result.assignments) == 42 and len(sizes) == 11
    assert max(sizes.values()) - min(sizes.values()) <= 1


def test_an_impossible_draw_says_which_unit_and_why(open_campaign, campaign_units, organizer, inspectors):
    school_a = campaign_units["school_a"]
    for who in ("insp1", "insp2"):
        Recusal.objects.create(campaign=open_campaign, unit=school_a, user=inspectors[who], reason="亲属在该校任教")
    _group(open_campaign, organizer, "第一组", inspectors["insp1"])
    _group(open_campaign, organizer, "第二组", inspectors["insp2"])
    with pytest.raises(services.InspectionError, match="东湖第一中学 无法分配:每个督查组都有须回避的成员") as refused:
        services.draw(campaign=open_campaign, actor=organizer)
    assert "亲属在该校任教" in refused.value.messages[0]
    assert not Assignment.objects.exists()


def test_an_impossible_balance_names_the_unit_and_the_full_groups(open_campaign, campaign_units, organizer, inspectors):
    # 甲 may inspect only two units; the other three of the four must go to 第一组 too, which holds two
    for key in ("school_a", "school_b", "county_a"):
        Recusal.objects.create(
            campaign=open_campaign, unit=campaign_units[key], user=inspectors["insp2"], reason="回避"
        )
    _group(open_campaign, organizer, "第一组", inspectors["insp1"])
    _group(open_campaign, organizer, "第二组", inspectors["insp2"])
    with pytest.raises(services.InspectionError, match="只有 第一组 可以检查该单位"):
        services.draw(campaign=open_campaign, actor=organizer)


def test_by_hand_a_recused_group_is_refused_with_the_reason(open_campaign, campaign_units, organizer, inspectors):
    school_a = campaign_units["school_a"]
    Recusal.objects.create(campaign=open_campaign, unit=school_a, user=inspectors["insp1"], reason="曾任该校校长")
    g1 = _group(open_campaign, organizer, "第一组", inspectors["insp1"])
    g2 = _group(open_campaign, organizer, "第二组", inspectors["insp2"])
    with pytest.raises(services.InspectionError, match="第一组 不能检查 东湖第一中学:甲督学 申报回避"):
        services.assign(unit=school_a, actor=organizer, group=g1)
    assignment = services.assign(unit=school_a, actor=organizer, group=g2)
    assert assignment is not None and not assignment.drawn
    assert AuditEvent.objects.filter(action="inspection.assign").count() == 1


def test_groups_take_only_the_bureaus_reviewers_and_organizers(
    open_campaign, organizer, reviewer, reporter_a, other_organizer
):
    for outsider in (reporter_a, other_organizer):
        with pytest.raises(services.InspectionError, match="本局的审核人员或组织者"):
            _group(open_campaign, organizer, "第一组", reviewer, outsider)
    with pytest.raises(services.InspectionError, match="只有组织者"):
        _group(open_campaign, reviewer, "第一组", reviewer)
    group = _group(open_campaign, organizer, "第一组", reviewer, organizer)
    assert set(group.members.all()) == {reviewer, organizer}
    assert AuditEvent.objects.filter(action="inspection.group.create").exists()
