"""Reusing indicator outcomes between runs (``IndicatorMemo``) never changes a result.

A run with a memo that has seen earlier runs is compared with a fresh run without one, by
``repr`` (Decimal exponents and every explanation word), over random sequences of edits: changed,
reverted and equal-but-new inputs, exponents that differ only in form (``1`` vs ``1.0``), items
removed, units moved between categories, added and removed. The cross-unit stages (relative
conversion, grade quotas, ranks) must follow a single unit's change.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine import scoring
from kaoping.engine.inputs import Inputs, ItemInput, Unit
from kaoping.engine.scoring import IndicatorMemo, score
from kaoping.formats.scheme_file import scheme_from_data

D = Decimal


def _scheme_data() -> dict[str, Any]:
    manual = [{"id": f"m{i}", "name": f"人工{i}", "points": 2, "rule": {"kind": "manual"}} for i in range(1, 4)]
    return {
        "scheme": {"id": "memo", "name": "复用测试", "year": 2024, "organizer": "测试局"},
        "rounding": {"component": {"places": 2, "mode": "half_up"}, "total": {"places": 2, "mode": "half_up"}},
        "categories": [
            {"id": "county", "name": "县区", "components": ["work", "relative"]},
            {"id": "school", "name": "学校", "components": ["work"]},
        ],
        "components": [
            {
                "id": "work",
                "name": "工作考核",
                "points": 10,
                "method": "indicators",
                "indicators": [
                    {"id": "A", "name": "基础", "points": 6, "children": manual},
                    {
                        "id": "t1",
                        "name": "巩固率",
                        "points": 4,
                        "rule": {"kind": "threshold", "figure": "rate", "standard": 99, "partial": 1},
                    },
                    {"id": "b1", "name": "加分", "points": 1, "kind": "bonus", "rule": {"kind": "manual"}},
                    {"id": "v1", "name": "否决", "points": 0, "rule": {"kind": "veto", "effect": "zero_component"}},
                    {"id": "n1", "name": "不评优", "points": 0, "rule": {"kind": "not_excellent"}},
                ],
            },
            {
                "id": "relative",
                "name": "相对考核",
                "points": 20,
                "method": "indicators",
                "conversion": {"method": "relative_to_best"},
                "indicators": [{"id": "r1", "name": "工作量", "points": 20, "rule": {"kind": "manual"}}],
            },
        ],
        "grading": {
            "bands": [
                {"name": "优秀", "min_percent": 80, "quota": {"max_percent": 40, "rounding": "floor"}},
                {"name": "合格", "min_percent": 50},
                {"name": "不合格"},
            ]
        },
    }


SCHEME = scheme_from_data(_scheme_data())
ITEMS = ["m1", "m2", "m3", "t1", "b1", "v1", "n1", "r1"]
SCORES = [None, D("0"), D("1"), D("1.0"), D("1.5"), D("2"), D("2.00"), D("3")]

unit_ids = st.sampled_from([f"u{n}" for n in range(6)])
edits = st.one_of(
    st.tuples(st.just("score"), unit_ids, st.sampled_from(ITEMS), st.sampled_from(SCORES), st.booleans()),
    st.tuples(st.just("figure"), unit_ids, st.sampled_from([None, D("98.5"), D("99"), D("99.0")])),
    st.tuples(st.just("flag"), unit_ids, st.sampled_from(["v1", "n1"]), st.sampled_from([None, True, False])),
    st.tuples(st.just("na"), unit_ids, st.sampled_from(ITEMS), st.booleans()),
    st.tuples(st.just("drop"), unit_ids, st.sampled_from(ITEMS)),
    st.tuples(st.just("category"), unit_ids, st.sampled_from(["county", "school"])),
    st.tuples(st.just("remove"), unit_ids),
    st.tuples(st.just("same"), unit_ids),  # equal inputs, new objects
)


def _apply(state: dict[str, Any], edit: tuple[Any, ...]) -> None:
    units: dict[str, str] = state["units"]
    items: dict[tuple[str, str], ItemInput] = state["items"]
    kind, unit = edit[0], edit[1]
    if kind == "remove":
        units.pop(unit, None)
        return
    units.setdefault(unit, "county")
    if kind == "category":
        units[unit] = edit[2]
        return
    if kind == "same":
        for key, value in list(items.items()):
            if key[0] == unit:
                items[key] = ItemInput(**{f: getattr(value, f) for f in value._fields})
        return
    item = edit[2] if kind != "figure" else "t1"
    old = items.get((unit, item), ItemInput(unit_id=unit, item_id=item))
    fields = {f: getattr(old, f) for f in old._fields}
    if kind == "drop":
        items.pop((unit, item), None)
        return
    if kind == "score":
        fields["confirmed_score" if edit[4] else "self_score"] = edit[3]
    elif kind == "figure":
        fields["figures"] = {} if edit[2] is None else {"rate": edit[2]}
    elif kind == "flag":
        fields["triggered"] = edit[3]
    elif kind == "na":
        fields["not_applicable"] = edit[3]
    items[(unit, item)] = ItemInput(**fields)


def _inputs(state: dict[str, Any]) -> Inputs:
    units = tuple(Unit(u, f"单位{u}", category) for u, category in sorted(state["units"].items()))
    present = {u.id for u in units}
    items = tuple(value for key, value in sorted(state["items"].items()) if key[0] in present)
    return Inputs(units=units, items=items)


def _start() -> dict[str, Any]:
    units = {f"u{n}": ("county" if n % 2 else "school") for n in range(4)}
    items = {
        (u, item): ItemInput(unit_id=u, item_id=item, self_score=D(1 + n % 2), figures={"rate": D(99)})
        for n, u in enumerate(units)
        for item in ITEMS
    }
    return {"units": units, "items": items}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(edits, min_size=0, max_size=4), min_size=1, max_size=6))
def test_memo_runs_equal_fresh_runs_over_random_edit_sequences(steps: list[list[tuple[Any, ...]]]) -> None:
    state = _start()
    memo = IndicatorMemo()
    assert repr(score(SCHEME, _inputs(state), memo=memo)) == repr(score(SCHEME, _inputs(state)))
    for batch in steps:
        for edit in batch:
            _apply(state, edit)
        inputs = _inputs(state)
        assert repr(score(SCHEME, inputs, memo=memo)) == repr(score(SCHEME, inputs))


def test_memo_reuses_units_whose_inputs_are_unchanged() -> None:
    state = _start()
    memo = IndicatorMemo()
    score(SCHEME, _inputs(state), memo=memo)
    memo.hits = memo.misses = 0
    _apply(state, ("score", "u1", "m1", D("1.5"), False))
    score(SCHEME, _inputs(state), memo=memo)
    # u1 takes two indicator components and is rescored on both; every other outcome is reused
    assert memo.misses == 2
    assert memo.hits == 2 + 1 + 1  # u0, u2 (school: work) + u3 (county: work, relative)


def test_a_changed_score_redoes_its_own_category_and_keeps_the_other_categorys_very_results() -> None:
    state = _start()
    memo = IndicatorMemo()
    first = score(SCHEME, _inputs(state), memo=memo)
    _apply(state, ("score", "u1", "m1", D("1.5"), False))  # u1 is a county (县区)
    second = score(SCHEME, _inputs(state), memo=memo)
    schools = [[u for u in run.units if u.category == "school"] for run in (first, second)]
    assert schools[0] and all(map(operator.is_, schools[1], schools[0]))
    assert second.unit("u1") is not first.unit("u1") and second.unit("u3") is not first.unit("u3")
    assert repr(second) == repr(score(SCHEME, _inputs(state)))
    _apply(state, ("same", "u0"))  # a school's equal inputs, new objects: still the same results
    third = score(SCHEME, _inputs(state), memo=memo)
    assert all(map(operator.is_, [u for u in third.units if u.category == "school"], schools[1]))


def test_memo_distinguishes_equal_decimals_of_another_exponent() -> None:
    state = _start()
    memo = IndicatorMemo()
    score(SCHEME, _inputs(state), memo=memo)
    memo.hits = memo.misses = 0
    _apply(state, ("score", "u0", "m1", D("1.0"), False))  # u0's self score was 1
    with_memo = score(SCHEME, _inputs(state), memo=memo)
    assert memo.misses == 1
    assert repr(with_memo) == repr(score(SCHEME, _inputs(state)))


def test_memo_starts_over_with_another_scheme_object() -> None:
    state = _start()
    memo = IndicatorMemo()
    score(SCHEME, _inputs(state), memo=memo)
    memo.hits = memo.misses = 0
    other = scheme_from_data(_scheme_data())
    assert repr(score(other, _inputs(state), memo=memo)) == repr(score(other, _inputs(state)))
    assert memo.hits == 0


def test_a_rating_aggregate_is_reused_for_the_same_ballots_object_and_recomputed_for_new_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace
    from pathlib import Path

    from kaoping.engine import rating
    from kaoping.formats.inputs_io import load_inputs
    from kaoping.formats.scheme_file import load_scheme

    example = Path(__file__).resolve().parents[2] / "examples" / "nanchang-2018"
    scheme = load_scheme(example / "scheme.yaml")
    inputs = load_inputs(scheme, [example / "inputs"])
    calls: list[int] = []  # batches of ballots counted
    real = rating._count_batch
    monkeypatch.setattr(rating, "_count_batch", lambda *args: calls.append(1) or real(*args))
    rating_components = sum(1 for c in scheme.components if c.rating is not None)
    memo = IndicatorMemo()

    score(scheme, inputs, memo=memo)
    assert len(calls) == rating_components
    again = score(scheme, replace(inputs, items=inputs.items[:-1]), memo=memo)  # a score changed, ballots not
    assert len(calls) == rating_components  # reused
    fresh = score(scheme, replace(inputs, ballots=tuple(inputs.ballots[:-1])), memo=memo)  # reloaded ballots
    assert len(calls) == 2 * rating_components
    assert repr(fresh) == repr(score(scheme, replace(inputs, ballots=tuple(inputs.ballots[:-1]))))
    assert repr(again) == repr(score(scheme, replace(inputs, items=inputs.items[:-1])))


def _grouped(state: dict[str, Any], kept: dict[str, tuple[ItemInput, ...]]) -> Inputs:
    """``_inputs`` with the items grouped per unit, as the results worker passes them: a unit whose
    items are all the very objects of its kept tuple keeps that tuple."""
    flat = _inputs(state)
    by_unit: dict[str, list[ItemInput]] = {}
    for item in flat.items:
        by_unit.setdefault(item.unit_id, []).append(item)
    grouped = {}
    for unit_id, items in by_unit.items():
        before = kept.get(unit_id)
        same = before is not None and len(before) == len(items) and all(map(operator.is_, before, items))
        grouped[unit_id] = before if same and before is not None else tuple(items)
    kept.clear()
    kept.update(grouped)
    return Inputs(units=flat.units, unit_items=grouped)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(edits, min_size=0, max_size=4), min_size=1, max_size=6))
def test_grouped_items_with_kept_tuples_score_as_fresh_flat_runs(steps: list[list[tuple[Any, ...]]]) -> None:
    state = _start()
    memo, kept = IndicatorMemo(), dict[str, tuple[ItemInput, ...]]()
    assert repr(score(SCHEME, _grouped(state, kept), memo=memo)) == repr(score(SCHEME, _inputs(state)))
    for batch in steps:
        for edit in batch:
            _apply(state, edit)
        assert repr(score(SCHEME, _grouped(state, kept), memo=memo)) == repr(score(SCHEME, _inputs(state)))


def test_a_units_kept_tuple_is_reused_without_looking_at_its_items(monkeypatch: pytest.MonkeyPatch) -> None:
    state = _start()
    memo, kept = IndicatorMemo(), dict[str, tuple[ItemInput, ...]]()
    score(SCHEME, _grouped(state, kept), memo=memo)
    _apply(state, ("score", "u1", "m1", D("1.5"), False))
    compared: list[object] = []
    real = scoring._same_inputs

    def counting(old: Any, new: Any) -> bool:
        compared.append(new)
        return real(old, new)

    monkeypatch.setattr(scoring, "_same_inputs", counting)
    score(SCHEME, _grouped(state, kept), memo=memo)
    assert (memo.hits, memo.misses) == (4, 2)  # as test_memo_reuses_units_whose_inputs_are_unchanged
    assert len(compared) == 2  # only u1's two components: the others were known by their tuple


def test_inputs_take_items_or_unit_items_not_both() -> None:
    item = ItemInput(unit_id="u0", item_id="m1", self_score=D(1))
    with pytest.raises(ValueError, match="not both"):
        Inputs(units=(Unit("u0", "单位u0", "county"),), items=(item,), unit_items={"u0": (item,)})


def test_results_read_in_full_between_runs_are_still_reused_as_the_very_same_objects() -> None:
    """Storing a result reads every text, which turns each lazy one into its text: the next run
    must still know the kept component results (a rating's text is lazy) and categories."""
    from pathlib import Path

    from kaoping.engine import codec
    from kaoping.formats.inputs_io import load_inputs
    from kaoping.formats.scheme_file import load_scheme

    example = Path(__file__).resolve().parents[2] / "examples" / "nanchang-2018"
    scheme = load_scheme(example / "scheme.yaml")
    inputs = load_inputs(scheme, [example / "inputs"])
    # categories of ratings and indicators only: a conversion compares units, and is redone
    converted = {c.id for c in scheme.components if c.conversion is not None}
    kept = {category.id for category in scheme.categories if not converted & set(category.components)}
    assert kept == {"county", "provincial"}
    memo = IndicatorMemo()
    first = score(scheme, inputs, memo=memo)
    for unit in first.units:
        codec.encode_unit(unit)  # as the results worker stores it
    again = score(scheme, inputs, memo=memo)
    pairs = [(new, old) for new, old in zip(again.units, first.units, strict=True) if old.category in kept]
    assert pairs and all(new is old for new, old in pairs)
    assert repr(again) == repr(score(scheme, inputs))
