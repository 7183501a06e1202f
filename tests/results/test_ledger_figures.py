"""An item scored from last year's 整改台账 (seed 004 item 54), through the whole results pipeline.

Next year's campaign reads, for each unit, last year's problems, how many are fixed and how many
are open. The unit types none of it; closing a problem (last year's, or its copy carried into this
year) changes the stored result without anyone touching the new campaign's scores.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns import next_year
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, SchemeVersion
from kaoping.rectification import services as problems
from kaoping.rectification.models import Problem, ProblemState
from kaoping.results import services
from kaoping.results.inputs import unit_key
from kaoping.results.versions import current_version

pytestmark = pytest.mark.django_db

LEDGER_RULE = {
    "kind": "deduct_per_occurrence",
    "figure": "open",
    "deduct": 1,
    "unit": "个",
    "source": "previous_problems",
}


def _register(unit: Any, actor: Any, count: int) -> list[Problem]:
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    return [
        problems.create(
            unit=unit,
            actor=actor,
            data=problems.ProblemInput(
                description=f"问题{n}", item_id="1.2", item_name="1.2 德育工作", deadline=deadline
            ),
        )
        for n in range(count)
    ]


def _next_year_with_ledger_item(previous: Campaign, organizer: Any) -> Campaign:
    campaign, _lines = next_year.start_next_year(previous=previous, name="2025年度学校考核", year=2025, actor=organizer)
    version = campaign.current_version()
    assert version is not None
    data = copy.deepcopy(version.data)
    item = data["components"][0]["indicators"][0]["children"][1]
    assert item["id"] == "1.2"
    item["rule"] = LEDGER_RULE
    SchemeVersion.objects.create(campaign=campaign, number=2, data=data, source_name="2025.yaml")
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    return campaign


def _submit(campaign: Campaign, organization: Any, reporter: Any) -> CampaignUnit:
    unit = CampaignUnit.objects.get(campaign=campaign, organization=organization)
    fill_unit(unit, reporter)
    assess_services.submission_submit(unit=unit, actor=reporter, scheme=scheme_for(campaign))
    return unit


def _item(campaign: Campaign, unit: CampaignUnit) -> Any:
    shown = services.standings(campaign)
    assert shown.current
    result = services.stored_unit_result(unit)
    assert result is not None
    return next(leaf for leaf in _leaves(result.components[0].items) if leaf.item_id == "1.2")


def _leaves(items: Any) -> Any:
    for item in items:
        yield item
        yield from _leaves(item.children)


@pytest.fixture
def year_two(unit_a: Any, unit_b: Any, reviewer: Any, organizer: Any, reporter_a: Any, reporter_b: Any) -> Any:
    """School A had 3 problems last year (1 closed), school B none."""
    found = _register(unit_a, reviewer, 3)
    problems.recheck(problem=found[0], actor=reviewer, close=True, opinion="已整改到位")
    campaign = _next_year_with_ledger_item(unit_a.campaign, organizer)
    a = _submit(campaign, unit_a.organization, reporter_a)
    b = _submit(campaign, unit_b.organization, reporter_b)
    return campaign, a, b


def test_the_item_is_scored_from_last_years_ledger_and_explains_the_figures(year_two: Any) -> None:
    campaign, a, b = year_two
    item_a = _item(campaign, a)
    assert item_a.score == Decimal(1)  # 3 − 2 open × 1
    assert "上年问题数 3,已整改到位问题数 1,未整改到位问题数 2,整改率 33.3%" in item_a.explanation
    assert "未整改到位问题数 2个,每个扣1分,扣2分 → 1/3" in item_a.explanation
    item_b = _item(campaign, b)
    assert item_b.score == Decimal(3) and "上年问题数 0" in item_b.explanation


def test_closing_a_carried_problem_this_year_counts_it_as_fixed(year_two: Any, reviewer: Any) -> None:
    campaign, a, _b = year_two
    before = current_version(campaign).key
    carried = Problem.objects.filter(campaign=campaign, unit=a).order_by("number").first()
    assert carried is not None and carried.carried_from is not None
    problems.recheck(problem=carried, actor=reviewer, close=True, opinion="复查合格")
    assert current_version(campaign).key != before
    item = _item(campaign, a)
    assert item.score == Decimal(2) and "已整改到位问题数 2" in item.explanation


def test_closing_last_years_problem_itself_makes_next_years_result_stale_and_recomputes_it(
    year_two: Any, reviewer: Any, unit_a: Any
) -> None:
    campaign, a, _b = year_two
    assert _item(campaign, a).score == Decimal(1)
    old = Problem.objects.filter(campaign=unit_a.campaign, state=ProblemState.OPEN).order_by("number").first()
    assert old is not None
    before = current_version(campaign).key
    problems.recheck(problem=old, actor=reviewer, close=True, opinion="已整改到位")
    assert current_version(campaign).key != before
    assert _item(campaign, a).score == Decimal(2)


def test_what_the_unit_types_for_the_figures_is_not_asked_for_and_never_counts(year_two: Any, reporter_a: Any) -> None:
    campaign, a, _b = year_two
    ref = item_ref(scheme_for(campaign), a.category, "1.2")
    assert assess_services.figure_names(ref.item) == []
    assert assess_services.figure_source_title(ref.item) == "上年问题清单(整改台账)"
    assert _item(campaign, a).basis == "rule"


def test_a_unit_that_did_not_take_part_last_year_has_the_item_missing_not_zero(
    year_two: Any, unit_b: Any, reporter_b: Any
) -> None:
    campaign, _a, b = year_two
    CampaignUnit.objects.filter(campaign=unit_b.campaign, organization=unit_b.organization).delete()
    item = _item(campaign, b)
    assert item.score is None and "上年问题清单(整改台账)中没有这个单位的记录" in item.explanation
    result = services.stored_unit_result(b)
    assert result is not None and result.total is None
    assert unit_key(b) == result.unit_id


def test_the_units_own_preview_counts_the_ledger_item_as_the_results_will(year_two: Any) -> None:
    from kaoping.assessments.preview import self_preview

    campaign, a, _b = year_two
    preview = self_preview(a, scheme_for(campaign))
    assert preview is not None and preview.total.missing == ()
    assert preview.total.score == Decimal("8")  # 3 + 1 (ledger: 2 open) + 4
