"""Live rating (民主测评 / 述职评议): ballots → one score per unit.

The steps, in order, for one rating component:

1. Ballots of other components and ballots for units outside ``units`` are ignored
   (the latter with one campaign flag).
2. A rater never counts for his or her own unit: a ballot whose ``rater_unit`` equals its
   ``target_unit`` is ignored before anything else and noted in that unit's explanation.
3. Ballots are gathered into sheets (选票): ``Ballot.sheet`` if given, otherwise the rater in
   one role (``rater_id`` + ``rater_group``; one person rating in two roles hands in two sheets).
   A sheet with any problem — a grade not on the scale, a points value that is not one of the
   grade's choices, an unknown rater group, a unit graded twice, a broken per-ballot quota,
   all units graded the same — is dropped whole and flagged INVALID_BALLOT with the reasons.
4. Abstentions (``grade`` None or the scale's abstain label) count as no vote.
5. Per unit: fewer valid ballots than ``min_valid_ballots`` → no result (TOO_FEW_BALLOTS).
   Otherwise mean (or trimmed mean) per rater group, then the weighted mean of the groups.
   An empty group either has its weight shared out over the others (RENORMALIZE) or leaves
   the unit without a score (FAIL, flag EMPTY_RATER_GROUP).
6. ``score = raw / scale_max × points`` (POINTS mode) or ``raw × points`` (COEFFICIENT mode,
   where a grade's value is a coefficient of the component's points), rounded by
   ``rounding.rating``. The score is computed from the unrounded raw.

Everything is grouped with dicts in one pass over the ballots, so 200,000 ballots take well
under two seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from kaoping.engine.inputs import Ballot, Unit
from kaoping.engine.model import (
    BallotQuota,
    Component,
    EmptyGroupPolicy,
    GradeScaleMode,
    RaterGroup,
    RatingSpec,
    Rounding,
    RoundingMode,
    RoundingPolicy,
    ScaleGrade,
    TrimScope,
    TrimSpec,
)
from kaoping.engine.numbers import fixed, fmt
from kaoping.engine.results import Flag, FlagCode, GroupRating, RatingResult, lazy_text, slot_constructor

__all__ = [
    "BatchedOutcome",
    "RatingOutcome",
    "aggregate",
    "aggregate_batches",
    "ballot_value",
    "check_sheet",
    "top_share",
]

_HUNDRED = Decimal(100)
_VALUE = itemgetter(0)  # a vote's value
_ZERO = Decimal(0)
_DISPLAY = Rounding(2)  # used for display when the scheme does not round
_COEFFICIENT_DISPLAY = Rounding(4)


@dataclass(frozen=True, slots=True)
class RatingOutcome:
    """``results`` has one entry per unit passed in (score None when there is none).

    ``flags`` are sheet-level problems (invalid sheets, ballots for unknown units); problems of
    one unit (too few ballots, an empty rater group) are in that unit's ``RatingResult.flags``.
    """

    results: Mapping[str, RatingResult]
    flags: tuple[Flag, ...]


_new_group_rating = slot_constructor(GroupRating, ("group_id", "name", "weight", "valid_ballots", "mean", "dropped"))
_new_rating_result = slot_constructor(
    RatingResult, ("unit_id", "score", "raw", "groups", "grade_counts", "explanation", "flags")
)


# --------------------------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------------------------


def _quoted(names: Iterable[str]) -> str:
    return "".join(f"“{name}”" for name in names)


# --------------------------------------------------------------------------------------------
# Sheet validity
# --------------------------------------------------------------------------------------------


def ballot_value(grade: ScaleGrade, points: Decimal | None) -> Decimal:
    """The value a ballot carries: the chosen points within the grade, else the grade's value."""
    return grade.value if points is None else points


def _points_problem(grade: ScaleGrade, points: Decimal | None) -> str | None:
    if points is None:
        return None
    allowed = grade.choices or (grade.value,)
    if points in allowed:
        return None
    choices = "/".join(fmt(choice) for choice in allowed)
    return f"“{grade.name}”档可选分值为 {choices},本票为 {fmt(points)}"


def _quota_problems(quota: BallotQuota, count: int, units_on_sheet: int) -> list[str]:
    grades = _quoted(quota.grades)
    problems: list[str] = []
    if quota.max_count is not None and count > quota.max_count:
        problems.append(f"{grades}最多可评 {quota.max_count} 个单位,本票评了 {count} 个")
    if quota.min_count is not None and count < quota.min_count:
        problems.append(f"{grades}至少应评 {quota.min_count} 个单位,本票评了 {count} 个")
    if quota.max_share is not None and count * _HUNDRED > quota.max_share * units_on_sheet:
        problems.append(
            f"{grades}最多可评本票单位数的 {fmt(quota.max_share)}%(本票 {units_on_sheet} 个单位),本票评了 {count} 个"
        )
    if quota.min_share is not None and count * _HUNDRED < quota.min_share * units_on_sheet:
        problems.append(
            f"{grades}至少应评本票单位数的 {fmt(quota.min_share)}%(本票 {units_on_sheet} 个单位),本票评了 {count} 个"
        )
    return problems


@dataclass(slots=True)
class _SheetReading:
    """One pass over a sheet: its problems, and (if none) what it counts.

    ``votes`` are (entry index, grade name, value); ``abstained`` are entry indexes.
    """

    problems: list[str]
    votes: list[tuple[int, str, Decimal]]
    abstained: list[int]


def _read_sheet(
    spec: RatingSpec,
    grades: Mapping[str, ScaleGrade],
    entries: Sequence[tuple[str, str | None, Decimal | None]],
    unit_label: Mapping[str, str],
) -> _SheetReading:
    """Read a sheet of (unit id, grade or None, chosen points or None).

    Quota shares are of all units on the sheet, abstentions included: the paper lists them
    all, so "优秀不超过 20%" means 20% of the units printed on it.
    """
    abstain_label = spec.scale.abstain
    entry_problems: list[str] = []
    votes: list[tuple[int, str, Decimal]] = []
    abstained: list[int] = []
    graded: Counter[str] = Counter()
    seen: set[str] = set()
    repeated: Counter[str] = Counter()
    for index, (unit_id, grade_name, points) in enumerate(entries):
        if unit_id in seen:
            repeated[unit_id] += 1
        else:
            seen.add(unit_id)
        if grade_name is None or grade_name == abstain_label:
            abstained.append(index)
            continue
        grade = grades.get(grade_name)
        if grade is None:
            entry_problems.append(f"单位“{unit_label.get(unit_id, unit_id)}”的等次“{grade_name}”不是本测评的等次")
            continue
        if points is not None:
            points_problem = _points_problem(grade, points)
            if points_problem is not None:
                entry_problems.append(f"单位“{unit_label.get(unit_id, unit_id)}”:{points_problem}")
                continue
        graded[grade_name] += 1
        votes.append((index, grade_name, grade.value if points is None else points))

    problems = [
        f"单位“{unit_label.get(unit_id, unit_id)}”在本票上出现了 {times + 1} 次" for unit_id, times in repeated.items()
    ]
    problems += entry_problems
    rules = spec.ballot_rules
    for quota in rules.quotas:
        count = sum(graded[name] for name in quota.grades)
        problems.extend(_quota_problems(quota, count, len(entries)))
    if rules.all_identical_invalid and len(votes) >= 2 and len({(g, v) for _, g, v in votes}) == 1:
        problems.append(f"{len(votes)} 个单位全部评为“{votes[0][1]}”,全部相同的选票无效")
    return _SheetReading(problems, votes, abstained)


def check_sheet(
    spec: RatingSpec, grades: Mapping[str, str | None], points: Mapping[str, Decimal] | None = None
) -> list[str]:
    """Why a rater's sheet (unit id → grade name, None = abstain) is invalid; [] if valid.

    ``points`` (unit id → chosen points) is checked against the grades' choices (档内可选分).
    The live-rating server calls this before it accepts a sheet.
    """
    scale_grades = {grade.name: grade for grade in spec.scale.grades}
    chosen = points or {}
    entries = [(unit_id, grade, chosen.get(unit_id)) for unit_id, grade in grades.items()]
    return _read_sheet(spec, scale_grades, entries, {}).problems


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------


