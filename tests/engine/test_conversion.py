"""Conversion (折算): proportional, relative to the best, by rank, by vote-share bands, rank bonus."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.conversion import Converted, convert
from kaoping.engine.model import (
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    Rounding,
    ShareBand,
)

D = Decimal


def component(spec: ConversionSpec | None, points: str = "300") -> Component:
    return Component("dangjian", "基层党建工作考核", D(points), ComponentMethod.IMPORTED, conversion=spec)


def scores(result: dict[str, Converted]) -> dict[str, Decimal | None]:
    return {unit: converted.score for unit, converted in result.items()}


SAME_CATEGORY = {"a": "school", "b": "school", "c": "school", "d": "school", "e": "school"}


# --- proportional --------------------------------------------------------------------------


def test_proportional_scales_raw_to_component_points() -> None:
    spec = ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100))
    result = convert(component(spec), {"a": D("86.5")}, SAME_CATEGORY, rounding=Rounding(2))
    assert result["a"].score == D("259.50")
    assert result["a"].explanation == "86.5 ÷ 100 × 300 = 259.50"


def test_proportional_uses_a_per_unit_raw_max_when_given() -> None:
    spec = ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100))
    result = convert(component(spec), {"a": D(90)}, SAME_CATEGORY, raw_maxes={"a": D(120)})
    assert result["a"].score == D(225)


def test_proportional_without_raw_max_is_missing_with_a_reason() -> None:
    spec = ConversionSpec(ConversionMethod.PROPORTIONAL)
    result = convert(component(spec), {"a": D(90)}, SAME_CATEGORY)
    assert result["a"].score is None
    assert "缺少原始满分" in result["a"].explanation


def test_missing_raw_stays_missing_never_zero() -> None:
    spec = ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100))
    result = convert(component(spec), {"a": None, "b": D(50)}, SAME_CATEGORY)
    assert result["a"] == Converted(None, "缺少原始分,折算结果缺失")
    assert result["b"].score == D(150)


def test_conversion_rounds_half_up() -> None:
    spec_100 = ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100))
    odd = convert(component(spec_100, points="100"), {"a": D("0.25")}, SAME_CATEGORY, rounding=Rounding(1))
    assert odd["a"].score == D("0.3")  # half-even would give 0.2


def test_without_conversion_spec_raw_is_the_score() -> None:
    result = convert(component(None), {"a": D("77.7")}, SAME_CATEGORY)
    assert result["a"].score == D("77.7")
    assert "不折算" in result["a"].explanation


# --- relative to the best ------------------------------------------------------------------


def test_relative_to_best_divides_by_the_best_in_the_category() -> None:
    spec = ConversionSpec(ConversionMethod.RELATIVE_TO_BEST)
    categories = {"a": "county", "b": "county", "c": "school"}
    raws = {"a": D(80), "b": D(96), "c": D(40)}
    result = convert(component(spec, points="600"), raws, categories, rounding=Rounding(2))
    assert scores(result) == {"a": D("500.00"), "b": D("600.00"), "c": D("600.00")}
    assert result["a"].explanation == "本单位 80 ÷ 本类别最高 96 × 600 = 500.00"


def test_relative_to_best_ignores_missing_units_when_finding_the_best() -> None:
    spec = ConversionSpec(ConversionMethod.RELATIVE_TO_BEST)
    result = convert(component(spec, points="100"), {"a": D(50), "b": None}, SAME_CATEGORY)
    assert scores(result) == {"a": D(100), "b": None}


def test_relative_to_best_with_best_zero_gives_zero_and_says_why() -> None:
    spec = ConversionSpec(ConversionMethod.RELATIVE_TO_BEST)
    result = convert(component(spec), {"a": D(0)}, SAME_CATEGORY)
    assert result["a"].score == 0
    assert "无法按比值折算" in result["a"].explanation


# --- by rank -------------------------------------------------------------------------------


def test_by_rank_gives_points_to_first_and_steps_down_per_place() -> None:
    spec = ConversionSpec(ConversionMethod.BY_RANK, step_percent=D(2))
    raws = {"a": D(95), "b": D(90), "c": D(90), "d": D(80)}
    result = convert(component(spec, points="200"), raws, SAME_CATEGORY, rounding=Rounding(2))
    # ties share place 2; d is 4th: 200 × (1 − 2% × 3) = 188
    assert scores(result) == {"a": D("200.00"), "b": D("196.00"), "c": D("196.00"), "d": D("188.00")}
    assert result["d"].explanation == "本类别第 4 名,200 × (1 − 2% × 3) = 188.00"


def test_by_rank_ranks_within_each_category() -> None:
    spec = ConversionSpec(ConversionMethod.BY_RANK, step_percent=D(10))
    raws = {"a": D(50), "b": D(60), "c": D(10)}
    categories = {"a": "x", "b": "x", "c": "y"}
    result = convert(component(spec, points="100"), raws, categories)
    assert scores(result) == {"a": D(90), "b": D(100), "c": D(100)}


def test_by_rank_never_goes_below_zero() -> None:
    spec = ConversionSpec(ConversionMethod.BY_RANK, step_percent=D(60))
    raws = {"a": D(3), "b": D(2), "c": D(1)}
    result = convert(component(spec, points="100"), raws, SAME_CATEGORY)
    assert scores(result) == {"a": D(100), "b": D(40), "c": D(0)}


# --- vote-share bands ----------------------------------------------------------------------

RUIAN_BANDS = ConversionSpec(
    ConversionMethod.VOTE_SHARE_BAND,
    bands=(
        ShareBand(D(90), D(200)),
        ShareBand(D(80), D(190)),
        ShareBand(D(70), D(180)),
        ShareBand(D(60), D(170)),
        ShareBand(D(0), D(160)),
    ),
    top_grades=("优秀",),
)


def test_vote_share_bands_pick_the_first_band_reached() -> None:
    shares = {"a": D(90), "b": D("89.99"), "c": D(60), "d": D(12)}
    raws: dict[str, Decimal | None] = dict.fromkeys(shares, D(0))
    result = convert(component(RUIAN_BANDS, points="200"), raws, SAME_CATEGORY, top_shares=shares)
    assert scores(result) == {"a": D(200), "b": D(190), "c": D(170), "d": D(160)}
    assert result["b"].explanation == "优秀票比例 89.99% ≥ 80%,得 190 = 190.00"


def test_vote_share_below_every_band_gives_zero() -> None:
    spec = ConversionSpec(ConversionMethod.VOTE_SHARE_BAND, bands=(ShareBand(D(50), D(10)),))
    result = convert(component(spec), {"a": D(1)}, SAME_CATEGORY, top_shares={"a": D(20)})
    assert result["a"].score == 0
    assert "低于所有档次" in result["a"].explanation


def test_vote_share_missing_share_is_missing() -> None:
    result = convert(component(RUIAN_BANDS), {"a": D(1), "b": D(1)}, SAME_CATEGORY, top_shares={"a": None})
    assert result["a"].score is None
    assert result["b"].score is None
    assert convert(component(RUIAN_BANDS), {"a": D(1)}, SAME_CATEGORY)["a"].score is None


# --- rank bonus ----------------------------------------------------------------------------

RANK_BONUS = ConversionSpec(
    ConversionMethod.RANK_BONUS,
    top_bonuses=(D(5), D(4), D(3)),
    bottom_penalties=(D(-5), D(-4)),
)


def test_rank_bonus_adds_to_the_top_and_subtracts_from_the_bottom() -> None:
    raws = {"a": D(90), "b": D(85), "c": D(80), "d": D(75), "e": D(70), "f": D(65), "g": D(60)}
    categories = dict.fromkeys(raws, "county")
    result = convert(component(RANK_BONUS, points="100"), raws, categories)
    assert scores(result) == {
        "a": D(95),
        "b": D(89),
        "c": D(83),
        "d": D(75),
        "e": D(70),
        "f": D(61),
        "g": D(55),
    }
    assert result["g"].explanation == "60 − 倒数第 1 名减 5 = 55.00"
    assert result["d"].explanation == "75(第 4 名,不加不减) = 75.00"


def test_rank_bonus_accepts_penalties_written_as_positive_numbers() -> None:
    spec = ConversionSpec(ConversionMethod.RANK_BONUS, bottom_penalties=(D(5),))
    result = convert(component(spec), {"a": D(90), "b": D(80)}, SAME_CATEGORY)
    assert scores(result) == {"a": D(90), "b": D(75)}


def test_rank_bonus_ties_share_the_place_and_its_bonus_or_penalty() -> None:
    raws = {"a": D(90), "b": D(90), "c": D(80), "d": D(70), "e": D(70), "f": D(60)}
    result = convert(component(RANK_BONUS), raws, dict.fromkeys(raws, "x"))
    assert scores(result) == {"a": D(95), "b": D(95), "c": D(83), "d": D(66), "e": D(66), "f": D(55)}


def test_rank_bonus_gives_the_bonus_when_a_unit_is_both_top_and_bottom() -> None:
    raws = {"a": D(90), "b": D(80)}
    result = convert(component(RANK_BONUS), raws, dict.fromkeys(raws, "x"))
    assert scores(result) == {"a": D(95), "b": D(84)}


def test_units_without_a_category_are_compared_with_each_other() -> None:
    spec = ConversionSpec(ConversionMethod.RELATIVE_TO_BEST)
    result = convert(component(spec, points="100"), {"a": D(50), "b": D(100), "c": D(10)}, {"c": "school"})
    assert scores(result) == {"a": D(50), "b": D(100), "c": D(100)}
