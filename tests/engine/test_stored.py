"""engine.stored: one item's input from stored rows, by the engine's own rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kaoping.engine import stored
from kaoping.engine.model import DepartmentShare, Indicator

D = Decimal
WHOLE = Indicator("1", "班额", D(4), departments=(DepartmentShare("基教科"),))
JOINT = Indicator(
    "2", "安全", D(3), departments=(DepartmentShare("基教科"), DepartmentShare("督导室"), DepartmentShare("计财科"))
)
SPLIT = Indicator("3", "经费", D(10), departments=(DepartmentShare("计财科", D(4)), DepartmentShare("基教科", D(6))))
PLAIN = Indicator("4", "自评", D(2))


def test_an_item_without_any_row_has_an_empty_input() -> None:
    inp = stored.item_input("u1", stored.item_facts(PLAIN), None, {}, None, "")
    assert (inp.unit_id, inp.item_id) == ("u1", "4")
    assert inp.self_score is inp.reviewed_score is inp.confirmed_score is None
    assert inp.figures == {} and inp.department_scores == {} and not inp.not_applicable


def test_an_entry_is_read_from_its_last_six_values() -> None:
    row = [7, "4", D("1.5"), {"ratio": "80.84"}, "", None, False, "缺材料"]
    inp = stored.item_input("u1", stored.item_facts(PLAIN), row, {}, None, "")
    assert inp.self_score == D("1.5")
    assert inp.figures == {"ratio": D("80.84")}
    assert inp.level is None  # an empty level is no level
    assert inp.note == "缺材料"
    same = stored.item_input("u1", stored.item_facts(PLAIN), row[2:], {}, None, "")
    assert same == inp


def test_one_department_scores_the_whole_item() -> None:
    inp = stored.item_input("u1", stored.item_facts(WHOLE), None, {"基教科": D("3.50")}, None, "")
    assert str(inp.reviewed_score) == "3.50"
    assert inp.department_scores == {}


def test_joint_departments_average_to_four_places_half_up_once_all_have_scored() -> None:
    facts = stored.item_facts(JOINT)
    waiting = stored.item_input("u1", facts, None, {"基教科": D(1), "督导室": D(2), "计财科": None}, None, "")
    assert waiting.reviewed_score is None
    inp = stored.item_input("u1", facts, None, {"基教科": D(1), "督导室": D(2), "计财科": D(2)}, None, "")
    assert str(inp.reviewed_score) == "1.6667"
    assert (
        str(stored.reviewed_from_departments(JOINT, {"基教科": D("0.00005"), "督导室": D(0), "计财科": D(0)}))
        == "0.0000"
    )
    two = Indicator("5", "x", D(1), departments=(DepartmentShare("a"), DepartmentShare("b")))
    assert str(stored.reviewed_from_departments(two, {"a": D("0.00015"), "b": D(0)})) == "0.0001"  # 0.000075 → half up


def test_a_split_item_passes_the_scored_parts_and_no_reviewed_score() -> None:
    facts = stored.item_facts(SPLIT)
    assert facts.split and stored.is_split(SPLIT)
    inp = stored.item_input("u1", facts, None, {"计财科": D(4), "基教科": None}, None, "")
    assert inp.reviewed_score is None
    assert inp.department_scores == {"计财科": D(4)}


def test_a_review_reason_counts_only_with_a_confirmed_score() -> None:
    facts = stored.item_facts(PLAIN)
    assert stored.item_input("u1", facts, None, {}, None, "理由").review_note == ""
    inp = stored.item_input("u1", facts, None, {}, D(1), "理由")
    assert (inp.confirmed_score, inp.review_note) == (D(1), "理由")


def test_department_shares() -> None:
    assert stored.department_share(SPLIT, "基教科") == D(6)
    assert stored.department_share(WHOLE, "基教科") == D(4)
    assert stored.department_share(WHOLE, "督导室") is None


_SCORES = st.sampled_from([None, D("0"), D("1"), D("1.0"), D("3.50"), D("0.00005")])
_ENTRIES = st.one_of(
    st.none(),
    st.tuples(
        _SCORES,
        st.sampled_from([None, {}, {"ratio": "80.84"}, {"n": "1", "m": "1.0"}]),
        st.sampled_from([None, "", "A", "较好"]),
        st.sampled_from([None, True, False]),
        st.booleans(),
        st.sampled_from(["", "缺材料"]),
    ),
)
_DEPARTMENTS = ("基教科", "督导室", "计财科", "其他科")


@given(
    st.lists(
        st.tuples(
            st.sampled_from([WHOLE, JOINT, SPLIT, PLAIN]),
            _ENTRIES,
            st.one_of(st.none(), st.dictionaries(st.sampled_from(_DEPARTMENTS), _SCORES, max_size=3)),
            st.one_of(st.none(), st.tuples(_SCORES, st.sampled_from(["", "复核调整"]))),
        ),
        max_size=8,
    )
)
def test_a_units_items_built_at_once_equal_item_input_item_by_item(rows: list[tuple[Any, ...]]) -> None:
    items = [
        Indicator(f"i{index}", item.name, item.points, departments=item.departments)
        for index, (item, *_rest) in enumerate(rows)
    ]
    facts = [stored.item_facts(item) for item in items]
    entries = {item.id: entry for item, (_i, entry, _s, _c) in zip(items, rows, strict=True) if entry is not None}
    scores = {item.id: found for item, (_i, _e, found, _c) in zip(items, rows, strict=True) if found is not None}
    confirmed = {item.id: review for item, (_i, _e, _s, review) in zip(items, rows, strict=True) if review is not None}
    expected = tuple(
        stored.item_input(
            "u1",
            fact,
            entries.get(fact.item_id),
            scores.get(fact.item_id, {}),
            *confirmed.get(fact.item_id, (None, "")),
        )
        for fact in facts
    )
    built = stored.unit_item_inputs("u1", facts, entries, scores, confirmed)
    assert repr(built) == repr(expected)  # repr: Decimal("1.0") and Decimal("1") differ
    # two units built with one ``sums`` (as the results loader does): the same items, and each
    # score object's reviewed value made once and shared where one department scores the item
    sums: dict[int, Any] = {}
    first = stored.unit_item_inputs("u1", facts, entries, scores, confirmed, sums)
    second = stored.unit_item_inputs("u1", facts, entries, scores, confirmed, sums)
    assert repr(first) == repr(second) == repr(expected)
    for fact, one, other in zip(facts, first, second, strict=True):
        if len(fact.departments) == 1:
            assert one.reviewed_score is other.reviewed_score