# One counted ballot: (value, group index, rater id, sheet key). Plain tuples keep 200,000
# ballots cheap, and their natural order decides which of several equal values a trimmed mean
# drops, so the result never depends on the order the ballots came in.
_Vote = tuple[Decimal, int, str, str]


@dataclass(slots=True)
class _UnitTally:
    by_group: list[list[_Vote]]  # valid votes, per rater group in the scheme's order
    grade_counts: dict[str, int]  # valid votes per grade name (absent: none)
    abstentions: int = 0
    own_unit: int = 0
    invalid: int = 0


@dataclass(slots=True)
class _Trimmed:
    """One group's votes after trimming: kept, and the low and high values dropped."""

    kept: list[_Vote]
    low: list[_Vote]
    high: list[_Vote]
    count: int  # all of the group's valid votes, dropped ones included

    @property
    def dropped(self) -> list[_Vote]:
        return self.low + self.high


def _trim(votes: list[_Vote], trim: TrimSpec | None) -> _Trimmed:
    """Trims only with MORE than ``above`` votes, and never down to nothing."""
    if trim is None or trim.per_side <= 0 or len(votes) <= max(trim.above, 2 * trim.per_side):
        return _Trimmed(votes, [], [], len(votes))
    ordered = sorted(votes)
    cut = trim.per_side
    return _Trimmed(ordered[cut:-cut], ordered[:cut], ordered[-cut:], len(votes))


def _group_votes(by_group: list[list[_Vote]], trim: TrimSpec | None) -> list[_Trimmed]:
    """Per group, trimming per group or over all the unit's votes."""
    if trim is not None and trim.scope is TrimScope.OVERALL:
        overall = _trim([vote for votes in by_group for vote in votes], trim)
        return [
            _Trimmed(
                [v for v in overall.kept if v[1] == index],
                [v for v in overall.low if v[1] == index],
                [v for v in overall.high if v[1] == index],
                len(by_group[index]),
            )
            for index in range(len(by_group))
        ]
    return [_trim(votes, trim) for votes in by_group]


def _removed_text(votes: _Trimmed) -> str:
    if not votes.low and not votes.high:
        return ""
    removed = []
    if votes.high:
        removed.append("最高 " + "、".join(fmt(v[0]) for v in reversed(votes.high)))
    if votes.low:
        removed.append("最低 " + "、".join(fmt(v[0]) for v in votes.low))
    return f"(去掉{'、'.join(removed)})"


