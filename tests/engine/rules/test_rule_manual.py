from decimal import Decimal

import pytest
from rule_helpers import make_rule

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import DepartmentShare, Indicator, Rounding, RuleSpec
from kaoping.engine.results import FlagCode
from kaoping.engine.rules import RuleError, SchemeRuleContext, compile_rule, validate_rule


def entry(**scores: str) -> ItemInput:
    return ItemInput(unit_id="u1", item_id="15", **{name: Decimal(v) for name, v in scores.items()})  # type: ignore[arg-type]


def test_confirmed_score_wins_over_reviewed_and_self() -> None:
    rule = make_rule("manual")
    assert rule.evaluate(entry(self_score="4", reviewed_score="3.5", confirmed_score="3")) == (
        Decimal(3),
        "采用核定分",
        "confirmed",
        None,
    )


def test_reviewed_score_wins_over_self() -> None:
    score, text, basis, _ = make_rule("manual").evaluate(entry(self_score="4", reviewed_score="3.5"))
    assert (score, text, basis) == (Decimal("3.5"), "采用复核分", "reviewed")


def test_self_score_counts_when_nothing_else_is_there() -> None:
    assert make_rule("manual").evaluate(entry(self_score="3.1"))[:3] == (Decimal("3.1"), "采用自评分", "self")


def test_scheme_basis_order_is_respected() -> None:
    rule = make_rule("manual", basis_order=("self", "confirmed"))
    assert rule.evaluate(entry(self_score="4", confirmed_score="3"))[0] == Decimal(4)


def test_no_score_is_missing_with_a_flag() -> None:
    score, text, _, flag = make_rule("manual").evaluate(entry())
    assert score is None
    assert text.startswith("缺失")
    assert flag is not None and flag[0] is FlagCode.MISSING_INPUT and "15 班额" in flag[1]


@pytest.mark.parametrize("value", ["4.5", "40", "-0.1"])
def test_score_outside_zero_to_points_is_flagged_and_missing_not_clamped(value: str) -> None:
    score, text, basis, flag = make_rule("manual").evaluate(entry(self_score=value))
    assert score is None
    assert basis == "self"
    assert "超出 0–4 分" in text
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE


def test_note_is_appended_to_the_explanation() -> None:
    inp = ItemInput(unit_id="u1", item_id="15", self_score=Decimal(3), note="会议纪要缺2次")
    assert make_rule("manual").evaluate(inp)[1] == "采用自评分(会议纪要缺2次)"


def test_item_rounding_applies_to_manual_scores() -> None:
    rule = make_rule("manual", item_rounding=Rounding(1))
    assert rule.evaluate(entry(self_score="3.15"))[0] == Decimal("3.2")


def split_item() -> Indicator:
    return Indicator(
        id="7",
        name="教育经费",
        points=Decimal(11),
        departments=(
            DepartmentShare("计财处", Decimal(4)),
            DepartmentShare("基教处", Decimal(3)),
            DepartmentShare("人事处", Decimal("2.5")),
            DepartmentShare("办公室", Decimal("1.5")),
        ),
    )


def department_entry(**scores: str) -> ItemInput:
    return ItemInput(unit_id="u1", item_id="7", department_scores={k: Decimal(v) for k, v in scores.items()})


def test_split_item_adds_up_department_scores() -> None:
    rule = compile_rule(split_item(), SchemeRuleContext())
    score, text, basis, flag = rule.evaluate(department_entry(计财处="4", 基教处="2", 人事处="2.5", 办公室="1"))
    assert score == Decimal("9.5")
    assert basis == "reviewed"
    assert flag is None
    assert text == "各处室评分合计:计财处 4/4 + 基教处 2/3 + 人事处 2.5/2.5 + 办公室 1/1.5 = 9.5"


def test_split_item_waiting_for_a_department_is_missing_and_names_it() -> None:
    rule = compile_rule(split_item(), SchemeRuleContext())
    score, _, _, flag = rule.evaluate(department_entry(计财处="4", 基教处="2", 人事处="2.5"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.MISSING_INPUT and "办公室" in flag[1]


def test_split_item_department_above_its_share_is_out_of_range() -> None:
    rule = compile_rule(split_item(), SchemeRuleContext())
    score, text, _, flag = rule.evaluate(department_entry(计财处="5", 基教处="2", 人事处="2.5", 办公室="1"))
    assert score is None
    assert "计财处" in text
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE


def test_split_item_confirmed_score_overrides_departments() -> None:
    rule = compile_rule(split_item(), SchemeRuleContext())
    inp = ItemInput(unit_id="u1", item_id="7", confirmed_score=Decimal(10), department_scores={"计财处": Decimal(1)})
    assert rule.evaluate(inp)[:3] == (Decimal(10), "采用核定分", "confirmed")


def test_split_shares_must_add_up_to_the_item_points() -> None:
    item = Indicator(
        id="7",
        name="教育经费",
        points=Decimal(10),
        departments=(DepartmentShare("计财处", Decimal(4)), DepartmentShare("基教处", Decimal(3))),
        rule=RuleSpec("manual"),
    )
    problems = validate_rule(RuleSpec("manual"), item)
    assert problems == ["计分规则 manual:各处室分值合计 7 与指标分值 10 不一致"]
    with pytest.raises(RuleError) as error:
        compile_rule(item, SchemeRuleContext())
    assert "指标 7 教育经费" in error.value.problems[0]
