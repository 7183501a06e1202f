"""The bridge to the engine (ratings.scoring): stored ballots as the engine's ballots."""

from __future__ import annotations

import pytest

from kaoping.engine.inputs import Ballot
from kaoping.ratings import scoring

ROWS = [("a" * 32, "leaders", "好", 7), ("b" * 32, "heads", "良好", 7), ("c" * 32, "units", "一般", 12)]


def test_many_rows_give_the_ballots_one_row_at_a_time_gives_and_share_each_units_id() -> None:
    ballots = scoring.engine_ballots("lide", 3, ROWS)
    one_by_one = [
        scoring.engine_ballot("lide", 3, {"sheet": s, "rater_group": g, "grade": grade, "campaign_unit_id": u})
        for s, g, grade, u in ROWS
    ]
    assert ballots == one_by_one
    assert ballots[0] == Ballot(
        component_id="lide", rater_id="S3-aaaaaaaaaaaa", rater_group="leaders", target_unit="7", grade="好",
        sheet=f"S3-{'a' * 32}",
    )  # fmt: skip
    assert ballots[0].target_unit is ballots[1].target_unit


def test_a_counted_ballot_without_its_sheet_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="缺少选票编号"):
        scoring.engine_ballots("lide", 3, [(None, "leaders", "好", 7)])
