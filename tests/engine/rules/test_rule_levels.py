from decimal import Decimal

from rule_helpers import figures, make_rule

from kaoping.engine.inputs import ItemInput
from kaoping.engine.results import FlagCode

STEPS = [{"min": 95, "points": 15}, {"min": 90, "points": 9}, {"min": 80, "points": 6}]


def test_stepped_by_figure_picks_the_first_step_reached() -> None:
    rule = make_rule("stepped", points="15", figure="rate", label="达标率", unit="%", steps=STEPS)
    assert rule.evaluate(figures(rate="96"))[0] == Decimal(15)
    assert rule.evaluate(figures(rate="95"))[0] == Decimal(15)
    score, text, _, _ = rule.evaluate(figures(rate="92"))
    assert score == Decimal(9)
    assert text == "达标率 92%,达到 ≥90% 一档,得9分 → 9/15"
    assert rule.evaluate(figures(rate="80"))[0] == Decimal(6)


def test_stepped_below_every_step_gives_else_points() -> None:
    rule = make_rule("stepped", points="15", figure="rate", steps=STEPS)
    assert rule.evaluate(figures(rate="79.9"))[0] == Decimal(0)
    rule = make_rule("stepped", points="15", figure="rate", steps=STEPS, **{"else": 2})
    assert rule.evaluate(figures(rate="50"))[0] == Decimal(2)


def test_stepped_at_most_uses_max_bounds() -> None:
    steps = [{"max": 1, "points": 4}, {"max": 3, "points": 2}]
    rule = make_rule("stepped", figure="dropout", direction="at_most", steps=steps)
    assert rule.evaluate(figures(dropout="0.5"))[0] == Decimal(4)
    assert rule.evaluate(figures(dropout="2"))[0] == Decimal(2)
    assert rule.evaluate(figures(dropout="3.5"))[0] == Decimal(0)


def test_stepped_by_level() -> None:
    rule = make_rule("stepped", points="15", levels={"优": 15, "良": 9, "中": 6, "差": 0})
    inp = ItemInput(unit_id="u1", item_id="15", level="良")
    assert rule.evaluate(inp) == (Decimal(9), "等级 良,得9分 → 9/15", "rule", None)


def test_attainment_levels_are_fractions_of_the_points_by_default() -> None:
    rule = make_rule("attainment", points="4", levels={"A": 1, "B": 0.8, "C": 0.5})
    assert rule.evaluate(ItemInput(unit_id="u1", item_id="15", level="B"))[:2] == (
        Decimal("3.2"),
        "达成等级 B(得分率80%),得3.2分 → 3.2/4",
    )
    assert rule.evaluate(ItemInput(unit_id="u1", item_id="15", level="C"))[0] == Decimal(2)


def test_attainment_levels_as_points() -> None:
    rule = make_rule("attainment", points="4", levels={"A": 4, "B": 3, "C": 1}, **{"as": "points"})
    assert rule.evaluate(ItemInput(unit_id="u1", item_id="15", level="B"))[0] == Decimal(3)


def test_missing_level_is_missing() -> None:
    rule = make_rule("attainment", levels={"A": 1, "B": 0.8})
    score, _, _, flag = rule.evaluate(ItemInput(unit_id="u1", item_id="15"))
    assert score is None
    assert flag is not None and flag[0] is FlagCode.MISSING_INPUT


def test_unknown_level_is_out_of_range() -> None:
    rule = make_rule("attainment", levels={"A": 1, "B": 0.8})
    score, text, _, flag = rule.evaluate(ItemInput(unit_id="u1", item_id="15", level="D"))
    assert score is None
    assert "D" in text
    assert flag is not None and flag[0] is FlagCode.OUT_OF_RANGE
