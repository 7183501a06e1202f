from decimal import Decimal

from rule_helpers import figures, make_rule


def test_meeting_the_standard_gives_full_points() -> None:
    rule = make_rule("threshold", figure="rate", label="巩固率", unit="%", standard=99)
    assert rule.evaluate(figures(rate="99")) == (Decimal(4), "巩固率 99%,达到标准 99%,得满分 → 4/4", "rule", None)


def test_missing_the_standard_gives_zero() -> None:
    rule = make_rule("threshold", figure="rate", label="巩固率", unit="%", standard=99)
    score, text, _, _ = rule.evaluate(figures(rate="98.9"))
    assert score == Decimal(0)
    assert text == "巩固率 98.9%,低于标准 99%,未达标,得0分 → 0/4"


def test_missing_the_standard_gives_the_stated_partial_points() -> None:
    rule = make_rule("threshold", figure="rate", standard=99, partial=1.5)
    assert rule.evaluate(figures(rate="90"))[0] == Decimal("1.5")


def test_at_most_direction_is_met_at_or_below_the_standard() -> None:
    rule = make_rule("threshold", figure="big", standard=2, direction="at_most")
    assert rule.evaluate(figures(big="2"))[0] == Decimal(4)
    assert rule.evaluate(figures(big="2.01"))[0] == Decimal(0)
