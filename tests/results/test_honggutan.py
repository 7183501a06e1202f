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
    result = compute_campaign_result(campaign).unit(unit_key(unit))
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


def _item_15_submitted(campaign, unit, organizer):
    item = item_ref(scheme_for(campaign), "district", "15").item
    services.entry_save(
        unit=unit,
        item=item,
        actor=organizer,
        version=0,
        data=services.EntryInput(figures={"standard_class_ratio": "80.84"}),
    )
    Submission.objects.filter(unit=unit).update(status=SubmissionStatus.SUBMITTED)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.REVIEW)
    campaign.refresh_from_db()
    unit.refresh_from_db()
    return item


def test_a_reviewers_adjustment_of_a_computed_item_counts_and_the_explanation_shows_the_rule_too(honggutan, organizer):
    campaign, unit = honggutan
    item = _item_15_submitted(campaign, unit, organizer)
    services.review_save(unit=unit, item=item, actor=organizer, version=0, score="2.5", reason="抽查班额统计表有误")
    result = compute_campaign_result(campaign).unit(unit_key(unit))
    item_15 = find(result.components[0].items, "15")
    assert item_15.score == Decimal("2.5")
    assert item_15.basis == "confirmed"
    assert "调整理由:抽查班额统计表有误" in item_15.explanation
    assert "按规则计算为 3.1 分" in item_15.explanation


def test_an_adjustment_of_a_computed_item_needs_a_reason_unless_it_equals_the_rules_score(honggutan, organizer):
    campaign, unit = honggutan
    item = _item_15_submitted(campaign, unit, organizer)
    with pytest.raises(services.AssessmentError) as refused:
        services.review_save(unit=unit, item=item, actor=organizer, version=0, score="2.5", reason="")
    assert "按规则计算的得分" in refused.value.message and "3.1" in refused.value.message
    row = services.review_save(unit=unit, item=item, actor=organizer, version=0, score="3.1", reason="")
    assert row.confirmed_score == Decimal("3.1")


def test_the_review_page_shows_what_counts_for_a_computed_item(honggutan, organizer, client_for):
    campaign, unit = honggutan
    item = _item_15_submitted(campaign, unit, organizer)
    page = client_for(organizer).get(reverse("assessments:review_unit", args=[campaign.pk, unit.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "计入结果" in body and "按规则计算" in body and "与按规则计算的得分不同时必填" in body
    services.review_save(unit=unit, item=item, actor=organizer, version=0, score="2.5", reason="抽查班额统计表有误")
    body = client_for(organizer).get(reverse("assessments:review_unit", args=[campaign.pk, unit.pk])).content.decode()
    assert "采用核定分(计2.5分),调整理由:抽查班额统计表有误" in body


def test_a_department_score_for_a_computed_item_counts():
    from kaoping.assessments.counting import counted

    scheme = load_scheme(SCHEME)
    item = next(ref for ref in _leaves(scheme) if ref.id == "15")
    shown = counted(scheme, item, entry=None, department_scores={"区教体局": Decimal(2)})
    assert (shown.score, shown.basis, shown.computed) == (Decimal(2), "reviewed", True)
    assert "采用处室评分(计2分)" in shown.explanation


def _leaves(scheme):
    for component in scheme.components:
        for top in component.indicators:
            yield from top.leaves()


def test_a_scorer_of_a_computed_item_sees_the_rules_score_and_their_score_replaces_it(
    honggutan, organizer, client_for, django_user_model
):
    from kaoping.assessments.models import DepartmentScore
    from kaoping.orgs.models import Department, Membership, Role

    campaign, unit = honggutan
    item = _item_15_submitted(campaign, unit, organizer)
    department = Department.objects.create(bureau=campaign.owner, name="区教体局")
    scorer = django_user_model.objects.create_user(username="jiaoti", password="x" * 12, display_name="教体局评分员")
    Membership.objects.create(
        user=scorer, organization=campaign.owner, role=Role.DEPARTMENT_SCORER, department=department
    )
    page = client_for(scorer).get(reverse("assessments:department_grid", args=[campaign.pk, department.pk, "15"]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "本指标按规则由单位填报的数据计算" in body and "按规则计算" in body and "3.1" in body
    services.department_score_save(unit=unit, item=item, department=department, actor=scorer, version=0, score="2")
    assert DepartmentScore.objects.get(unit=unit, item_id="15").score == Decimal(2)
    result = compute_campaign_result(campaign).unit(unit_key(unit))
    item_15 = find(result.components[0].items, "15")
    assert (item_15.score, item_15.basis) == (Decimal(2), "reviewed")
    assert "采用处室评分(计2分);按规则计算为 3.1 分" in item_15.explanation


def test_a_score_for_a_veto_item_is_refused_when_entered_never_stored_and_ignored(honggutan, organizer):
    from kaoping.assessments.models import ReviewScore
    from kaoping.engine.model import Indicator, RuleSpec

    campaign, unit = honggutan
    _item_15_submitted(campaign, unit, organizer)
    veto = Indicator(id="v1", name="重大安全责任事故", points=Decimal(0), rule=RuleSpec(kind="veto"))
    with pytest.raises(services.AssessmentError) as refused:
        services.review_save(unit=unit, item=veto, actor=organizer, version=0, score="1", reason="核实")
    assert "按是否触发认定" in refused.value.message
    assert not ReviewScore.objects.filter(unit=unit, item_id="v1").exists()


def test_a_scorer_sees_when_a_reviewers_confirmed_score_counts_instead_of_theirs(
    honggutan, organizer, client_for, django_user_model
):
    from kaoping.orgs.models import Department, Membership, Role

    campaign, unit = honggutan
    item = _item_15_submitted(campaign, unit, organizer)
    department = Department.objects.create(bureau=campaign.owner, name="区教体局")
    scorer = django_user_model.objects.create_user(username="jiaoti", password="x" * 12, display_name="教体局评分员")
    Membership.objects.create(
        user=scorer, organization=campaign.owner, role=Role.DEPARTMENT_SCORER, department=department
    )
    services.review_save(unit=unit, item=item, actor=organizer, version=0, score="2.5", reason="抽查班额统计表有误")
    body = client_for(scorer).get(reverse("assessments:department_grid", args=[campaign.pk, department.pk, "15"]))
    assert "复核已核定为 2.5 分,计入结果的是核定分" in body.content.decode()
