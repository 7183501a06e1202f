"""Grade bands, modifiers, quotas per category, and star tiers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine.grading import GradeOutcome, GradingEntry, assign_stars, grade_units, quota_limit
from kaoping.engine.model import Category, GradeBand, Quota, QuotaRounding, Scheme, StarTier
from kaoping.engine.results import FlagCode

D = Decimal

BANDS = (
    GradeBand("优秀", min_percent=D(90)),
    GradeBand("良好", min_percent=D(80)),
    GradeBand("合格", min_percent=D(60)),
    GradeBand("不合格"),
)


def scheme(bands: tuple[GradeBand, ...] = BANDS, stars: tuple[StarTier, ...] = ()) -> Scheme:
    return Scheme(
        id="s",
        name="测试方案",
        year=2024,
        categories=(Category("county", "县(区)教育行政部门", ()),),
        components=(),
        grade_bands=bands,
        stars=stars,
    )


def entry(unit: str, total: str | None, maximum: str = "100", category: str = "county", *mods: str) -> GradingEntry:
    return GradingEntry(unit, category, None if total is None else D(total), D(maximum), frozenset(mods))


def grades(outcomes: dict[str, GradeOutcome]) -> dict[str, str | None]:
    return {unit: outcome.grade for unit, outcome in outcomes.items()}


# --- bands ---------------------------------------------------------------------------------


def test_band_by_percent_of_the_units_maximum() -> None:
    outcome = grade_units(scheme(), [entry("a", "271.5", "300")])["a"]
    assert outcome.grade == "优秀"
    assert outcome.explanation == "总分 271.50/300(90.50%),达到“优秀”分数线 满分的 90%(270.00 分) → “优秀”"


def test_same_scheme_grades_categories_with_different_maxima() -> None:
    outcomes = grade_units(scheme(), [entry("a", "250", "300"), entry("b", "250", "600", "school")])
    assert grades(outcomes) == {"a": "良好", "b": "不合格"}


def test_band_by_min_score() -> None:
    bands = (GradeBand("好", min_score=D(85)), GradeBand("较好", min_score=D(75)), GradeBand("一般"))
    outcomes = grade_units(scheme(bands), [entry("a", "85"), entry("b", "84.99"), entry("c", "10")])
    assert grades(outcomes) == {"a": "好", "b": "较好", "c": "一般"}
    assert "达到“好”分数线 85 分" in outcomes["a"].explanation


def test_the_line_is_inclusive() -> None:
    assert grade_units(scheme(), [entry("a", "90")])["a"].grade == "优秀"
    assert grade_units(scheme(), [entry("a", "89.99")])["a"].grade == "良好"


def test_last_band_without_minimum_catches_every_total() -> None:
    outcome = grade_units(scheme(), [entry("a", "0")])["a"]
    assert outcome.grade == "不合格"
    assert "未达到更高等次的分数线" in outcome.explanation


def test_no_band_reached_gives_no_grade() -> None:
    bands = (GradeBand("优秀", min_score=D(90)), GradeBand("合格", min_score=D(60)))
    outcome = grade_units(scheme(bands), [entry("a", "59")])["a"]
    assert outcome.grade is None
    assert "未达到任何等次的分数线" in outcome.explanation


def test_missing_total_gives_no_grade() -> None:
    outcome = grade_units(scheme(), [entry("a", None)])["a"]
    assert outcome.grade is None
    assert outcome.explanation == "总分缺失,不评等次"


def test_scheme_without_bands_grades_nothing() -> None:
    outcome = grade_units(scheme(()), [entry("a", "99")])["a"]
    assert outcome.grade is None
    assert outcome.explanation == "本方案未设等次"


# --- modifiers -----------------------------------------------------------------------------


def test_veto_gives_the_lowest_band() -> None:
    outcome = grade_units(scheme(), [entry("a", "99", "100", "county", "veto")])["a"]
    assert outcome.grade == "不合格"
    assert "一票否决 → “不合格”" in outcome.explanation


def test_veto_fails_a_unit_even_without_a_total() -> None:
    assert grade_units(scheme(), [entry("a", None, "100", "county", "veto")])["a"].grade == "不合格"


def test_downgrade_lowers_one_band() -> None:
    outcomes = grade_units(
        scheme(),
        [entry("a", "95", "100", "county", "downgrade"), entry("b", "10", "100", "county", "downgrade")],
    )
    assert grades(outcomes) == {"a": "良好", "b": "不合格"}
    assert "降一个等次 → “良好”" in outcomes["a"].explanation


def test_not_excellent_keeps_a_unit_out_of_the_top_band_only() -> None:
    outcomes = grade_units(
        scheme(),
        [entry("a", "95", "100", "county", "not_excellent"), entry("b", "85", "100", "county", "not_excellent")],
    )
    assert grades(outcomes) == {"a": "良好", "b": "良好"}
    assert "不得评为“优秀” → “良好”" in outcomes["a"].explanation
    assert "不得评为" not in outcomes["b"].explanation


def test_downgrade_and_not_excellent_together_take_the_stricter_not_both() -> None:
    outcome = grade_units(scheme(), [entry("a", "95", "100", "county", "downgrade", "not_excellent")])["a"]
    assert outcome.grade == "良好"


def test_unknown_modifier_is_named_in_the_explanation() -> None:
    outcome = grade_units(scheme(), [entry("a", "95", "100", "county", "bonus")])["a"]
    assert outcome.grade == "优秀"
    assert "忽略未知的等次修正:bonus" in outcome.explanation


# --- quotas --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "units", "rounding", "expected"),
    [
        ("20", 12, QuotaRounding.HALF_UP, 2),  # 2.4
        ("20", 13, QuotaRounding.HALF_UP, 3),  # 2.6
        ("25", 10, QuotaRounding.HALF_UP, 3),  # 2.5 → 3 (四舍五入, not banker's 2)
        ("20", 12, QuotaRounding.CEIL, 3),  # 进一法
        ("20", 13, QuotaRounding.FLOOR, 2),
        ("15", 20, QuotaRounding.CEIL, 3),  # exactly 3
    ],
)
def test_quota_limit_rounds_as_the_scheme_says(
    percent: str, units: int, rounding: QuotaRounding, expected: int
) -> None:
    assert quota_limit(Quota(D(percent), rounding), units) == expected


def quota_bands(percent: str = "20", rounding: QuotaRounding = QuotaRounding.HALF_UP) -> tuple[GradeBand, ...]:
    return (GradeBand("优秀", min_percent=D(90), quota=Quota(D(percent), rounding)), *BANDS[1:])


def test_units_over_the_quota_fall_to_the_next_band_in_rank_order() -> None:
    totals = ["99", "97", "95", "93", "91", "70", "70", "70", "70", "70"]
    entries = [entry(f"u{i}", total) for i, total in enumerate(totals)]
    outcomes = grade_units(scheme(quota_bands()), entries)  # 20% of 10 = 2
    assert [outcomes[f"u{i}"].grade for i in range(5)] == ["优秀", "优秀", "良好", "良好", "良好"]
    assert "“优秀”名额为本类别 10 个单位的 20%(四舍五入)= 2 个,本单位按总分排第 3,超出名额 → “良好”" in (
        outcomes["u2"].explanation
    )
    assert all(not outcome.flags for outcome in outcomes.values())


def test_quota_counts_units_per_category() -> None:
    entries = [entry("a1", "99"), entry("a2", "98"), entry("b1", "97", "100", "school")]
    outcomes = grade_units(scheme(quota_bands("50")), entries)
    assert grades(outcomes) == {"a1": "优秀", "a2": "良好", "b1": "优秀"}  # 50% of 2 = 1; 50% of 1 = 0.5 → 1


def test_units_falling_from_a_quota_meet_the_next_bands_quota() -> None:
    bands = (
        GradeBand("优秀", min_percent=D(90), quota=Quota(D(20))),
        GradeBand("良好", min_percent=D(80), quota=Quota(D(20))),
        GradeBand("合格"),
    )
    entries = [entry(f"u{i}", str(99 - i)) for i in range(5)]  # all ≥ 90
    outcomes = grade_units(scheme(bands), entries)  # one 优秀, one 良好
    assert grades(outcomes) == {"u0": "优秀", "u1": "良好", "u2": "合格", "u3": "合格", "u4": "合格"}


def test_tie_on_the_quota_boundary_is_left_to_a_person() -> None:
    totals = ["99", "95", "95", "80", "80", "80", "80", "80", "80", "80"]
    entries = [entry(f"u{i}", total) for i, total in enumerate(totals)]
    outcomes = grade_units(scheme(quota_bands()), entries)  # 2 seats, u1 and u2 tie for the second
    assert outcomes["u0"].grade == "优秀"
    assert outcomes["u0"].flags == ()
    for unit, other in (("u1", "u2"), ("u2", "u1")):
        outcome = outcomes[unit]
        assert outcome.grade == "良好"  # provisional: the quota is never exceeded automatically
        (flag,) = outcome.flags
        assert flag.code is FlagCode.TIE_ON_QUOTA_BOUNDARY
        assert f"与 {other} 同分 95.00,处在名额边界上(剩余 1 个名额),暂定为“良好”,需人工裁定是否评为“优秀”" in (
            outcome.explanation
        )


def test_tie_inside_the_quota_needs_no_decision() -> None:
    totals = ["95", "95", "91", "80", "80", "80", "80", "80", "80", "80"]
    entries = [entry(f"u{i}", total) for i, total in enumerate(totals)]
    outcomes = grade_units(scheme(quota_bands()), entries)
    assert grades(outcomes)["u0"] == grades(outcomes)["u1"] == "优秀"
    assert outcomes["u2"].grade == "良好"
    assert all(not outcome.flags for outcome in outcomes.values())


def test_quota_of_zero_seats_moves_every_unit_down() -> None:
    entries = [entry("a", "99"), entry("b", "98")]
    outcomes = grade_units(scheme(quota_bands("10", QuotaRounding.FLOOR)), entries)
    assert grades(outcomes) == {"a": "良好", "b": "良好"}
    assert not outcomes["a"].flags


def test_quota_counts_vetoed_and_missing_units_of_the_category() -> None:
    entries = [entry("a", "99"), entry("b", "98"), entry("c", None), entry("d", "99", "100", "county", "veto")]
    outcomes = grade_units(scheme(quota_bands("50")), entries)  # 50% of 4 = 2 seats
    assert grades(outcomes) == {"a": "优秀", "b": "优秀", "c": None, "d": "不合格"}


# --- stars ---------------------------------------------------------------------------------

STARS = (
    StarTier("五星级", 5, D(95)),
    StarTier("四星级", 4, D(85)),
    StarTier("三星级", 3, D(75)),
)


def test_stars_take_the_highest_tier_reached() -> None:
    assert assign_stars(scheme(stars=STARS), D(96)) == STARS[0]
    assert assign_stars(scheme(stars=STARS), D(95)) == STARS[0]
    assert assign_stars(scheme(stars=STARS), D("94.99")) == STARS[1]
    assert assign_stars(scheme(stars=STARS), D(75)) == STARS[2]


def test_stars_below_every_tier_or_missing_total_give_none() -> None:
    assert assign_stars(scheme(stars=STARS), D("74.9")) is None
    assert assign_stars(scheme(stars=STARS), None) is None
    assert assign_stars(scheme(), D(100)) is None


def test_stars_do_not_depend_on_the_order_of_the_tiers() -> None:
    assert assign_stars(scheme(stars=tuple(reversed(STARS))), D(120)) == STARS[0]  # base 100 plus bonuses
