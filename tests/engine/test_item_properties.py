"""Properties of item scoring over random inputs (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine.inputs import ItemInput
from kaoping.engine.items import compile_tree, score_tree
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    Indicator,
    ItemKind,
    Rounding,
    RoundingPolicy,
    RuleSpec,
    Scheme,
)

D = Decimal

FIGURE = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False, allow_infinity=False)
LEVELS = ["A", "B", "C", "D"]

RULES = {
    "short": RuleSpec(
        "deduct_per_unit_short",
        {"figure": "x", "standard": 90, "deduct": 0.1, "rounding": {"places": 1}},
    ),
    "steep": RuleSpec("deduct_per_unit_short", {"figure": "x", "standard": 90, "deduct": 2}),
    "occurrences": RuleSpec("deduct_per_occurrence", {"figure": "n", "deduct": 1.5}),
    "threshold": RuleSpec("threshold", {"figure": "x", "standard": 90, "partial": 1}),
    "stepped": RuleSpec(
        "stepped",
        {"figure": "x", "steps": [{"min": 95, "points": 4}, {"min": 90, "points": 2.4}, {"min": 80, "points": 1.6}]},
    ),
    "ratio": RuleSpec("ratio_to_target", {"figure": "x", "target": 120, "rounding": {"places": 2}}),
    "attainment": RuleSpec("attainment", {"levels": {"A": 1, "B": 0.8, "C": 0.5, "D": 0}}),
}


def build(allow_above: bool) -> tuple[Scheme, Component]:
    leaves = tuple(Indicator(name, name, D(4), rule=rule) for name, rule in RULES.items())
    indicators = (
        Indicator("rules", "规则", D(4 * len(leaves)), children=leaves),
        Indicator("manual", "人工", D(3)),
        Indicator("bonus", "加分", D(2), kind=ItemKind.BONUS),
        Indicator("penalty", "减分", D(5), kind=ItemKind.PENALTY),
    )
    points = D(4 * len(leaves) + 3)
    component = Component(
        "c", "项目", points, ComponentMethod.INDICATORS, indicators=indicators, allow_above_points=allow_above
    )
    scheme = Scheme(
        id="p",
        name="性质",
        year=None,
        categories=(Category("k", "类", ("c",)),),
        components=(component,),
        rounding=RoundingPolicy(item=Rounding(2)),
    )
    return scheme, component


TREES = {allow: compile_tree(build(allow)[1], build(allow)[0]) for allow in (False, True)}


def inputs(x: Decimal, n: int, level: str, manual: Decimal, bonus: Decimal, penalty: Decimal) -> dict[str, ItemInput]:
    entries = {name: ItemInput("u", name, figures={"x": x, "n": D(n)}) for name in RULES}
    entries["attainment"] = ItemInput("u", "attainment", level=level)
    entries["manual"] = ItemInput("u", "manual", self_score=manual)
    entries["bonus"] = ItemInput("u", "bonus", self_score=bonus)
    entries["penalty"] = ItemInput("u", "penalty", self_score=penalty)
    return entries


MANUAL = st.decimals(min_value=0, max_value=3, places=1)
BONUS = st.decimals(min_value=0, max_value=2, places=1)
PENALTY = st.decimals(min_value=0, max_value=5, places=1)


@settings(max_examples=300, deadline=None)
@given(FIGURE, st.integers(0, 10), st.sampled_from(LEVELS), MANUAL, BONUS, PENALTY, st.booleans())
def test_items_stay_within_zero_and_their_points(
    x: Decimal, n: int, level: str, manual: Decimal, bonus: Decimal, penalty: Decimal, allow_above: bool
) -> None:
    outcome = score_tree(TREES[allow_above], inputs(x, n, level, manual, bonus, penalty))
    assert outcome.score is not None
    for item in outcome.items:
        assert item.score is not None
        if item.item_id == "penalty":
            assert -item.max <= item.score <= 0
        else:
            assert 0 <= item.score <= item.max
        for child in item.children:
            assert child.score is not None and 0 <= child.score <= child.max
    assert outcome.score >= 0
    component_points = TREES[allow_above].component.points
    if allow_above:
        assert outcome.score <= component_points + 2  # only the bonus may lift it
    else:
        assert outcome.score <= component_points


@settings(max_examples=300, deadline=None)
@given(FIGURE, FIGURE, st.integers(0, 10), st.integers(0, 10), st.sampled_from(LEVELS), st.sampled_from(LEVELS), MANUAL)
def test_a_better_input_never_lowers_the_total(
    x1: Decimal, x2: Decimal, n1: int, n2: int, level1: str, level2: str, manual: Decimal
) -> None:
    worse_x, better_x = sorted((x1, x2))
    more, fewer = sorted((n1, n2), reverse=True)
    worse_level, better_level = sorted((level1, level2), reverse=True)  # "A" is best
    tree = TREES[False]
    worse = score_tree(tree, inputs(worse_x, more, worse_level, manual, D(0), D(0)))
    better = score_tree(tree, inputs(better_x, fewer, better_level, manual, D(0), D(0)))
    assert worse.score is not None and better.score is not None
    assert better.score >= worse.score
    for worse_item, better_item in zip(worse.items[0].children, better.items[0].children, strict=True):
        assert better_item.score is not None and worse_item.score is not None
        assert better_item.score >= worse_item.score, better_item.item_id
