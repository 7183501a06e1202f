"""A 核定分 or a department score replaces a computed rule's result, and the explanation says so."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, ItemKind, RuleSpec
from kaoping.engine.results import FlagCode
from kaoping.engine.rules import SchemeRuleContext, compile_rule, is_computed, takes_no_score
from kaoping.engine.rules.overrides import KeyedOverridableRule, OverridableRule

D = Decimal
RATIO = RuleSpec(kind="ratio_to_target", params={"figure": "rate", "target": "100", "label": "达标率"})
ITEM = Indicator(id="15", name="义务教育巩固率", points=D(10), rule=RATIO)


def inp(**kwargs: object) -> ItemInput:
    return ItemInput(unit_id="u", item_id="15", **kwargs)  # type: ignore[arg-type]


def test_computed_rules_are_wrapped_and_manual_and_modifier_rules_are_not() -> None:
    rule = compile_rule(ITEM, SchemeRuleContext())
    assert isinstance(rule, KeyedOverridableRule)
    assert is_computed(RATIO) and not is_computed(None) and not is_computed(RuleSpec(kind="manual"))
    veto = RuleSpec(kind="veto")
    assert takes_no_score(veto) and not is_computed(veto)
    assert not isinstance(compile_rule(Indicator(id="1", name="x", points=D(4)), SchemeRuleContext()), OverridableRule)


def test_without_an_entered_score_the_rule_counts() -> None:
    score, text, basis, flag = compile_rule(ITEM, SchemeRuleContext()).evaluate(inp(figures={"rate": D("80.84")}))
    assert (score, basis, flag) == (D("8.084"), "rule", None)
    assert "完成率 80.84%" in text


def test_a_confirmed_score_replaces_the_rule_and_the_explanation_shows_both_and_the_reason() -> None:
    rule = compile_rule(ITEM, SchemeRuleContext())
    score, text, basis, flag = rule.evaluate(
        inp(figures={"rate": D("80.84")}, confirmed_score=D(7), review_note="抽查发现巩固率数据有误")
    )
    assert (score, basis, flag) == (D(7), "confirmed", None)
    assert text.startswith("采用核定分(计7分),调整理由:抽查发现巩固率数据有误;按规则计算为 8.084 分(")
    assert text.endswith("),已被替代")


def test_a_department_score_replaces_the_rule_and_a_confirmed_score_comes_before_it() -> None:
    rule = compile_rule(ITEM, SchemeRuleContext())
    assert rule.evaluate(inp(figures={"rate": D(90)}, reviewed_score=D(6)))[:3:2] == (D(6), "reviewed")
    assert rule.evaluate(inp(reviewed_score=D(6), confirmed_score=D(5)))[:3:2] == (D(5), "confirmed")


def test_an_override_without_figures_counts_and_clears_the_missing_figure_flag() -> None:
    score, text, basis, flag = compile_rule(ITEM, SchemeRuleContext()).evaluate(inp(confirmed_score=D(9)))
    assert (score, basis, flag) == (D(9), "confirmed", None)
    assert "按规则未能计算" in text


def test_an_override_above_the_points_is_flagged_and_missing_never_clamped() -> None:
    score, text, basis, flag = compile_rule(ITEM, SchemeRuleContext()).evaluate(inp(confirmed_score=D(40)))
    assert score is None and basis == "confirmed"
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE
    assert "核定分 40 超出 0–10 分" in text


def test_the_schemes_basis_order_decides_whether_the_rule_or_the_review_counts() -> None:
    self_first = SchemeRuleContext(basis_order=("self", "confirmed"))
    rule = compile_rule(ITEM, self_first)
    assert rule.evaluate(inp(figures={"rate": D(50)}, confirmed_score=D(9)))[0] == D(5)
    assert rule.evaluate(inp(confirmed_score=D(9)))[0] == D(9)  # no figure: the next basis counts


def test_an_override_of_a_penalty_item_is_the_deduction() -> None:
    penalty = Indicator(id="p", name="安全事故", points=D(5), kind=ItemKind.PENALTY, rule=RATIO)
    score, text, _basis, _flag = compile_rule(penalty, SchemeRuleContext()).evaluate(inp(confirmed_score=D(2)))
    assert score == D(3)  # engine.items._leaf turns a [0, points] score into points − score = 2 off
    assert text.startswith("采用核定分(扣2分)")


def test_an_overridden_unit_never_shares_a_cached_rule_result() -> None:
    rule = compile_rule(ITEM, SchemeRuleContext())
    assert isinstance(rule, KeyedOverridableRule)
    assert rule.cache_key(inp(figures={"rate": D(80)})) == "80"
    assert rule.cache_key(inp(figures={"rate": D(80)}, confirmed_score=D(1))) is None
    assert rule.cache_key(inp(figures={"rate": D(80)}, reviewed_score=D(1))) is None
