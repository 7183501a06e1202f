from decimal import Decimal

from rule_helpers import figures, make_rule

from kaoping.engine.inputs import ItemInput
from kaoping.engine.results import FlagCode

SEED_004_ITEM_15 = {
    "figure": "standard_class_ratio",
    "label": "标准班额占比",
    "unit": "%",
    "standard": 90,
    "per": 1,
    "deduct": 0.1,
    "rounding": {"places": 1, "mode": "half_up"},
}


def test_seed_004_item_15_deducts_0_9_and_scores_3_1() -> None:
    rule = make_rule("deduct_per_unit_short", **SEED_004_ITEM_15)
    score, text, basis, flag = rule.evaluate(figures(standard_class_ratio="80.84"))
    assert score == Decimal("3.1")
    assert text == "标准班额占比 80.84%,低于标准 90%,每低1个百分点扣0.1分,扣0.9分 → 3.1/4"
    assert basis == "rule"
    assert flag is None


def test_figure_at_or_above_standard_keeps_full_points() -> None:
    rule = make_rule("deduct_per_unit_short", **SEED_004_ITEM_15)
    score, text, _, _ = rule.evaluate(figures(standard_class_ratio="90"))
    assert score == Decimal(4)
    assert "不扣分" in text


def test_deduction_is_floored_at_zero() -> None:
    rule = make_rule("deduct_per_unit_short", **SEED_004_ITEM_15)
    score, text, _, _ = rule.evaluate(figures(standard_class_ratio="10"))
    assert score == Decimal(0)
    assert "扣完为止" in text


def test_deduction_rounds_half_up_not_half_even() -> None:
    rule = make_rule("deduct_per_unit_short", **SEED_004_ITEM_15)
    # 85.5 → 4.5 short → 0.45 → 0.5 (half up), half-even would give 0.4
    score, _, _, _ = rule.evaluate(figures(standard_class_ratio="85.5"))
    assert score == Decimal("3.5")


def test_whole_units_counts_only_complete_steps() -> None:
    rule = make_rule("deduct_per_unit_short", figure="r", standard=90, per=2, deduct=1, whole_units=True)
    score, _, _, _ = rule.evaluate(figures(r="86.5"))  # 3.5 short → one whole step of 2
    assert score == Decimal(3)


def test_at_most_direction_deducts_for_excess() -> None:
    rule = make_rule(
        "deduct_per_unit_short", figure="big", label="大班额占比", unit="%", standard=2, deduct=1, direction="at_most"
    )
    score, text, _, _ = rule.evaluate(figures(big="2.5"))
    assert score == Decimal("3.5")
    assert "高于标准 2%,每高1个百分点扣1分" in text


def test_max_deduct_caps_the_deduction() -> None:
    rule = make_rule("deduct_per_unit_short", figure="r", standard=90, deduct=1, max_deduct=2)
    score, _, _, _ = rule.evaluate(figures(r="50"))
    assert score == Decimal(2)


def test_missing_figure_is_missing_with_a_flag_naming_it() -> None:
    rule = make_rule("deduct_per_unit_short", **SEED_004_ITEM_15)
    score, _, _, flag = rule.evaluate(ItemInput(unit_id="u1", item_id="15"))
    assert score is None
    assert flag is not None
    assert flag[0] is FlagCode.MISSING_INPUT
    assert "标准班额占比" in flag[1] and "standard_class_ratio" in flag[1]


def test_per_occurrence_deducts_each_event() -> None:
    rule = make_rule("deduct_per_occurrence", points="5", figure="accidents", label="安全责任事故", deduct=1)
    score, text, _, _ = rule.evaluate(figures(accidents="3"))
    assert score == Decimal(2)
    assert text == "安全责任事故 3起,每起扣1分,扣3分 → 2/5"


def test_per_occurrence_stops_at_zero() -> None:
    rule = make_rule("deduct_per_occurrence", points="5", figure="accidents", deduct=2)
    score, text, _, _ = rule.evaluate(figures(accidents="4"))
    assert score == Decimal(0)
    assert "扣完为止" in text


def test_no_occurrence_keeps_full_points() -> None:
    rule = make_rule("deduct_per_occurrence", points="5", figure="accidents", deduct=2)
    assert rule.evaluate(figures(accidents="0"))[0] == Decimal(5)


def test_negative_count_is_out_of_range() -> None:
    rule = make_rule("deduct_per_occurrence", points="5", figure="accidents", deduct=2)
    score, _, _, flag = rule.evaluate(figures(accidents="-1"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE
