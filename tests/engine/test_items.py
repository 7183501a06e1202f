"""The indicator tree of one unit: sums, bonus/penalty caps, not applicable, missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine.inputs import ItemInput
from kaoping.engine.items import NOT_APPLICABLE, TreeOutcome, compile_tree, score_tree
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    Indicator,
    ItemKind,
    NotApplicablePolicy,
    Rounding,
    RoundingPolicy,
    RuleSpec,
    Scheme,
    ScoreBasis,
)
from kaoping.engine.results import FlagCode, ItemResult
from kaoping.engine.rules import RuleError

D = Decimal


def leaf(item_id: str, points: str, **kwargs: object) -> Indicator:
    return Indicator(id=item_id, name=f"指标{item_id}", points=D(points), **kwargs)  # type: ignore[arg-type]


def node(item_id: str, points: str, *children: Indicator) -> Indicator:
    return Indicator(id=item_id, name=f"指标{item_id}", points=D(points), children=children)


def run(
    indicators: tuple[Indicator, ...],
    inputs: list[ItemInput],
    *,
    points: str = "10",
    allow_above: bool = False,
    not_applicable: NotApplicablePolicy = NotApplicablePolicy.FULL_POINTS,
    item_rounding: Rounding | None = None,
    score_basis: tuple[ScoreBasis, ...] = (ScoreBasis.CONFIRMED, ScoreBasis.REVIEWED, ScoreBasis.SELF),
) -> TreeOutcome:
    component = Component(
        id="wk",
        name="五看五比",
        points=D(points),
        method=ComponentMethod.INDICATORS,
        indicators=indicators,
        allow_above_points=allow_above,
    )
    scheme = Scheme(
        id="s",
        name="测试方案",
        year=2021,
        categories=(Category("c", "县区", ("wk",)),),
        components=(component,),
        not_applicable=not_applicable,
        rounding=RoundingPolicy(item=item_rounding),
        score_basis=score_basis,
    )
    tree = compile_tree(component, scheme)
    return score_tree(tree, {inp.item_id: inp for inp in inputs})


def self_score(item_id: str, value: str, **kwargs: object) -> ItemInput:
    return ItemInput(unit_id="u1", item_id=item_id, self_score=D(value), **kwargs)  # type: ignore[arg-type]


def find(items: tuple[ItemResult, ...], item_id: str) -> ItemResult:
    for item in items:
        if item.item_id == item_id:
            return item
        try:
            return find(item.children, item_id)
        except KeyError:
            continue
    raise KeyError(item_id)


TREE = (
    node("1", "5", leaf("1.1", "2"), leaf("1.2", "3")),
    node("2", "5", leaf("2.1", "5")),
)


def test_inner_nodes_add_up_their_children() -> None:
    outcome = run(TREE, [self_score("1.1", "2"), self_score("1.2", "2.5"), self_score("2.1", "4")])
    assert outcome.score == D("8.5")
    first = find(outcome.items, "1")
    assert (first.score, first.max, first.explanation) == (D("4.5"), D(5), "下级指标合计 4.5")
    assert [child.score for child in first.children] == [D(2), D("2.5")]
    assert outcome.flags == []


def test_missing_item_makes_parents_and_component_missing_but_reports_the_partial_sum() -> None:
    outcome = run(TREE, [self_score("1.1", "2"), self_score("2.1", "4")])
    assert outcome.score is None
    first = find(outcome.items, "1")
    assert first.score is None
    assert first.explanation == "缺失:1项未得分(1.2),已得分项合计 2"
    assert find(outcome.items, "2").score == D(4)
    assert outcome.explanation == "缺失:1项未得分(1),已得分项合计 4"
    assert [(flag.code, flag.ref) for flag in outcome.flags] == [(FlagCode.MISSING_INPUT, "1.2")]


def test_no_inputs_at_all_is_missing_not_zero() -> None:
    outcome = run(TREE, [])
    assert outcome.score is None
    assert len(outcome.flags) == 3


def test_out_of_range_entry_is_missing_and_flagged_on_the_fast_path() -> None:
    outcome = run(TREE, [self_score("1.1", "20"), self_score("1.2", "3"), self_score("2.1", "5")])
    assert outcome.score is None
    assert find(outcome.items, "1.1").explanation == "自评分 20 超出 0–2 分,按缺失处理"
    assert [flag.code for flag in outcome.flags] == [FlagCode.OUT_OF_RANGE]


def test_identical_scores_of_different_items_keep_their_own_ids() -> None:
    outcome = run(TREE, [self_score("1.1", "2"), self_score("1.2", "2"), self_score("2.1", "2")])
    assert [find(outcome.items, i).item_id for i in ("1.1", "1.2", "2.1")] == ["1.1", "1.2", "2.1"]
    assert find(outcome.items, "1.2").max == D(3)


def test_confirmed_score_counts_on_the_tree_path() -> None:
    inputs = [
        ItemInput(unit_id="u1", item_id="1.1", self_score=D(2), confirmed_score=D(1)),
        self_score("1.2", "3"),
        self_score("2.1", "5"),
    ]
    outcome = run(TREE, inputs)
    assert outcome.score == D(9)
    assert find(outcome.items, "1.1").basis == "confirmed"


def test_custom_basis_order_is_used_by_the_tree() -> None:
    inputs = [
        ItemInput(unit_id="u1", item_id="1.1", self_score=D(2), confirmed_score=D(1)),
        self_score("1.2", "3"),
        self_score("2.1", "5"),
    ]
    outcome = run(TREE, inputs, score_basis=(ScoreBasis.SELF, ScoreBasis.CONFIRMED))
    assert outcome.score == D(10)


def test_item_rounding_applies_to_manual_items() -> None:
    outcome = run(
        TREE, [self_score("1.1", "1.95"), self_score("1.2", "3"), self_score("2.1", "5")], item_rounding=Rounding(1)
    )
    assert find(outcome.items, "1.1").score == D("2.0")
    assert outcome.score == D("10.0")


def test_not_applicable_item_gets_full_points_by_default() -> None:
    inputs = [
        self_score("1.1", "2"),
        self_score("1.2", "3"),
        ItemInput(unit_id="u1", item_id="2.1", not_applicable=True),
    ]
    outcome = run(TREE, inputs)
    assert outcome.score == D(10)
    item = find(outcome.items, "2.1")
    assert (item.score, item.basis, item.explanation) == (D(5), NOT_APPLICABLE, "不适用,按满分计")


def test_rescale_leaves_the_item_out_and_scales_up_its_siblings() -> None:
    indicators = (node("1", "10", leaf("1.1", "4"), leaf("1.2", "4"), leaf("1.3", "2")),)
    inputs = [
        self_score("1.1", "4"),
        self_score("1.2", "3"),
        ItemInput(unit_id="u1", item_id="1.3", not_applicable=True),
    ]
    outcome = run(indicators, inputs, not_applicable=NotApplicablePolicy.RESCALE)
    # 7 of the 8 applicable points → 7 × 10 / 8 = 8.75
    assert outcome.score == D("8.75")
    first = find(outcome.items, "1")
    assert first.explanation == "不适用项共2分不计,其余 7/8 按比例折算为 8.75/10"
    assert find(outcome.items, "1.3").score is None
    assert find(outcome.items, "1.3").basis == NOT_APPLICABLE
    assert outcome.flags == []


def test_rescale_uses_item_rounding() -> None:
    indicators = (node("1", "10", leaf("1.1", "3"), leaf("1.2", "3"), leaf("1.3", "4")),)
    inputs = [
        self_score("1.1", "3"),
        self_score("1.2", "2"),
        ItemInput(unit_id="u1", item_id="1.3", not_applicable=True),
    ]
    outcome = run(indicators, inputs, not_applicable=NotApplicablePolicy.RESCALE, item_rounding=Rounding(2))
    assert outcome.score == D("8.33")  # 5 × 10 / 6


def test_rescale_a_node_whose_items_are_all_not_applicable_is_itself_left_out() -> None:
    indicators = (
        node("1", "5", leaf("1.1", "5")),
        node("2", "5", leaf("2.1", "3"), leaf("2.2", "2")),
    )
    inputs = [
        self_score("1.1", "4"),
        ItemInput(unit_id="u1", item_id="2.1", not_applicable=True),
        ItemInput(unit_id="u1", item_id="2.2", not_applicable=True),
    ]
    outcome = run(indicators, inputs, not_applicable=NotApplicablePolicy.RESCALE)
    assert find(outcome.items, "2").basis == NOT_APPLICABLE
    assert outcome.score == D(8)  # 4 of 5 applicable → scaled to 10


def test_bonus_adds_but_the_total_is_capped_at_the_points() -> None:
    indicators = (*TREE, leaf("B", "3", kind=ItemKind.BONUS))
    inputs = [self_score("1.1", "2"), self_score("1.2", "2"), self_score("2.1", "5"), self_score("B", "2")]
    outcome = run(indicators, inputs)
    assert outcome.score == D(10)
    assert outcome.explanation == "下级指标合计 9,加分项 2,封顶10分"


def test_bonus_may_lift_the_total_above_points_when_the_component_allows_it() -> None:
    indicators = (*TREE, leaf("B", "3", kind=ItemKind.BONUS))
    inputs = [self_score("1.1", "2"), self_score("1.2", "3"), self_score("2.1", "5"), self_score("B", "2")]
    assert run(indicators, inputs, allow_above=True).score == D(12)


def test_bonus_item_cannot_exceed_its_own_points() -> None:
    indicators = (*TREE, leaf("B", "3", kind=ItemKind.BONUS))
    inputs = [self_score("1.1", "2"), self_score("1.2", "3"), self_score("2.1", "5"), self_score("B", "4")]
    outcome = run(indicators, inputs, allow_above=True)
    assert outcome.score is None
    assert outcome.flags[0].code is FlagCode.OUT_OF_RANGE


def test_unclaimed_bonus_and_penalty_items_count_zero() -> None:
    indicators = (*TREE, leaf("B", "3", kind=ItemKind.BONUS), leaf("P", "3", kind=ItemKind.PENALTY))
    inputs = [self_score("1.1", "2"), self_score("1.2", "3"), self_score("2.1", "5")]
    outcome = run(indicators, inputs)
    assert outcome.score == D(10)
    assert find(outcome.items, "B").explanation == "未申报加分,计0分"
    assert find(outcome.items, "P").score == D(0)


def test_manual_penalty_subtracts_the_entered_deduction() -> None:
    indicators = (*TREE, leaf("P", "3", kind=ItemKind.PENALTY))
    inputs = [self_score("1.1", "2"), self_score("1.2", "3"), self_score("2.1", "5"), self_score("P", "1.5")]
    outcome = run(indicators, inputs)
    assert outcome.score == D("8.5")
    penalty = find(outcome.items, "P")
    assert penalty.score == D("-1.5")
    assert penalty.explanation == "采用自评分;减分项,扣1.5分"


def test_computed_penalty_subtracts_the_rule_shortfall() -> None:
    rule = RuleSpec("deduct_per_occurrence", {"figure": "accidents", "label": "安全事故", "deduct": 2})
    indicators = (*TREE, leaf("P", "5", kind=ItemKind.PENALTY, rule=rule))
    inputs = [
        self_score("1.1", "2"),
        self_score("1.2", "3"),
        self_score("2.1", "5"),
        ItemInput(unit_id="u1", item_id="P", figures={"accidents": D(2)}),
    ]
    outcome = run(indicators, inputs)
    assert find(outcome.items, "P").score == D(-4)
    assert outcome.score == D(6)


def test_penalties_never_take_a_node_below_zero() -> None:
    indicators = (node("1", "2", leaf("1.1", "2")), leaf("P", "5", kind=ItemKind.PENALTY))
    inputs = [self_score("1.1", "1"), self_score("P", "5")]
    outcome = run(indicators, inputs, points="2")
    assert outcome.score == D(0)
    assert "最低为0" in outcome.explanation


def test_triggered_modifiers_are_reported_as_effects() -> None:
    indicators = (
        *TREE,
        leaf("V", "0", rule=RuleSpec("veto", {"effect": "zero_component"})),
        leaf("N", "0", rule=RuleSpec("not_excellent")),
        leaf("G", "0", rule=RuleSpec("downgrade")),
    )
    inputs = [
        self_score("1.1", "2"),
        self_score("1.2", "3"),
        self_score("2.1", "5"),
        ItemInput(unit_id="u1", item_id="V", triggered=True),
        ItemInput(unit_id="u1", item_id="N", triggered=True),
        ItemInput(unit_id="u1", item_id="G", triggered=False),
    ]
    outcome = run(indicators, inputs)
    assert outcome.effects == ["zero_component", "not_excellent"]
    assert outcome.score == D(10)  # the component sets itself to 0 in scoring, not here
    assert {flag.code for flag in outcome.flags} == {FlagCode.VETO, FlagCode.NOT_EXCELLENT}


def test_invalid_rules_are_all_reported_when_compiling() -> None:
    indicators = (
        leaf("1", "5", rule=RuleSpec("threshold", {"standard": 90})),
        leaf("2", "5", rule=RuleSpec("nonsense")),
    )
    with pytest.raises(RuleError) as error:
        run(indicators, [])
    assert len(error.value.problems) == 2
    assert error.value.problems[0].startswith("考核项目 五看五比:指标 1 指标1:")


def test_units_sharing_a_value_share_the_result_but_each_gets_its_own_flags() -> None:
    rule = RuleSpec("deduct_per_occurrence", {"figure": "n", "deduct": 1})
    indicators = (leaf("1", "5", rule=rule), leaf("2", "5"))
    component = Component("wk", "五看五比", D(10), ComponentMethod.INDICATORS, indicators=indicators)
    scheme = Scheme(
        id="s", name="测试", year=None, categories=(Category("c", "县区", ("wk",)),), components=(component,)
    )
    tree = compile_tree(component, scheme)
    first = score_tree(tree, {"1": ItemInput("a", "1", figures={"n": D(2)}), "2": self_score("2", "4")})
    second = score_tree(tree, {"1": ItemInput("b", "1", figures={"n": D(2)}), "2": self_score("2", "4")})
    assert first.items == second.items
    assert first.score == second.score == D(7)
    bad = ItemInput("c", "1", figures={"n": D(-1)})
    assert len(score_tree(tree, {"1": bad, "2": self_score("2", "9")}).flags) == 2
    assert len(score_tree(tree, {"1": bad, "2": self_score("2", "9")}).flags) == 2