class _Aggregator:
    def __init__(self, component: Component, rounding: RoundingPolicy) -> None:
        if component.rating is None:
            raise ValueError(f"测评项目“{component.name}”({component.id})没有设置测评规则")
        self.component = component
        self.spec: RatingSpec = component.rating
        self.rounding = rounding
        self.grades = {grade.name: grade for grade in self.spec.scale.grades}
        self.grade_names = [grade.name for grade in self.spec.scale.grades]
        self.total_weight = sum((group.weight for group in self.spec.groups), _ZERO)
        self.group_index = {group.id: index for index, group in enumerate(self.spec.groups)}
        self.coefficient = self.spec.scale.mode is GradeScaleMode.COEFFICIENT
        self.value_display = _COEFFICIENT_DISPLAY if self.coefficient else _DISPLAY
        self._weights: dict[tuple[str, Decimal, bool], tuple[Decimal, str]] = {}
        if not self.coefficient and self.spec.scale.scale_max <= 0:
            raise ValueError(f"测评项目“{component.name}”({component.id})的等次满分值必须大于 0")
        # raw (0…scale_max) → score on the component's points; 1 when both are 100.
        self.score_factor = component.points if self.coefficient else component.points / self.spec.scale.scale_max
        scale_max = self.spec.scale.scale_max
        self.points_text = fmt(component.points)
        if self.coefficient:
            self.formula_tail = f" × {self.points_text}"
        elif component.points != scale_max:
            self.formula_tail = f" ÷ {fmt(scale_max)} × {self.points_text}"
        else:
            self.formula_tail = ""
        # Precomputed for the hot path (``_scored_untrimmed``).
        assert self.value_display.mode is RoundingMode.HALF_UP
        trim = self.spec.trim
        self.trim_limit = None if trim is None or trim.per_side <= 0 else max(trim.above, 2 * trim.per_side)
        self.trim_overall = trim is not None and trim.scope is TrimScope.OVERALL
        self.full_weights = (
            [self._weight(group, self.total_weight, False) for group in self.spec.groups]
            if self.total_weight > 0
            else None
        )
        self._notes_cache: dict[tuple[tuple[tuple[str, int], ...], int, int, int], str] = {}

    # -- sheets ---------------------------------------------------------------------------

    def read_sheet(self, ballots: list[Ballot], labels: Mapping[str, str]) -> _SheetReading:
        entries = [(b.target_unit, b.grade, b.points) for b in ballots]
        reading = _read_sheet(self.spec, self.grades, entries, labels)
        unknown = {b.rater_group for b in ballots} - self.group_index.keys()
        if unknown:
            groups = [f"评委组“{group}”不是本测评的评委组" for group in sorted(unknown)]
            reading.problems[:0] = groups
        return reading

    # -- per unit -------------------------------------------------------------------------

    def unit_result(self, unit: Unit, tally: _UnitTally) -> RatingResult:
        spec = self.spec
        count_of = tally.grade_counts.get
        counts = tuple([(name, count_of(name, 0)) for name in self.grade_names])
        notes_key = (counts, tally.abstentions, tally.own_unit, tally.invalid)
        notes = self._notes_cache.get(notes_key)
        if notes is None:
            notes = self._notes_cache[notes_key] = self._notes(tally, counts)
        by_group = tally.by_group
        valid = sum(map(len, by_group))
        minimum = spec.ballot_rules.min_valid_ballots
        if valid >= minimum and valid and self._untrimmed(by_group, valid):
            return self._scored_untrimmed(unit, counts, notes, by_group)
        if valid == 0:
            return self._without_score(unit, counts, notes, "没有有效票,不出结果", FlagCode.TOO_FEW_BALLOTS)
        if valid < minimum:
            message = f"有效票 {valid} 张,少于最低要求 {minimum} 张,不出结果"
            return self._without_score(unit, counts, notes, message, FlagCode.TOO_FEW_BALLOTS)

        per_group = _group_votes(tally.by_group, spec.trim)
        present = [(group, votes) for group, votes in zip(spec.groups, per_group, strict=True) if votes.kept]
        absent = (
            [(group, votes) for group, votes in zip(spec.groups, per_group, strict=True) if not votes.kept]
            if len(present) < len(per_group)
            else []
        )
        # Empty: nobody of the group cast a valid ballot (the scheme's policy applies).
        # Trimmed out: OVERALL trimming removed all of a group's ballots; its raters did vote, so
        # its weight is always shared out over the other groups, whatever the policy.
        empty = [group for group, votes in absent if not votes.count]
        if empty and spec.empty_group is EmptyGroupPolicy.FAIL:
            message = f"评委组{_quoted(group.name for group in empty)}没有有效票,按方案规定不出结果"
            return self._without_score(unit, counts, notes, message, FlagCode.EMPTY_RATER_GROUP)
        present_weight = self.total_weight if not absent else sum((group.weight for group, _ in present), _ZERO)
        if present_weight <= 0:
            message = "有票的评委组权重合计为 0,不出结果"
            return self._without_score(unit, counts, notes, message, FlagCode.EMPTY_RATER_GROUP)
        return self._scored(unit, counts, notes, present, absent, present_weight)

    def _untrimmed(self, by_group: list[list[_Vote]], valid: int) -> bool:
        """True when every group has votes and the trimmed mean drops none of them: the
        common case, which ``_scored_untrimmed`` adds up without the general machinery."""
        if self.full_weights is None:
            return False
        limit = self.trim_limit
        if limit is None:
            return all(by_group)
        if self.trim_overall:
            return valid <= limit and all(by_group)
        return all(votes and len(votes) <= limit for votes in by_group)

    def _scored_untrimmed(
        self, unit: Unit, counts: tuple[tuple[str, int], ...], notes: str, by_group: list[list[_Vote]]
    ) -> RatingResult:
        """``_scored`` for a unit whose groups all have votes and lose none to trimming; it
        gives the same numbers and words (tests/engine/test_perf_equivalence.py)."""
        raw = _ZERO
        group_ratings: list[GroupRating] = []
        display = self.value_display
        assert self.full_weights is not None  # checked by _untrimmed
        for group, votes, (weight, _text) in zip(self.spec.groups, by_group, self.full_weights, strict=True):
            count = len(votes)
            mean = sum(map(_VALUE, votes), _ZERO) / count
            raw += mean * weight
            shown_mean = display.apply(mean)
            group_ratings.append(_new_group_rating(group.id, group.name, group.weight, count, shown_mean, ()))
        raw /= _HUNDRED
        # the terms are worded when the explanation is read (``_untrimmed_terms``)
        return self._result(unit, counts, notes, raw, group_ratings, None, "")

    def _untrimmed_terms(self, group_ratings: tuple[GroupRating, ...]) -> list[str]:
        assert self.full_weights is not None
        return [
            f"{rating.name} {rating.valid_ballots}票 均分 {rating.mean:f}{weight_text}"
            for rating, (_weight, weight_text) in zip(group_ratings, self.full_weights, strict=True)
        ]

    def _without_score(
        self, unit: Unit, counts: tuple[tuple[str, int], ...], notes: str, message: str, code: FlagCode
    ) -> RatingResult:
        flag = Flag(code, f"{unit.name}“{self.component.name}”:{message}", self.component.id)
        return RatingResult(unit.id, None, None, (), counts, f"{message}。{notes}", (flag,))

    def _scored(
        self,
        unit: Unit,
        counts: tuple[tuple[str, int], ...],
        notes: str,
        present: list[tuple[RaterGroup, _Trimmed]],
        absent: list[tuple[RaterGroup, _Trimmed]],
        present_weight: Decimal,
    ) -> RatingResult:
        raw = _ZERO
        group_ratings: list[GroupRating] = []
        terms: list[str] = []
        for group, votes in present:
            mean = sum([v[0] for v in votes.kept], _ZERO) / len(votes.kept)
            weight, weight_text = self._weight(group, present_weight, bool(absent))
            raw += mean * weight
            shown_mean = self.value_display.apply(mean)
            dropped = tuple(sorted([v[0] for v in votes.dropped])) if votes.low or votes.high else ()
            # Stored for display: the scheme's weight, or the shared-out weight to 0.01.
            shown_weight = _DISPLAY.apply(weight) if absent else group.weight
            group_ratings.append(GroupRating(group.id, group.name, shown_weight, votes.count, shown_mean, dropped))
            terms.append(f"{group.name} {votes.count}票{_removed_text(votes)} 均分 {shown_mean:f}{weight_text}")
        raw /= _HUNDRED
        for group, votes in absent:
            dropped = tuple(sorted(v[0] for v in votes.dropped))
            group_ratings.append(GroupRating(group.id, group.name, _ZERO, votes.count, None, dropped))
        return self._result(
            unit, counts, notes, raw, group_ratings, terms, self._renormalized_note(absent) if absent else ""
        )

    def _result(
        self,
        unit: Unit,
        counts: tuple[tuple[str, int], ...],
        notes: str,
        raw: Decimal,
        group_ratings: list[GroupRating],
        terms: list[str] | None,
        renormalized_note: str,
    ) -> RatingResult:
        """``terms`` None: the untrimmed wording, made from ``group_ratings`` when read."""
        unrounded = raw * self.score_factor
        score = self.rounding.rating.apply(unrounded) if self.rounding.rating else unrounded
        shown_raw = self.value_display.apply(raw)
        groups = tuple(group_ratings)
        text = lazy_text(self._explanation, groups, terms, raw, score, renormalized_note, notes)
        return _new_rating_result(unit.id, score, shown_raw, groups, counts, text, ())

    def _explanation(
        self,
        groups: tuple[GroupRating, ...],
        terms: list[str] | None,
        raw: Decimal,
        score: Decimal,
        renormalized_note: str,
        notes: str,
    ) -> str:
        if terms is None:
            terms = self._untrimmed_terms(groups)
        if self.coefficient:
            formula = f"系数 {fixed(raw, _COEFFICIENT_DISPLAY)}{self.formula_tail}"
        else:
            formula = f"{fixed(raw)}{self.formula_tail}"
        explanation = f"{' + '.join(terms)} = {formula} → {self._shown_score(score)}/{self.points_text}"
        return f"{explanation}{renormalized_note}。{notes}"

    def _weight(self, group: RaterGroup, present_weight: Decimal, renormalized: bool) -> tuple[Decimal, str]:
        """The group's effective weight (percent) and how the explanation shows it; cached."""
        key = (group.id, present_weight, renormalized)
        cached = self._weights.get(key)
        if cached is None:
            weight = group.weight * _HUNDRED / present_weight
            text = f" × {fmt(_DISPLAY.apply(weight))}%"
            if renormalized:
                text += f"(原 {fmt(group.weight)}%)"
            cached = self._weights.setdefault(key, (weight, text))
        return cached

    def _renormalized_note(self, absent: list[tuple[RaterGroup, _Trimmed]]) -> str:
        reasons = []
        empty = _quoted(group.name for group, votes in absent if not votes.count)
        if empty:
            reasons.append(f"评委组{empty}没有有效票")
        for group, votes in absent:
            if votes.count:
                values = "、".join(fmt(v[0]) for v in sorted(votes.dropped))
                reasons.append(f"评委组“{group.name}”的 {votes.count} 票({values})在整体去掉最高最低分时全部去掉")
        return f"({';'.join(reasons)},其余评委组的权重按比例放大到合计 100%)"

    def _shown_score(self, score: Decimal) -> str:
        # A rounded score is shown exactly as it counts; an unrounded one to two places.
        return format(score, "f") if self.rounding.rating is not None else fixed(score)

    def _notes(self, tally: _UnitTally, counts: tuple[tuple[str, int], ...]) -> str:
        notes = ["等次票数:" + "、".join([f"{name} {count}" for name, count in counts])]
        abstain_label = self.spec.scale.abstain or "弃权"
        if tally.abstentions:
            notes.append(f"{abstain_label} {tally.abstentions} 票不计")
        if tally.own_unit:
            notes.append(f"本单位评委 {tally.own_unit} 票不计入")
        if tally.invalid:
            notes.append(f"无效选票上的 {tally.invalid} 票不计入")
        return ";".join(notes)


