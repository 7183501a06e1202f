"""A unit's inputs scored as one run in leaf order (``items.score_run``) give exactly what the
tree walk over a mapping (``items.score_tree``) gives: every number with its exponent, every
word, every flag and triggered effect, in the same order.

Random inputs for a tree with nested sections, bonus and penalty items, figure rules (keyed and
not), attainment levels, a split item, veto and not-excellent items: scores on every basis,
out of range, ``1`` vs ``1.0``, notes, not applicable, overrides of computed items, department
shares. Both paths share the compiled tree's caches, as in a real run. ``score()`` takes the run
path for inputs in leaf order and the mapping path for any other order: the same result.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine.inputs import Inputs, ItemInput, Unit
from kaoping.engine.items import TreeOutcome, _child_result, _leaf_of, _Walk, compile_tree, score_run, score_tree
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    DepartmentShare,
    Indicator,
    ItemKind,
    NotApplicablePolicy,
    Rounding,
    RoundingPolicy,
    RuleSpec,
    Scheme,
    ScoreBasis,
)
from kaoping.engine.scoring import score

D = Decimal


def _leaf(item_id: str, points: str, **kwargs: Any) -> Indicator:
    return Indicator(id=item_id, name=f"指标{item_id}", points=D(points), **kwargs)


INDICATORS = (
    Indicator(
        "1",
        "基础",
        D(10),
        children=(
            _leaf("1.1", "3"),
            _leaf("1.2", "3"),
            _leaf("1.3", "4", rule=RuleSpec("threshold", {"figure": "x", "standard": 90, "partial": 1})),
        ),
    ),
    Indicator(
        "2",
        "发展",
        D(10),
        children=(
            Indicator("2.1", "质量", D(6), children=(_leaf("2.1.1", "3"), _leaf("2.1.2", "3"))),
            _leaf(
                "2.2",
                "2",
                rule=RuleSpec("deduct_per_unit_short", {"figure": "x", "standard": 90, "deduct": "0.1"}),
            ),
            _leaf("2.3", "2", rule=RuleSpec("attainment", {"levels": {"A": 1, "B": "0.75", "C": 0}})),
            _leaf("2.4", "1", kind=ItemKind.BONUS),
            _leaf("2.5", "1", kind=ItemKind.PENALTY),
        ),
    ),
    _leaf("3", "2", rule=RuleSpec("ratio_to_target", {"figure": "x", "target": 120, "rounding": {"places": 2}})),
    _leaf(
        "4",
        "4",
        departments=(DepartmentShare("财务处", D("2.5")), DepartmentShare("人事处", D("1.5"))),
    ),
    _leaf("5", "0", rule=RuleSpec("veto", {"effect": "zero_component"})),
    _leaf("6", "0", rule=RuleSpec("not_excellent", {})),
)
LEAVES = [leaf for top in INDICATORS for leaf in top.leaves()]

SCORES = [None, D(0), D(1), D("1.0"), D("1.5"), D("2.50"), D(3), D(-1), D(9)]
FIGURES = [None, D(80), D("89.5"), D(90), D("90.0"), D(100), D(-5)]
inputs_of_item = st.fixed_dictionaries(
    {
        "self_score": st.sampled_from(SCORES),
        "reviewed_score": st.sampled_from(SCORES),
        "confirmed_score": st.sampled_from(SCORES),
        "figure": st.sampled_from(FIGURES),
        "level": st.sampled_from([None, "A", "B", "C", "Z"]),
        "triggered": st.sampled_from([None, True, False]),
        "not_applicable": st.booleans(),
        "note": st.sampled_from(["", "", "有说明"]),
        "review_note": st.sampled_from(["", "核实"]),
        "shares": st.sampled_from([{}, {"财务处": D(2)}, {"财务处": D(2), "人事处": D("1.0")}]),
    }
)
# mostly plain: a reviewed or self score and nothing else, as in a real campaign
plain_item = st.fixed_dictionaries(
    {"reviewed_score": st.sampled_from(SCORES[1:7]), "figure": st.sampled_from(FIGURES[1:6])}
)


def _item_input(unit: str, leaf: Indicator, fields: dict[str, Any]) -> ItemInput:
    figure = fields.get("figure")
    return ItemInput(
        unit_id=unit,
        item_id=leaf.id,
        self_score=fields.get("self_score"),
        reviewed_score=fields.get("reviewed_score"),
        confirmed_score=fields.get("confirmed_score"),
        figures={} if figure is None else {"x": figure},
        level=fields.get("level"),
        triggered=fields.get("triggered"),
        not_applicable=fields.get("not_applicable", False),
        department_scores=fields.get("shares", {}),
        note=fields.get("note", ""),
        review_note=fields.get("review_note", ""),
    )


units_inputs = st.lists(
    st.lists(st.one_of(plain_item, inputs_of_item), min_size=len(LEAVES), max_size=len(LEAVES)),
    min_size=1,
    max_size=6,
)


def _scheme(policy: NotApplicablePolicy, rounding: Rounding | None, basis: tuple[ScoreBasis, ...]) -> Scheme:
    component = Component("wk", "工作考核", D(30), ComponentMethod.INDICATORS, indicators=INDICATORS)
    return Scheme(
        id="s",
        name="测试方案",
        year=2024,
        categories=(Category("c", "县区", ("wk",)),),
        components=(component,),
        not_applicable=policy,
        rounding=RoundingPolicy(item=rounding),
        score_basis=basis,
    )


def _plain(fields: dict[str, Any], drop: int = 0) -> dict[str, Any]:
    """``fields`` without what sends an item down the general path (a note, not applicable,
    department shares; with ``drop`` its confirmed score, or both entered scores too)."""
    plain = {**fields, "note": "", "not_applicable": False, "shares": {}}
    if drop >= 1:
        plain["confirmed_score"] = None
    if drop >= 2:
        plain["reviewed_score"] = None
    return plain


def _seen(outcome: TreeOutcome) -> tuple[str, ...]:
    return (repr(outcome.items), repr(outcome.score), outcome.explanation, repr(outcome.flags), repr(outcome.effects))


schemes = st.builds(
    _scheme,
    st.sampled_from(list(NotApplicablePolicy)),
    st.sampled_from([None, Rounding(1)]),
    st.sampled_from(
        [(ScoreBasis.CONFIRMED, ScoreBasis.REVIEWED, ScoreBasis.SELF), (ScoreBasis.SELF, ScoreBasis.CONFIRMED)]
    ),
)


@settings(max_examples=150, deadline=None)
@given(scheme=schemes, units=units_inputs)
def test_a_run_in_leaf_order_scores_as_the_mapping_does(scheme: Scheme, units: list[list[dict[str, Any]]]) -> None:
    tree = compile_tree(scheme.components[0], scheme)
    assert tree.plan is not None and tree.plan.ids == [leaf.id for leaf in LEAVES]
    # plain twins first: their shared results are in the caches when the unit itself comes
    twins = [[_plain(f, drop) for f in fields] for drop in range(3) for fields in units]
    for round_ in range(2):  # the second round finds the shared results cached
        for n, fields in enumerate(twins + units if round_ else units + twins):
            run = [_item_input(f"u{n}", leaf, f) for leaf, f in zip(LEAVES, fields, strict=True)]
            by_run = score_run(tree, run)
            by_mapping = score_tree(tree, {inp.item_id: inp for inp in run})
            assert _seen(by_run) == _seen(by_mapping), (round_, n)


@settings(max_examples=40, deadline=None)
@given(scheme=schemes, units=units_inputs, seed=st.integers(0, 1000))
def test_score_gives_the_same_result_for_inputs_in_any_order(
    scheme: Scheme, units: list[list[dict[str, Any]]], seed: int
) -> None:
    engine_units = tuple(Unit(f"u{n}", f"单位{n}", "c") for n in range(len(units)))
    items = [
        _item_input(f"u{n}", leaf, f) for n, fields in enumerate(units) for leaf, f in zip(LEAVES, fields, strict=True)
    ]
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    in_order = score(scheme, Inputs(units=engine_units, items=tuple(items)))
    any_order = score(scheme, Inputs(units=engine_units, items=tuple(shuffled)))
    assert repr(in_order) == repr(any_order)


def test_a_tree_whose_leaf_ids_repeat_has_no_run_plan() -> None:
    twice = tuple(Indicator(section, section, D(2), children=(_leaf("x", "1"),)) for section in "12")
    component = Component("wk", "工作考核", D(4), ComponentMethod.INDICATORS, indicators=twice)
    category = Category("c", "县区", ("wk",))
    scheme = Scheme(id="s", name="方案", year=2024, categories=(category,), components=(component,))
    assert compile_tree(component, scheme).plan is None


# the fast path serves the default order of bases (核定 → 复核 → 自评)
default_basis_schemes = st.builds(
    _scheme,
    st.sampled_from(list(NotApplicablePolicy)),
    st.sampled_from([None, Rounding(1)]),
    st.just((ScoreBasis.CONFIRMED, ScoreBasis.REVIEWED, ScoreBasis.SELF)),
)


@settings(max_examples=150, deadline=None)
@given(
    scheme=default_basis_schemes,
    units=units_inputs,
    note=st.sampled_from(["", "有说明", "已按要求完成,详见佐证材料"]),
)
def test_a_noted_hand_entered_item_shares_the_lookup_and_reads_as_the_rule_gives(
    scheme: Scheme, units: list[list[dict[str, Any]]], note: str
) -> None:
    """The fast path takes a noted item's shared result and adds the note; the general path
    evaluates the rule. Same numbers, words and flags, whether the shared result was cached first."""
    tree = compile_tree(scheme.components[0], scheme)
    assert tree.plan is not None
    fast = [(n, node) for n, node in enumerate(tree.plan.leaves) if node.path == "fast manual"]
    assert len(fast) >= 4  # 1.1, 1.2, 2.1.1, 2.1.2
    for round_ in range(2):  # the second round finds every value's shared result cached
        for n, fields in enumerate(units):
            for position, node in fast:
                inp = _item_input(f"u{n}", LEAVES[position], {**fields[position], "note": note})
                by_rule, by_fast = _Walk(tree, {}), _Walk(tree, {})
                expected = _leaf_of(node, by_rule, inp)
                got = _child_result(node, inp, by_fast)
                assert repr(got) == repr(expected), (round_, n, node.id)
                assert repr(by_fast.flags) == repr(by_rule.flags)
                if note and got.score is not None and got.basis != "not_applicable":
                    assert note in got.explanation
