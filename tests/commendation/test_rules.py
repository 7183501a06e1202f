"""The rules of a commendation list, on engine results made by hand."""

from __future__ import annotations

from decimal import Decimal

from kaoping.commendation import rules
from kaoping.engine.results import Flag, FlagCode, UnitResult


def unit(uid: str, total: str | None, rank: int | None, grade: str = "优秀", stars: str = "", flags=()) -> UnitResult:
    return UnitResult(
        unit_id=uid,
        name=f"单位{uid}",
        category="school",
        total=Decimal(total) if total is not None else None,
        max=Decimal(100),
        grade=grade,
        stars=stars or None,
        rank=rank,
        components=(),
        flags=tuple(flags),
    )


def statuses(drawn: rules.Category) -> dict[str, str]:
    return {d.unit.unit_id: d.status for d in drawn.drawn}


TOP3 = rules.Rule("top_n", 3)


def test_top_n_lists_the_first_n_and_counts_units_without_a_total():
    units = [unit("a", "95", 1), unit("b", "93", 2), unit("c", "90", 3), unit("d", "88", 4), unit("e", None, None)]
    drawn = rules.draw(units, TOP3, {})
    assert statuses(drawn) == {"a": "listed", "b": "listed", "c": "listed"}
    assert drawn.missing == 1


def test_a_tie_on_the_boundary_is_flagged_with_every_tied_unit_and_never_cut():
    units = [unit("a", "95", 1), unit("b", "93", 2), unit("c", "90", 3), unit("d", "90", 3), unit("e", "80", 5)]
    drawn = rules.draw(units, TOP3, {})
    assert statuses(drawn) == {"a": "listed", "b": "listed", "c": "tied", "d": "tied"}
    # the organizer includes one with a reason: the other stays 待定
    drawn = rules.draw(units, TOP3, {"c": (True, "先进事迹突出")})
    assert statuses(drawn) == {"a": "listed", "b": "listed", "c": "listed", "d": "tied"}
    # excluding one by hand resolves the tie: the group now fits
    drawn = rules.draw(units, TOP3, {"d": (False, "材料不实")})
    assert statuses(drawn) == {"a": "listed", "b": "listed", "c": "listed", "d": "by_hand"}
    assert next(d.reason for d in drawn.drawn if d.unit.unit_id == "d") == "材料不实"


def test_a_tie_inside_the_quota_is_no_tie():
    units = [unit("a", "95", 1), unit("b", "95", 1), unit("c", "90", 3), unit("d", "80", 4)]
    assert statuses(rules.draw(units, TOP3, {})) == {"a": "listed", "b": "listed", "c": "listed"}


def test_flagged_units_are_excluded_with_the_flag_words_and_the_next_moves_up():
    veto = Flag(FlagCode.VETO, "发生重大安全责任事故,一票否决")
    not_excellent = Flag(FlagCode.NOT_EXCELLENT, "不得评优:受到通报批评")
    harmless = Flag(FlagCode.MISSING_INPUT, "缺少数据")
    units = [
        unit("a", "95", 1, flags=[veto]),
        unit("b", "93", 2, flags=[harmless]),
        unit("c", "90", 3, flags=[not_excellent]),
        unit("d", "88", 4),
        unit("e", "85", 5),
    ]
    drawn = rules.draw(units, TOP3, {})
    assert statuses(drawn) == {"b": "listed", "d": "listed", "e": "listed", "a": "flagged", "c": "flagged"}
    reasons = {d.unit.unit_id: d.reason for d in drawn.drawn}
    assert reasons["a"] == "发生重大安全责任事故,一票否决"
    assert reasons["c"] == "不得评优:受到通报批评"


def test_exclusion_by_hand_moves_the_next_unit_up():
    units = [unit("a", "95", 1), unit("b", "93", 2), unit("c", "90", 3), unit("d", "88", 4)]
    drawn = rules.draw(units, TOP3, {"b": (False, "审计发现问题")})
    assert statuses(drawn) == {"a": "listed", "c": "listed", "d": "listed", "b": "by_hand"}


def test_grade_and_star_bases():
    units = [
        unit("a", "95", 1, "优秀", "五星级"),
        unit("b", "93", 2, "优秀", "四星级"),
        unit("c", "80", 3, "良好", "四星级"),
        unit("d", "96", 1, "优秀", "五星级", flags=[Flag(FlagCode.DOWNGRADED, "降一等次")]),
        unit("e", None, None, None),
    ]
    by_grade = rules.draw(units, rules.Rule("grade", grade="优秀"), {})
    assert statuses(by_grade) == {"a": "listed", "b": "listed", "d": "flagged"}
    by_star = rules.draw(units, rules.Rule("stars", star_tier="四星级"), {})
    assert statuses(by_star) == {"b": "listed", "c": "listed"}
    assert by_star.missing == 1