def aggregate(
    component: Component,
    ballots: Sequence[Ballot],
    units: Sequence[Unit],
    rounding: RoundingPolicy,
) -> RatingOutcome:
    """Score every unit of a rating component from its ballots (see the module docstring)."""
    return aggregate_batches(component, (ballots,), units, rounding).outcome


@dataclass(frozen=True, slots=True)
class BatchedOutcome:
    """``aggregate_batches``' answer: the outcome, and what a next call reuses."""

    outcome: RatingOutcome
    units: tuple[Unit, ...]
    counted: tuple[tuple[Sequence[Ballot], _BatchCount], ...]
    engine: _Aggregator


def aggregate_batches(
    component: Component,
    batches: Sequence[Sequence[Ballot]],
    units: Sequence[Unit],
    rounding: RoundingPolicy,
    previous: BatchedOutcome | None = None,
) -> BatchedOutcome:
    """``aggregate`` of every batch's ballots, where no sheet spans two batches (a rating
    session's ballots are one batch: its sheet keys name it).

    With ``previous``, the answer for the same component, rounding and units, a batch that is the
    very same object as one counted then is not counted again, and only the units that a new or
    a dropped batch touches are scored again; every other unit keeps its result. A live rating
    closes one unit after another in one session while the other sessions' ballots stay: at
    200,000 ballots, counting them all again was most of the recompute after each close. A unit's
    result does not depend on the order of its votes, so the answer is ``aggregate``'s."""
    units = tuple(units)
    kept = (
        previous
        if previous is not None
        and previous.engine.component is component
        and previous.engine.rounding is rounding
        and previous.units == units
        else None
    )
    engine = kept.engine if kept is not None else _Aggregator(component, rounding)
    labels = {unit.id: unit.name for unit in units}
    before = {id(batch): (batch, count) for batch, count in kept.counted} if kept is not None else {}
    counted: list[tuple[Sequence[Ballot], _BatchCount]] = []
    rescored: set[str] = set()
    for batch in batches:
        batch_and_count = before.pop(id(batch), None)
        if batch_and_count is None or batch_and_count[0] is not batch:
            batch_and_count = (batch, _count_batch(engine, batch, labels))
            rescored.update(batch_and_count[1].tallies)
        counted.append(batch_and_count)
    for _batch, gone in before.values():
        rescored.update(gone.tallies)
    if kept is not None:
        results = dict(kept.outcome.results)
        to_score = [unit for unit in units if unit.id in rescored]
    else:
        results, to_score = {}, list(units)
    parts: dict[str, list[_UnitTally]] = {unit.id: [] for unit in to_score}
    for _batch, count in counted:
        for unit_id, tally in count.tallies.items():
            of_unit = parts.get(unit_id)
            if of_unit is not None:
                of_unit.append(tally)
    group_count = len(engine.spec.groups)
    for unit in to_score:
        results[unit.id] = engine.unit_result(unit, _merged(parts[unit.id], group_count))
    outcome = RatingOutcome(results, _batch_flags(component, counted))
    return BatchedOutcome(outcome, units, tuple(counted), engine)


