"""analytics.compute: the statistics on textbook cases, robustness, outliers, items."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.analytics import compute
from kaoping.engine.inputs import Ballot, Unit
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    GradeScale,
    RaterGroup,
    RatingSpec,
    ScaleGrade,
    Scheme,
)

D = Decimal


def test_w_is_one_when_every_judge_ranks_alike() -> None:
    assert compute.kendall_w([[1, 2, 3, 4], [10, 20, 30, 40], [5, 6, 7, 8]]) == pytest.approx(1.0)


def test_w_known_values_without_and_with_ties() -> None:
    # rank sums 4, 6, 8, 12 of m = 3, n = 4: S = 35, W = 12·35 / (9·60) = 0.7778
    assert compute.kendall_w([[1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 3, 4]]) == pytest.approx(420 / 540)
    # a tie (1.5, 1.5): T = 6; S = 18.5; W = 12·18.5 / (4·60 − 2·6) = 222 / 228
    assert compute.kendall_w([[1, 2, 3, 4], [1, 1, 3, 4]]) == pytest.approx(222 / 228)
    assert compute.shown(compute.kendall_w([[1, 2, 3, 4], [1, 1, 3, 4]]), 2) == "0.97"


def test_w_needs_two_judges_and_objects() -> None:
    assert compute.kendall_w([[1, 2, 3]]) is None
    assert compute.kendall_w([[1], [2]]) is None


def test_spearman_and_icc() -> None:
    assert compute.spearman([1, 2, 3, 4], [2, 4, 6, 8]) == pytest.approx(1.0)
    assert compute.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    single, average = compute.icc_oneway([[90, 90, 90], [70, 70], [50, 50, 50]])
    assert single == pytest.approx(1.0) and average == pytest.approx(1.0)
    single, _average = compute.icc_oneway([[90, 50], [90, 50], [90, 50]])
    assert single is not None and single < 0


def test_interpretations_and_display() -> None:
    assert compute.interpret_w(0.72).startswith("较高一致")
    assert compute.interpret_w(0.2).startswith("基本不一致")
    assert compute.interpret_icc(0.8) == "良好"
    assert compute.interpret_rho(-0.5) == "中等负相关"
    assert compute.shown(0.125, 2) == "0.13"  # half up, not to even
    assert compute.shown(-0.001, 2) == "0.00"
    assert compute.shown(None) is None


GRADES = (("好", 100), ("良", 88), ("中", 70), ("差", 60))


def _scheme(
    groups: tuple[tuple[str, int], ...] = (("a", 50), ("b", 50)), grades: tuple[tuple[str, object], ...] = GRADES
) -> Scheme:
    rating = RatingSpec(
        scale=GradeScale(tuple(ScaleGrade(n, D(str(v))) for n, v in grades)),
        groups=tuple(RaterGroup(g, f"组{g}", D(w)) for g, w in groups),
    )
    component = Component("r", "述职测评", D(100), ComponentMethod.RATING, rating=rating)
    return Scheme(id="s", name="方案", year=2024, categories=(Category("c", "类别", ("r",)),), components=(component,))


def _ballots(spec: dict[str, list[tuple[str, str]]]) -> list[Ballot]:
    out = []
    for unit, votes in spec.items():
        for n, (group, grade) in enumerate(votes):
            out.append(Ballot("r", f"{unit}-{n}", group, unit, grade))
    return out


def test_a_ten_point_shift_swaps_two_ranks() -> None:
    scheme = _scheme()
    units = [Unit("x", "甲校", "c"), Unit("y", "乙校", "c")]
    # x: a 100, b 60 → 80; y: a 70, b 88 → 79. a +10: x 84, y 77.2; a −10: x 76, y 80.8
    ballots = _ballots({"x": [("a", "好"), ("b", "差")], "y": [("a", "中"), ("b", "良")]})
    out = compute.robustness(scheme, scheme.components[0], ballots, units)
    assert out["moving_count"] == 2 and out["max_move"] == 1
    ranges = {row["unit"]: (row["rank"], row["best"], row["worst"]) for row in out["moving"]}
    assert ranges == {"甲校": (1, 1, 2), "乙校": (2, 1, 2)}
    labels = [s["label"] for s in out["scenarios"]]
    assert "组a +10 个百分点" in labels and "组a −10 个百分点" in labels
    assert out["scenarios"][0]["weights"] == "组a 60.00%、组b 40.00%"
    assert out["close_count"] == 0


def test_ranks_decided_by_less_than_the_rounding_step() -> None:
    grades = (("甲", "80.006"), ("乙", "80.004"), ("丙", "80.001"))
    scheme = _scheme(groups=(("a", 100),), grades=grades)
    units = [Unit("x", "甲校", "c"), Unit("y", "乙校", "c"), Unit("z", "丙校", "c")]
    ballots = _ballots({"x": [("a", "甲")], "y": [("a", "乙")], "z": [("a", "丙")]})
    out = compute.robustness(scheme, scheme.components[0], ballots, units)
    assert out["step"] == "0.01"
    pairs = [(c["upper"], c["lower"], c["gap"], c["tied"]) for c in out["close"]]
    # 80.01 vs 80.00 after rounding: 乙 behind 甲 by 0.002; 乙 and 丙 both 80.00: tied by rounding
    assert pairs == [("甲校", "乙校", "0.002", False), ("乙校", "丙校", "0.003", True)]


def test_outlying_ballot_and_group_leaning() -> None:
    scheme = _scheme(groups=(("a", 50), ("b", 50)))
    component = scheme.components[0]
    votes = {"x": [("a", "好")] * 5 + [("b", "好")] * 4 + [("b", "差")]}
    votes["y"] = [("a", "差")] * 3 + [("b", "好")] * 3
    ballots = _ballots(votes)
    out = compute.analyse_rating(component, compute.ballot_rows(component, ballots), {"x": "甲校", "y": "乙校"})
    assert out["outliers"] == 1
    assert out["outlier_units"] == [{"unit": "甲校", "ballots": 10, "mean": "96.00", "high": 0, "low": 1}]
    group_b = out["groups"][1]
    assert group_b["low"] == 1
    assert group_b["leaning_units_high"] == 1  # y: b gives 100, a gives 60
    assert out["leanings"][0] == {
        "group": "组b",
        "unit": "乙校",
        "group_mean": "100.00",
        "others_mean": "60.00",
        "gap": "40.00",
        "ballots": 3,
    }


def test_full_mark_items_and_discrimination() -> None:
    rows = [
        ("u1", "1", "党建制度", D(5), D(5)),
        ("u2", "1", "党建制度", D(5), D(5)),
        ("u3", "1", "党建制度", None, D(5)),  # missing: left out, never 0
        ("u1", "2", "课程育人", D(2), D(10)),
        ("u2", "2", "课程育人", D(10), D(10)),
        ("u3", "2", "课程育人", D(6), D(10)),
        ("u1", "3", "平安校园", D(9), D(10)),
        ("u2", "3", "平安校园", D(10), D(10)),
        ("u3", "3", "平安校园", D(10), D(10)),
    ]
    out = compute.item_discrimination(rows)
    assert [i["name"] for i in out["full"]] == ["党建制度"]
    assert out["full"][0]["missing"] == 1 and out["full"][0]["units"] == 2
    assert [i["name"] for i in out["top"]] == ["课程育人", "平安校园"]
    assert out["top"][0]["min"] == "20.0" and out["top"][0]["high"] == "100.0" and out["top"][0]["mean"] == "60.0"
