from __future__ import annotations

from typing import Any

from kaoping.publication.changes import Changes, compare


def _unit(name: str, total: str | None, rank: int | None, grade: str, scores: dict[str, str | None]) -> list[Any]:
    items = [[item_id, f"指标{item_id}", score, "5", "", "自评"] for item_id, score in scores.items()]
    component = ["work", "工作实绩", total, "10", "", total, items, None]
    return [1, name, name, "school", total, "10", grade, "", rank, [component], [], "", ""]


def test_a_changed_item_score_names_the_unit_the_item_and_the_rank_move() -> None:
    old = {
        1: _unit("甲校", "9", 1, "优秀", {"1": "4", "2": "5"}),
        2: _unit("乙校", "8", 2, "良好", {"1": "4", "2": "4"}),
    }
    new = {1: _unit("甲校", "7", 2, "良好", {"1": "2", "2": "5"}), 2: old[2]}
    changes = compare(old, new)
    assert [u.name for u in changes.units] == ["甲校"]
    change = changes.units[0]
    assert (change.old_rank, change.new_rank, change.old_grade, change.new_grade) == (1, 2, "优秀", "良好")
    assert [(i.name, i.old, i.new) for i in change.items] == [("指标1", "4", "2")]
    assert changes.rank_or_grade_moved


def test_equal_numbers_written_differently_are_no_change_and_a_missing_score_is() -> None:
    old = {1: _unit("甲校", "9.0", 1, "优秀", {"1": "4.0"})}
    assert compare(old, {1: _unit("甲校", "9", 1, "优秀", {"1": "4"})}).units == ()
    missing = compare(old, {1: _unit("甲校", None, None, "", {"1": None})})
    assert missing.units[0].items[0].new is None and missing.units[0].new_total is None


def test_units_added_and_removed_are_listed_and_survive_a_round_trip_through_json() -> None:
    old = {1: _unit("甲校", "9", 1, "优秀", {})}
    new = {2: _unit("乙校", "8", 1, "良好", {})}
    changes = compare(old, new)
    assert [(u.name, u.added, u.removed) for u in changes.units] == [("乙校", True, False), ("甲校", False, True)]
    assert Changes.from_data(changes.to_data()) == changes


def test_no_change_at_all_moves_nothing() -> None:
    same = {1: _unit("甲校", "9", 1, "优秀", {"1": "4"})}
    changes = compare(same, same)
    assert changes.units == () and not changes.rank_or_grade_moved