@dataclass(slots=True)
class _BatchCount:
    """What one batch of ballots gives: each unit it names its part of the tally, its invalid
    sheets' flags by sheet key, and how many ballots name a unit outside the component."""

    tallies: dict[str, _UnitTally]
    flags: list[tuple[str, Flag]]
    outside: int


def _count_batch(engine: _Aggregator, ballots: Sequence[Ballot], labels: Mapping[str, str]) -> _BatchCount:
    group_count = len(engine.spec.groups)
    tallies: dict[str, _UnitTally] = {}
    sheets: dict[str, list[Ballot]] = defaultdict(list)
    outside = 0
    component_id = engine.component.id
    for ballot in ballots:
        if ballot.component_id != component_id:
            continue
        target = ballot.target_unit
        tally = tallies.get(target)
        if tally is None:
            if target not in labels:
                outside += 1
                continue
            tally = tallies[target] = _UnitTally([[] for _ in range(group_count)], {})
        if ballot.rater_unit is not None and ballot.rater_unit == target:
            tally.own_unit += 1
        else:
            key = ballot.sheet
            sheets[f"{ballot.rater_id}@{ballot.rater_group}" if key is None else key].append(ballot)
    flags: list[tuple[str, Flag]] = []
    for key in sorted(sheets):
        sheet = sheets[key]
        if _count_clean_sheet(engine, key, sheet, tallies):
            continue
        reading = engine.read_sheet(sheet, labels)
        if reading.problems:
            for ballot in sheet:
                tallies[ballot.target_unit].invalid += 1
            flags.append((key, _invalid_flag(engine.component, key, sheet, reading.problems)))
        else:
            _count_sheet(engine, key, sheet, reading, tallies)
    return _BatchCount(tallies, flags, outside)


