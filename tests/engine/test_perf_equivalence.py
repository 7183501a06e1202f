"""The engine's fast paths give exactly what the general code gives.

rating.aggregate counts plainly valid sheets in one pass (``_count_clean_sheet``) and adds up
untrimmed units without the trimming machinery (``_scored_untrimmed``). Here both are switched
off and the results compared (repr: Decimal exponents and every word count) on random ballots,
including the sheets and units the fast paths must hand over: unknown grades and groups,
chosen points, repeated units, quotas, all-identical sheets, trimming, empty groups.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine import rating
from kaoping.engine.inputs import Ballot, Unit
from kaoping.engine.model import (
    BallotQuota,
    BallotRules,
    Component,
    ComponentMethod,
    EmptyGroupPolicy,
    GradeScale,
    RaterGroup,
    RatingSpec,
    RoundingPolicy,
    ScaleGrade,
    TrimScope,
    TrimSpec,
)

D = Decimal
SCALE = GradeScale(
    grades=(
        ScaleGrade("好", D(100), choices=(D(100), D("95.0"))),
        ScaleGrade("良好", D("90.0")),
        ScaleGrade("较好", D(80)),
        ScaleGrade("差", D(50)),
    ),
    abstain="不了解",
)
GROUPS = (
    RaterGroup("leaders", "局领导", D(50)),
    RaterGroup("heads", "处室负责人", D("25.0")),
    RaterGroup("units", "县区(学校)", D(25)),
)
UNITS = tuple(Unit(u, f"单位{u}", "county") for u in "abc")
UNIT_IDS = [unit.id for unit in UNITS]


@st.composite
def specs(draw: st.DrawFn) -> RatingSpec:
    trim = draw(
        st.sampled_from(
            [None, TrimSpec(above=3, per_side=1), TrimSpec(above=6, per_side=1, scope=TrimScope.OVERALL), TrimSpec()]
        )
    )
    quotas = draw(st.sampled_from([(), (BallotQuota(("好",), max_share=D(40)),), (BallotQuota(("差",), max_count=1),)]))
    return RatingSpec(
        scale=SCALE,
        groups=GROUPS,
        trim=trim,
        empty_group=draw(st.sampled_from(list(EmptyGroupPolicy))),
        ballot_rules=BallotRules(
            all_identical_invalid=draw(st.booleans()), min_valid_ballots=draw(st.integers(0, 3)), quotas=quotas
        ),
    )


@st.composite
def ballot_sets(draw: st.DrawFn) -> list[Ballot]:
    # Clean sets: every sheet valid, so the fast paths carry most of the work.
    clean = draw(st.booleans())
    grades = ["好", "良好", "较好", "差"] * 3 + ([] if clean else ["不了解", None, "优"])
    groups = [g.id for g in GROUPS] + ([] if clean else ["guests"])
    units = UNIT_IDS + ([] if clean else ["zz"])
    ballots: list[Ballot] = []
    for rater in range(draw(st.integers(1, 24))):
        group = draw(st.sampled_from(groups))
        own = draw(st.sampled_from([None, *UNIT_IDS]))
        for unit in draw(st.lists(st.sampled_from(units), min_size=1, max_size=5, unique=clean)):
            grade = draw(st.sampled_from(grades))
            points = None if clean else draw(st.sampled_from([None] * 4 + [D(100), D("95.0"), D(93)]))
            ballots.append(Ballot("lide", f"r{rater}", group, unit, grade, points=points, rater_unit=own))
    return ballots


@settings(max_examples=300, deadline=None)
@given(spec=specs(), ballots=ballot_sets())
def test_rating_fast_paths_equal_the_general_path(spec: RatingSpec, ballots: list[Ballot]) -> None:
    component = Component("lide", "立德树人述职测评", D(100), ComponentMethod.RATING, rating=spec)
    fast = rating.aggregate(component, ballots, UNITS, RoundingPolicy())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rating, "_count_clean_sheet", lambda *args: False)
        patch.setattr(rating._Aggregator, "_untrimmed", lambda *args: False)
        general = rating.aggregate(component, ballots, UNITS, RoundingPolicy())
    assert repr(fast) == repr(general)
