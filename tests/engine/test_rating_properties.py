"""Property tests: order never matters, better grades never hurt, conversion is monotone."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.engine.conversion import convert
from kaoping.engine.grading import GradingEntry, RankEntry, grade_units, quota_limit, rank_units
from kaoping.engine.inputs import Ballot, Unit
from kaoping.engine.model import (
    BallotQuota,
    BallotRules,
    Category,
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    EmptyGroupPolicy,
    GradeBand,
    GradeScale,
    Quota,
    RankingSpec,
    RaterGroup,
    RatingSpec,
    Rounding,
    RoundingPolicy,
    ScaleGrade,
    Scheme,
    ShareBand,
    TieBreak,
    TieBreakKind,
    TiePolicy,
    TrimScope,
    TrimSpec,
)
from kaoping.engine.rating import RatingOutcome, aggregate, aggregate_batches

D = Decimal

SCALE = GradeScale(
    grades=(
        ScaleGrade("好", D(100)),
        ScaleGrade("良好", D(90)),
        ScaleGrade("较好", D(80)),
        ScaleGrade("一般", D(70)),
        ScaleGrade("差", D(50)),
    ),
    abstain="不了解",
)
GRADES = [grade.name for grade in SCALE.grades]
GROUPS = (
    RaterGroup("leaders", "局领导", D(50)),
    RaterGroup("heads", "处室负责人", D(25)),
    RaterGroup("units", "县区(学校)", D(25)),
)
UNITS = tuple(Unit(u, f"单位{u}", "county") for u in "abcd")
UNIT_IDS = [unit.id for unit in UNITS]
POLICY = RoundingPolicy()


def rating_component(rating: RatingSpec) -> Component:
    return Component("lide", "立德树人述职测评", D(100), ComponentMethod.RATING, rating=rating)


@st.composite
def ballot_sets(draw: st.DrawFn, abstain: bool = True) -> list[Ballot]:
    """Up to 12 raters, each in one group, each grading some of the units."""
    grade_choices = [*GRADES, "不了解", None] if abstain else GRADES
    ballots: list[Ballot] = []
    for rater in range(draw(st.integers(1, 12))):
        group = draw(st.sampled_from(GROUPS)).id
        own = draw(st.sampled_from([None, *UNIT_IDS]))
        for unit in draw(st.lists(st.sampled_from(UNIT_IDS), min_size=1, max_size=4, unique=True)):
            grade = draw(st.sampled_from(grade_choices))
            ballots.append(Ballot("lide", f"r{rater}", group, unit, grade, rater_unit=own))
    return ballots


rating_specs = st.builds(
    RatingSpec,
    scale=st.just(SCALE),
    groups=st.just(GROUPS),
    trim=st.one_of(
        st.none(),
        st.builds(
            TrimSpec,
            above=st.integers(0, 6),
            per_side=st.integers(1, 2),
            scope=st.sampled_from(TrimScope),
        ),
    ),
    empty_group=st.sampled_from(EmptyGroupPolicy),
    ballot_rules=st.builds(
        BallotRules,
        quotas=st.sampled_from([(), (BallotQuota(("好",), max_count=2),), (BallotQuota(("差",), max_share=D(50)),)]),
        all_identical_invalid=st.booleans(),
        min_valid_ballots=st.integers(0, 4),
    ),
)


def essentials(outcome: RatingOutcome) -> dict[str, tuple[object, ...]]:
    return {
        unit: (r.score, r.raw, r.grade_counts, r.groups, r.explanation, r.flags) for unit, r in outcome.results.items()
    }


@settings(max_examples=150, deadline=None)
@given(spec=rating_specs, ballots=ballot_sets(), data=st.data())
def test_order_of_ballots_changes_nothing(spec: RatingSpec, ballots: list[Ballot], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(ballots))
    before = aggregate(rating_component(spec), ballots, UNITS, POLICY)
    after = aggregate(rating_component(spec), shuffled, UNITS, POLICY)
    assert essentials(after) == essentials(before)
    assert after.flags == before.flags


@st.composite
def session_batches(draw: st.DrawFn) -> list[list[Ballot]]:
    """The ballots of up to three rating sessions, each with raters of its own (so no sheet spans
    two sessions), some naming a unit outside the component."""
    batches = []
    for session in range(draw(st.integers(1, 3))):
        ballots = [replace(b, rater_id=f"s{session}-{b.rater_id}") for b in draw(ballot_sets())]
        if draw(st.booleans()):
            ballots.append(Ballot("lide", f"s{session}-x", "leaders", "z", "好"))
        batches.append(ballots)
    return batches


@settings(max_examples=150, deadline=None)
@given(spec=rating_specs, batches=session_batches())
def test_ballots_in_batches_give_what_all_of_them_give_at_once(spec: RatingSpec, batches: list[list[Ballot]]) -> None:
    component = rating_component(spec)
    batched = aggregate_batches(component, batches, UNITS, POLICY).outcome
    at_once = aggregate(component, [ballot for batch in batches for ballot in batch], UNITS, POLICY)
    assert essentials(batched) == essentials(at_once)
    assert batched.flags == at_once.flags


@settings(max_examples=150, deadline=None)
@given(spec=rating_specs, batches=session_batches(), data=st.data())
def test_after_one_batch_changes_only_the_units_it_names_are_scored_again_and_the_answer_is_a_fresh_ones(
    spec: RatingSpec, batches: list[list[Ballot]], data: st.DataObject
) -> None:
    component = rating_component(spec)
    first = aggregate_batches(component, batches, UNITS, POLICY)
    changed = data.draw(st.integers(0, len(batches) - 1))
    more = [replace(b, rater_id=f"s{changed}-late-{b.rater_id}") for b in data.draw(ballot_sets())]
    new_batch = data.draw(st.sampled_from([batches[changed] + more, batches[changed][: len(batches[changed]) // 2]]))
    kept = [batch for index, batch in enumerate(batches) if index != changed]
    after = data.draw(st.sampled_from([[*kept, new_batch], kept]))  # the batch changed, or gone
    again = aggregate_batches(component, after, UNITS, POLICY, first)
    fresh = aggregate_batches(component, after, UNITS, POLICY)
    assert essentials(again.outcome) == essentials(fresh.outcome)
    assert again.outcome.flags == fresh.outcome.flags
    named = {b.target_unit for b in batches[changed]} | {b.target_unit for b in new_batch}
    for unit_id, result in again.outcome.results.items():
        if unit_id not in named:
            assert result is first.outcome.results[unit_id]


@settings(max_examples=150, deadline=None)
@given(spec=rating_specs, ballots=ballot_sets(), data=st.data())
def test_renaming_raters_changes_no_score(spec: RatingSpec, ballots: list[Ballot], data: st.DataObject) -> None:
    raters = sorted({b.rater_id for b in ballots})
    renamed = dict(zip(raters, data.draw(st.permutations(raters)), strict=True))
    relabelled = [
        Ballot(b.component_id, renamed[b.rater_id], b.rater_group, b.target_unit, b.grade, rater_unit=b.rater_unit)
        for b in ballots
    ]
    before = aggregate(rating_component(spec), ballots, UNITS, POLICY)
    after = aggregate(rating_component(spec), relabelled, UNITS, POLICY)
    for unit in UNIT_IDS:
        assert after.results[unit].score == before.results[unit].score
        assert after.results[unit].grade_counts == before.results[unit].grade_counts


# Per-sheet rules are left out on purpose: a better grade can break a quota and void the sheet.
# OVERALL trimming is left out too: which group loses its extreme ballot depends on values in
# other groups, so with unequal weights a better grade can move the trim (see the docs).
monotone_specs = st.builds(
    RatingSpec,
    scale=st.just(SCALE),
    groups=st.just(GROUPS),
    trim=st.one_of(
        st.none(),
        st.builds(TrimSpec, above=st.integers(0, 6), per_side=st.integers(1, 2), scope=st.just(TrimScope.GROUP)),
    ),
    empty_group=st.sampled_from(EmptyGroupPolicy),
)


@settings(max_examples=200, deadline=None)
@given(spec=monotone_specs, ballots=ballot_sets(), data=st.data())
def test_a_better_grade_never_lowers_the_score(spec: RatingSpec, ballots: list[Ballot], data: st.DataObject) -> None:
    improvable = [i for i, b in enumerate(ballots) if b.grade in GRADES[1:]]
    if not improvable:
        return
    index = data.draw(st.sampled_from(improvable))
    old = ballots[index]
    assert old.grade is not None
    better = data.draw(st.sampled_from(GRADES[: GRADES.index(old.grade)]))
    improved = list(ballots)
    improved[index] = Ballot("lide", old.rater_id, old.rater_group, old.target_unit, better, rater_unit=old.rater_unit)
    before = aggregate(rating_component(spec), ballots, UNITS, POLICY).results[old.target_unit]
    after = aggregate(rating_component(spec), improved, UNITS, POLICY).results[old.target_unit]
    assert (before.score is None) == (after.score is None)
    if before.score is not None and after.score is not None:
        assert after.score >= before.score


# --- conversion ----------------------------------------------------------------------------

raw_values = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
conversion_specs = st.sampled_from(
    [
        ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100)),
        ConversionSpec(ConversionMethod.RELATIVE_TO_BEST),
        ConversionSpec(ConversionMethod.BY_RANK, step_percent=D(2)),
        ConversionSpec(ConversionMethod.BY_RANK, step_percent=D(30)),
        ConversionSpec(
            ConversionMethod.RANK_BONUS,
            top_bonuses=(D(5), D(4), D(3), D(2), D(1)),
            bottom_penalties=(D(-5), D(-4), D(-3), D(-2), D(-1)),
        ),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    spec=conversion_specs,
    raws=st.lists(st.one_of(st.none(), raw_values), min_size=1, max_size=12),
    data=st.data(),
)
def test_a_higher_raw_never_gives_a_lower_converted_score(
    spec: ConversionSpec, raws: list[Decimal | None], data: st.DataObject
) -> None:
    units = [f"u{i}" for i in range(len(raws))]
    before = dict(zip(units, raws, strict=True))
    present = [u for u in units if before[u] is not None]
    if not present:
        return
    unit = data.draw(st.sampled_from(present))
    raised = dict(before)
    raised[unit] = before[unit] + data.draw(raw_values)  # type: ignore[operator]
    categories = dict.fromkeys(units, "x")
    component = Component("c", "折算项目", D(200), ComponentMethod.IMPORTED, conversion=spec)
    old = convert(component, before, categories, rounding=Rounding(2))[unit].score
    new = convert(component, raised, categories, rounding=Rounding(2))[unit].score
    assert old is not None
    assert new is not None
    assert new >= old


@settings(max_examples=100, deadline=None)
@given(low=st.decimals(0, 100, places=2), extra=st.decimals(0, 100, places=2))
def test_a_higher_vote_share_never_gives_fewer_points(low: Decimal, extra: Decimal) -> None:
    spec = ConversionSpec(
        ConversionMethod.VOTE_SHARE_BAND,
        bands=(ShareBand(D(90), D(200)), ShareBand(D(80), D(190)), ShareBand(D(60), D(170))),
    )
    component = Component("c", "折算项目", D(200), ComponentMethod.RATING, conversion=spec)
    high = min(low + extra, D(100))
    old = convert(component, {"a": D(0)}, {"a": "x"}, top_shares={"a": low})["a"].score
    new = convert(component, {"a": D(0)}, {"a": "x"}, top_shares={"a": high})["a"].score
    assert old is not None
    assert new is not None
    assert new >= old


# --- ranking and grading -------------------------------------------------------------------

CHAIN = RankingSpec(
    ties=TiePolicy.CHAIN,
    chain=(TieBreak(TieBreakKind.COMPONENT, "lide"), TieBreak(TieBreakKind.TOP_GRADE_COUNT, "lide")),
)
small = st.one_of(st.none(), st.sampled_from([D(0), D(1), D(2), D("2.5")]))


@st.composite
def rank_entries(draw: st.DrawFn) -> list[RankEntry]:
    count = draw(st.integers(0, 10))
    return [
        RankEntry(
            f"u{i}",
            draw(st.one_of(st.none(), st.sampled_from([D(90), D(80), D("80.0"), D(70)]))),
            draw(st.tuples(small, small)),
        )
        for i in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(spec=st.sampled_from([RankingSpec(), CHAIN]), entries=rank_entries(), data=st.data())
def test_ranking_does_not_depend_on_the_order_of_entries(
    spec: RankingSpec, entries: list[RankEntry], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(entries))
    assert rank_units(spec, shuffled) == rank_units(spec, entries)


@settings(max_examples=200, deadline=None)
@given(spec=st.sampled_from([RankingSpec(), CHAIN]), entries=rank_entries())
def test_rank_is_one_plus_the_number_of_strictly_better_units(spec: RankingSpec, entries: list[RankEntry]) -> None:
    outcomes = rank_units(spec, entries)
    ranked = [e for e in entries if e.total is not None]
    for entry in ranked:
        assert entry.total is not None
        better = [o for o in ranked if o.total is not None and o.total > entry.total]
        tied = [o for o in ranked if o.total == entry.total]
        rank = outcomes[entry.unit_id].rank
        assert rank is not None
        assert len(better) + 1 <= rank <= len(better) + len(tied)
        if spec.ties is TiePolicy.SHARED:
            assert rank == len(better) + 1


@settings(max_examples=150, deadline=None)
@given(
    totals=st.lists(st.one_of(st.none(), st.sampled_from([D(95), D(92), D(85), D(70), D(50)])), max_size=12),
    data=st.data(),
)
def test_grading_does_not_depend_on_the_order_of_entries(totals: list[Decimal | None], data: st.DataObject) -> None:
    bands = (
        GradeBand("优秀", min_percent=D(90), quota=Quota(D(20))),
        GradeBand("良好", min_percent=D(80), quota=Quota(D(30))),
        GradeBand("合格", min_percent=D(60)),
        GradeBand("不合格"),
    )
    scheme = Scheme("s", "方案", 2024, (Category("x", "类", ()),), (), grade_bands=bands)
    modifiers = st.frozensets(st.sampled_from(["veto", "downgrade", "not_excellent"]), max_size=1)
    entries = [GradingEntry(f"u{i}", "x", t, D(100), data.draw(modifiers)) for i, t in enumerate(totals)]
    shuffled = data.draw(st.permutations(entries))
    outcomes = grade_units(scheme, entries)
    assert grade_units(scheme, shuffled) == outcomes
    top = [u for u, o in outcomes.items() if o.grade == "优秀"]
    assert len(top) <= quota_limit(Quota(D(20)), len(entries))  # never exceeded automatically