def _merged(parts: list[_UnitTally], group_count: int) -> _UnitTally:
    """A unit's tally from its parts in several batches (none: no ballot)."""
    if len(parts) == 1:
        return parts[0]
    merged = _UnitTally([[] for _ in range(group_count)], {})
    for part in parts:
        for votes, more in zip(merged.by_group, part.by_group, strict=True):
            votes.extend(more)
        for name, count in part.grade_counts.items():
            merged.grade_counts[name] = merged.grade_counts.get(name, 0) + count
        merged.abstentions += part.abstentions
        merged.own_unit += part.own_unit
        merged.invalid += part.invalid
    return merged


def _batch_flags(component: Component, counted: Sequence[tuple[Sequence[Ballot], _BatchCount]]) -> tuple[Flag, ...]:
    """Ballots outside the component's units first, then invalid sheets in their keys' order."""
    flags: list[Flag] = []
    outside = sum(count.outside for _batch, count in counted)
    if outside:
        flags.append(
            Flag(
                FlagCode.OUT_OF_RANGE,
                f"{component.name}:{outside} 票评价的单位不在本项目的参评单位中,已忽略",
                component.id,
            )
        )
    invalid = sorted((pair for _batch, count in counted for pair in count.flags), key=itemgetter(0))
    flags.extend(flag for _key, flag in invalid)
    return tuple(flags)


