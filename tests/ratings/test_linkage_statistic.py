"""The statistic behind the linkage attacks: when a count of linked ballots is beyond chance."""

import math

from tests.ratings.linkage import SIGNIFICANCE, Score, poisson_tail


def test_poisson_tail_is_one_at_zero_and_matches_the_closed_form_at_one() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert math.isclose(poisson_tail(1, 3.0), 1 - math.exp(-3.0))


def test_the_limit_is_the_largest_count_a_blind_guesser_reaches_above_the_significance() -> None:
    score = Score(linked=0, ballots=106, chance=10.07, sd=3.01)
    assert poisson_tail(score.threshold, score.chance) > SIGNIFICANCE
    assert poisson_tail(score.threshold + 1, score.chance) <= SIGNIFICANCE
    assert score.threshold == 28


def test_a_rare_but_blind_draw_passes_and_a_real_leak_fails() -> None:
    assert Score(linked=23, ballots=106, chance=10.07, sd=3.01).at_chance  # the draw CI once saw
    assert not Score(linked=31, ballots=106, chance=10.07, sd=3.01).at_chance  # the old pattern leak
    assert not Score(linked=105, ballots=106, chance=10.07, sd=3.01).at_chance  # the old xmin leak


def test_the_report_names_the_limit_and_the_p_value() -> None:
    assert str(Score(linked=9, ballots=106, chance=10.07, sd=3.01)) == (
        "9/106 linked (chance 10.1 ± 3.0, limit 28, p 6.8e-01)"
    )
