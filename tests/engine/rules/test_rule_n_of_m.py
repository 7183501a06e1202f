from decimal import Decimal

from rule_helpers import figures, make_rule

from kaoping.engine.results import FlagCode

SEVEN = [{"figure": f"f{i}", "standard": 100, "label": f"指标{i}"} for i in range(1, 8)]


def test_six_of_seven_met_and_the_rest_above_85_percent_gives_full_points() -> None:
    rule = make_rule("n_of_m", figures=SEVEN, at_least=6, rest_min_percent=85)
    score, text, _, _ = rule.evaluate(figures(f1="100", f2="101", f3="120", f4="100", f5="100", f6="100", f7="86"))
    assert score == Decimal(4)
    assert text == "7项指标中6项达标(要求至少6项),其余均达到标准的85%,得满分 → 4/4"


def test_the_rest_below_85_percent_gives_zero() -> None:
    rule = make_rule("n_of_m", figures=SEVEN, at_least=6, rest_min_percent=85)
    score, text, _, _ = rule.evaluate(figures(f1="100", f2="100", f3="100", f4="100", f5="100", f6="100", f7="84"))
    assert score == Decimal(0)
    assert "指标7 84(标准 100)" in text


def test_too_few_met_gives_zero() -> None:
    rule = make_rule("n_of_m", figures=SEVEN, at_least=6, rest_min_percent=85)
    score, text, _, _ = rule.evaluate(figures(f1="100", f2="100", f3="100", f4="100", f5="100", f6="99", f7="99"))
    assert score == Decimal(0)
    assert "达标项数不足" in text


def test_a_missing_figure_makes_the_item_missing() -> None:
    rule = make_rule("n_of_m", figures=SEVEN, at_least=6)
    score, _, _, flag = rule.evaluate(figures(f1="100"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.MISSING_INPUT and "指标2" in flag[1]