def _invalid_flag(component: Component, key: str, sheet: list[Ballot], problems: list[str]) -> Flag:
    names = sorted({ballot.rater_id for ballot in sheet})
    label = f"({key})" if _key_tells_more(key, sheet, names) else ""
    return Flag(
        FlagCode.INVALID_BALLOT,
        f"{component.name}:评委 {'、'.join(names)} 的选票{label}无效,整张不计:" + ";".join(problems),
        component.id,
    )


def _key_tells_more(key: str, sheet: list[Ballot], raters: list[str]) -> bool:
    """Whether a sheet's key is worth showing beside its raters' names: only a key the caller gave
    (a paper sheet's number), and not one spelled from a rater's name (a live session's sheet hash,
    whose rater name is its first digits). The engine's own key, rater@group, holds the group's
    code, which no reader should see."""
    return sheet[0].sheet is not None and not any(key.startswith(name) for name in raters)


def _count_clean_sheet(engine: _Aggregator, key: str, sheet: list[Ballot], tallies: dict[str, _UnitTally]) -> bool:
    """Count a sheet in one pass if it plainly has no problem: known groups and grades, no
    chosen points, no unit twice, quotas kept, not all identical. The usual sheet; it is
    counted exactly as ``read_sheet`` + ``_count_sheet`` would. False (nothing counted) for
    any other sheet, which then takes the general path that words its problems."""
    grades = engine.grades
    group_of = engine.group_index.get
    abstain = engine.spec.scale.abstain
    votes: list[tuple[_UnitTally, str, _Vote]] = []
    add_vote = votes.append
    abstained: list[_UnitTally] = []
    targets: set[str] = set()
    add_target = targets.add
    for ballot in sheet:
        group = group_of(ballot.rater_group)
        if group is None or ballot.points is not None:
            return False
        target = ballot.target_unit
        add_target(target)
        grade_name = ballot.grade
        if grade_name is None or grade_name == abstain:
            abstained.append(tallies[target])
            continue
        grade = grades.get(grade_name)
        if grade is None:
            return False
        add_vote((tallies[target], grade_name, (grade.value, group, ballot.rater_id, key)))
    if len(targets) != len(sheet):
        return False
    rules = engine.spec.ballot_rules
    # Without chosen points a vote's value follows from its grade: identical grades = identical votes.
    if rules.all_identical_invalid and len(votes) >= 2:
        first = votes[0][1]
        if all(vote[1] == first for vote in votes):
            return False
    if rules.quotas:
        graded = Counter(name for _, name, _ in votes)
        for quota in rules.quotas:
            if _quota_problems(quota, sum(graded[name] for name in quota.grades), len(sheet)):
                return False
    for tally, grade_name, vote in votes:
        counts = tally.grade_counts
        counts[grade_name] = counts.get(grade_name, 0) + 1
        tally.by_group[vote[1]].append(vote)
    for tally in abstained:
        tally.abstentions += 1
    return True


def _count_sheet(
    engine: _Aggregator, key: str, sheet: list[Ballot], reading: _SheetReading, tallies: dict[str, _UnitTally]
) -> None:
    group_index = engine.group_index
    for index, grade_name, value in reading.votes:
        ballot = sheet[index]
        tally = tallies[ballot.target_unit]
        tally.grade_counts[grade_name] = tally.grade_counts.get(grade_name, 0) + 1
        group = group_index[ballot.rater_group]
        tally.by_group[group].append((value, group, ballot.rater_id, key))
    for index in reading.abstained:
        tallies[sheet[index].target_unit].abstentions += 1


def top_share(result: RatingResult, top_grades: Iterable[str]) -> Decimal | None:
    """Percent of a unit's valid ballots that gave one of ``top_grades`` (优秀率); None if none."""
    wanted = set(top_grades)
    total = sum(count for _, count in result.grade_counts)
    if total == 0:
        return None
    top = sum(count for name, count in result.grade_counts if name in wanted)
    return Decimal(top) * _HUNDRED / Decimal(total)
