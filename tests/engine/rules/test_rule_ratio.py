from decimal import Decimal

from rule_helpers import figures, make_rule

from kaoping.engine.inputs import ItemInput
from kaoping.engine.results import FlagCode


def test_score_is_actual_over_target_times_points() -> None:
    rule = make_rule(
        "ratio_to_target", figure="done", label="招商引资", unit="万元", target=7800, rounding={"places": 2}
    )
    score, text, _, _ = rule.evaluate(figures(done="5310"))
    assert score == Decimal("2.72")  # 5310 / 7800 × 4 = 2.7230…
    assert text == "招商引资 完成 5310万元,目标 7800万元,完成率 68.08%,按比例得2.72分 → 2.72/4"


def test_score_is_capped_at_the_points() -> None:
    rule = make_rule("ratio_to_target", figure="done", target=100)
    score, text, _, _ = rule.evaluate(figures(done="130"))
    assert score == Decimal(4)
    assert "封顶" in text


def test_explicit_cap_below_points() -> None:
    rule = make_rule("ratio_to_target", figure="done", target=100, cap=3)
    assert rule.evaluate(figures(done="90"))[0] == Decimal(3)


def test_target_may_come_from_another_figure() -> None:
    rule = make_rule("ratio_to_target", figure="done", target_figure="goal")
    assert rule.evaluate(figures(done="3", goal="6"))[0] == Decimal(2)
    score, _, _, flag = rule.evaluate(figures(done="3"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.MISSING_INPUT


def test_zero_target_cannot_be_computed() -> None:
    rule = make_rule("ratio_to_target", figure="done", target_figure="goal")
    score, _, _, flag = rule.evaluate(figures(done="3", goal="0"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE


def test_missing_actual_is_missing() -> None:
    rule = make_rule("ratio_to_target", figure="done", target=10)
    assert rule.evaluate(ItemInput(unit_id="u1", item_id="15"))[0] is None
