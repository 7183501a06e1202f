"""Orchestrates a whole campaign: items → components → conversion → totals → grades → ranks.

For each component, the units of the categories that take it are scored together (conversion
and rating compare units with each other):

- INDICATORS: each unit's indicator tree (``engine.items``) gives the raw score;
- RATING: ``rating.aggregate`` gives the score on the component's points;
- IMPORTED: the imported raw score.

If the component has a conversion, the raw scores are converted (``conversion.convert``);
then the component score is rounded by ``rounding.component``. A veto item with
``effect: zero_component`` sets its component to 0. A unit's total is the sum of its
category's components, rounded by ``rounding.total``; any missing component leaves the total
missing. Triggered veto/downgrade/not-excellent items are passed to grading as modifiers;
a vetoed unit gets no star. Ranks are given within each category.

``score(..., memo=IndicatorMemo())`` lets a caller that scores the same campaign again and again
(the web app after each saved score) reuse a unit's indicator-tree outcome when that unit's item
inputs are *exactly* those of the previous run with the same scheme object. Reuse is decided by
comparing the inputs (never by being told what changed), so it is correct by construction. The
cross-unit stages are reused the same way, from what they are made of: a rating's ballots counted
again only in batches that changed, a conversion always done again, and a category's totals,
grades with quotas and ranks kept when all of its units' component results are the same objects
(see ``IndicatorMemo``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import attrgetter, is_

from kaoping.engine import conversion, grading, rating
from kaoping.engine.inputs import ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.items import CompiledTree, TreeOutcome, compile_tree, score_run, score_tree
from kaoping.engine.model import (
    GRADE_MODIFIERS,
    Component,
    ComponentMethod,
    Modifier,
    Rounding,
    Scheme,
    TieBreakKind,
)
from kaoping.engine.numbers import fmt
from kaoping.engine.results import (
    CampaignResult,
    ComponentResult,
    Flag,
    FlagCode,
    ItemResult,
    RatingResult,
    UnitResult,
    lazy_text,
    rendered,
    same_text,
    slot_constructor,
    unrendered_reader,
)
from kaoping.engine.rules import RuleError

ZERO = Decimal(0)
_unit_of = attrgetter("unit_id")
_item_of = attrgetter("item_id")

# One unit's item inputs: the run in which they arrived (usually all of them, in the scheme's
# order; a tuple when the caller grouped them, ``Inputs.unit_items``), or item id → input when
# they came in several runs.
UnitItems = list[ItemInput] | tuple[ItemInput, ...] | Mapping[str, ItemInput]


class ScoringError(ValueError):
    """The scheme and inputs cannot be scored together; ``problems`` are Chinese messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(";".join(problems))
        self.problems = problems


@dataclass(slots=True)
class _UnitState:
    unit: Unit
    components: dict[str, ComponentResult] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    modifiers: set[str] = field(default_factory=set)


# What a unit's component result is made of: raw score, explanation, items, rating, zeroed.
_MadeOf = tuple[Decimal | None, str, tuple[ItemResult, ...], RatingResult | None, bool]
# A unit's component result and what it was made of.
_KeptComponent = tuple[_MadeOf, ComponentResult]

# What a unit's result in the cross-unit stage is made of, besides the scheme and its category's
# other units: the unit, its component results in the category's order, its modifiers and flags.
_FinalInputs = tuple[Unit, tuple[ComponentResult, ...], frozenset[str], tuple[Flag, ...]]


@dataclass(frozen=True, slots=True)
class _Before:
    """The memo's component and category results of the previous run (empty without one)."""

    components: Mapping[tuple[str, str], _KeptComponent] = field(default_factory=dict)
    categories: Mapping[str, tuple[tuple[_FinalInputs, ...], tuple[UnitResult, ...]]] = field(default_factory=dict)


@dataclass(slots=True)
class _Raw:
    """A component's result for one unit before conversion and rounding."""

    raw: Decimal | None
    explanation: str
    items: tuple[ItemResult, ...] = ()
    rating: RatingResult | None = None
    zeroed: bool = False


class IndicatorMemo:
    """Indicator-tree outcomes of the previous ``score()`` run, to reuse when inputs are unchanged.

    An entry is reused only for the same ``Scheme`` object (a new scheme, or a new parse of it,
    empties the memo) and when the unit's item inputs equal the remembered ones item for item:
    the same object, or an equal ``repr`` (exact: ``Decimal("1.0")`` and ``Decimal("1")`` differ,
    ``True`` and ``1`` differ). ``hits`` and ``misses`` count the last run's units. Not
    thread-safe: one run at a time per memo.

    A rating component's aggregate is reused for equal units: a batch of ballots (``Inputs.
    ballot_batches``, or all of ``Inputs.ballots``) that is the very same object as in the previous
    run is not counted again, and only the units a new batch touches are scored again (a caller
    passes each batch it did not reload as the tuple it passed before): re-aggregating 200,000
    ballots was most of a one-score recompute, and of the recompute after a live rating's close.

    A unit's component result is reused when it is made of the very same objects as before (its
    raw score, explanation, items and rating; not after a conversion, which compares units), and a
    category's unit results (totals, grades with quotas, ranks, stars and their reasons) when every
    unit of the category has the same unit, the same component results, modifiers and flags as
    before: those are all a category's results depend on, besides the scheme. A changed score then
    redoes its own category only, and a caller comparing results finds the others by identity.
    """

    __slots__ = ("categories", "components", "entries", "hits", "misses", "ratings", "scheme")

    def __init__(self) -> None:
        self.scheme: Scheme | None = None
        self.entries: dict[tuple[str, str], tuple[UnitItems, TreeOutcome]] = {}
        self.ratings: dict[str, rating.BatchedOutcome] = {}
        self.components: dict[tuple[str, str], _KeptComponent] = {}
        self.categories: dict[str, tuple[tuple[_FinalInputs, ...], tuple[UnitResult, ...]]] = {}
        self.hits = 0
        self.misses = 0


def _same_inputs(old: UnitItems, new: UnitItems) -> bool:
    if old is new:
        return True
    if not isinstance(old, Mapping) and not isinstance(new, Mapping):
        # two runs: item by item (equal runs are equal mappings; a reordered run is a miss)
        if len(old) != len(new):
            return False
        if all(map(is_, old, new)):
            return True
        return all(before is value or repr(before) == repr(value) for before, value in zip(old, new, strict=True))
    old, new = _as_mapping(old), _as_mapping(new)
    if len(old) != len(new):
        return False
    for item_id, value in new.items():
        before = old.get(item_id)
        if before is value:
            continue
        if before is None or repr(before) != repr(value):
            return False
    return True


def score(scheme: Scheme, inputs: Inputs, *, memo: IndicatorMemo | None = None) -> CampaignResult:
    """Score every unit of ``inputs`` by ``scheme``. Raises ScoringError (or RuleError for a
    rule that cannot be compiled) with Chinese messages when they do not fit together.

    With ``memo``, indicator outcomes of units whose inputs are unchanged since the previous run
    with that memo are reused (see ``IndicatorMemo``); the result is identical either way.

    The garbage collector is the caller's business: a province-scale run allocates millions of
    small objects and no reference cycles, so a caller scoring a large campaign may pause the
    cyclic collector around the call (``gc.disable()`` … ``gc.enable()``; a third of the run time
    at 20,000 units); the engine never switches it."""
    _check_units(scheme, inputs.units)
    previous: dict[tuple[str, str], tuple[UnitItems, TreeOutcome]] = {}
    previous_ratings: dict[str, rating.BatchedOutcome] = {}
    before = _Before()
    if memo is not None:
        if memo.scheme is scheme:
            previous, previous_ratings = memo.entries, memo.ratings
            before = _Before(memo.components, memo.categories)
        memo.scheme = scheme
        memo.entries, memo.ratings, memo.components, memo.categories = {}, {}, {}, {}
        memo.hits = memo.misses = 0
    trees = _compile_trees(scheme)
    states = {unit.id: _UnitState(unit) for unit in inputs.units}
    campaign_flags: list[Flag] = []
    given: Mapping[str, UnitItems] = {}
    if trees:
        given = _group_items(inputs.items) if inputs.unit_items is None else inputs.unit_items
    as_scored = dict(given)  # a unit's inputs as a mapping once a tree needed them so
    imported = {(score.unit_id, score.component_id): score for score in inputs.imported}

    for component in scheme.components:
        units = _units_taking(scheme, component, inputs.units)
        if not units:
            continue
        if component.method is ComponentMethod.INDICATORS:
            raws = _indicator_raws(trees[component.id], units, given, as_scored, states, previous, memo)
        elif component.method is ComponentMethod.RATING:
            outcome = _aggregate(component, units, inputs, scheme, previous_ratings, memo)
            raws = _rating_raws(units, outcome, states, campaign_flags)
        else:
            raws = _imported_raws(component, units, imported, states)
        _finish_component(scheme, component, units, raws, imported, states, before, memo)

    unit_results = _totals_grades_ranks(scheme, list(states.values()), before, memo)
    return CampaignResult(
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        units=unit_results,
        flags=tuple(campaign_flags),
    )


def _check_units(scheme: Scheme, units: Sequence[Unit]) -> None:
    known = {category.id for category in scheme.categories}
    problems = [
        f"单位 {unit.name}({unit.id})的类别 '{unit.category}' 不在考核方案的类别中"
        for unit in units
        if unit.category not in known
    ]
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            problems.append(f"单位编号 {unit.id} 重复")
        seen.add(unit.id)
    component_ids = {component.id for component in scheme.components}
    for category in scheme.categories:
        problems.extend(
            f"类别 {category.name} 引用了不存在的考核项目 '{ref}'"
            for ref in category.components
            if ref not in component_ids
        )
    if problems:
        raise ScoringError(problems)


def _compile_trees(scheme: Scheme) -> dict[str, CompiledTree]:
    trees: dict[str, CompiledTree] = {}
    problems: list[str] = []
    for component in scheme.components:
        if component.method is ComponentMethod.INDICATORS:
            try:
                trees[component.id] = compile_tree(component, scheme)
            except RuleError as error:
                problems.extend(error.problems)
    if problems:
        raise RuleError(problems)
    return trees


def _group_items(items: Iterable[ItemInput]) -> dict[str, UnitItems]:
    """unit id → its inputs. Inputs usually arrive unit by unit (the results loader gives each
    unit's items in the scheme's order), so each unit's run is kept as it came; a unit whose
    items come in several runs gets item id → input (a later input of an item wins)."""
    by_unit: dict[str, UnitItems] = {}
    for unit_id, run in groupby(items, _unit_of):
        group = list(run)
        before = by_unit.get(unit_id)
        if before is None:
            by_unit[unit_id] = group
        else:
            by_unit[unit_id] = {**_as_mapping(before), **_as_mapping(group)}
    return by_unit


def _as_mapping(items: UnitItems) -> Mapping[str, ItemInput]:
    """item id → input (the last one of an id, as the run gives them)."""
    if isinstance(items, Mapping):
        return items
    return dict(zip(map(_item_of, items), items, strict=True))


def _units_taking(scheme: Scheme, component: Component, units: Sequence[Unit]) -> list[Unit]:
    categories = {c.id for c in scheme.categories if component.id in c.components}
    return [unit for unit in units if unit.category in categories]


def _indicator_raws(
    tree: CompiledTree,
    units: Sequence[Unit],
    given: Mapping[str, UnitItems],
    as_scored: dict[str, UnitItems],
    states: Mapping[str, _UnitState],
    previous: Mapping[tuple[str, str], tuple[UnitItems, TreeOutcome]] | None = None,
    memo: IndicatorMemo | None = None,
) -> dict[str, _Raw]:
    """``given``: each unit's inputs as the caller gave them; ``as_scored``: as scored so far (a
    mapping once a tree needed one). The memo remembers them as given, so that a caller's
    unchanged tuple is known by its identity in the next run without looking at its items."""
    empty: dict[str, ItemInput] = {}
    raws: dict[str, _Raw] = {}
    component_id = tree.component.id
    for unit in units:
        unit_inputs = given.get(unit.id, empty)
        before = previous.get((component_id, unit.id)) if previous else None
        if before is not None and before[0] is unit_inputs:
            outcome = before[1]
        else:
            known = as_scored.get(unit.id, empty)
            scored, outcome = _tree_outcome(tree, known, before)
            if scored is not known:  # made a mapping: the unit's other components use it too
                as_scored[unit.id] = scored
        if memo is not None:
            if before is not None and outcome is before[1]:
                memo.hits += 1
            else:
                memo.misses += 1
            memo.entries[(component_id, unit.id)] = (unit_inputs, outcome)
        state = states[unit.id]
        if outcome.flags:
            state.flags.extend(outcome.flags)
        zeroed = False
        for effect in outcome.effects:
            if effect == Modifier.ZERO_COMPONENT:
                zeroed = True
            elif effect in GRADE_MODIFIERS:
                state.modifiers.add(effect)
        raws[unit.id] = _Raw(outcome.score, outcome.explanation, outcome.items, zeroed=zeroed)
    return raws


def _tree_outcome(
    tree: CompiledTree, unit_inputs: UnitItems, before: tuple[UnitItems, TreeOutcome] | None
) -> tuple[UnitItems, TreeOutcome]:
    """The unit's inputs as scored (a run in the tree's leaf order as it is, anything else as a
    mapping) and their outcome: the remembered one when the inputs are equal to ``before``'s."""
    plan = tree.plan
    as_run = not isinstance(unit_inputs, Mapping) and plan is not None and list(map(_item_of, unit_inputs)) == plan.ids
    if not isinstance(unit_inputs, Mapping) and not as_run:
        unit_inputs = _as_mapping(unit_inputs)
    if before is not None and _same_inputs(before[0], unit_inputs):
        return unit_inputs, before[1]
    outcome = score_run(tree, unit_inputs) if as_run else score_tree(tree, unit_inputs)  # type: ignore[arg-type]
    return unit_inputs, outcome


def _aggregate(
    component: Component,
    units: Sequence[Unit],
    inputs: Inputs,
    scheme: Scheme,
    previous: Mapping[str, rating.BatchedOutcome],
    memo: IndicatorMemo | None,
) -> rating.RatingOutcome:
    """The component's rating aggregate; with the memo, only new batches of ballots are counted
    and only the units they touch scored again (``rating.aggregate_batches``)."""
    batches = inputs.ballot_batches if inputs.ballot_batches is not None else (inputs.ballots,)
    answer = rating.aggregate_batches(component, batches, units, scheme.rounding, previous.get(component.id))
    if memo is not None:
        memo.ratings[component.id] = answer
    return answer.outcome


def _rating_raws(
    units: Sequence[Unit],
    outcome: rating.RatingOutcome,
    states: Mapping[str, _UnitState],
    campaign_flags: list[Flag],
) -> dict[str, _Raw]:
    campaign_flags.extend(outcome.flags)
    raws: dict[str, _Raw] = {}
    for unit in units:
        result = outcome.results.get(unit.id)
        if result is None:
            raws[unit.id] = _Raw(None, "缺失:无测评结果")
            continue
        states[unit.id].flags.extend(result.flags)
        raws[unit.id] = _Raw(result.score, _rating_text(result), rating=result)
    return raws


def _imported_raws(
    component: Component,
    units: Sequence[Unit],
    imported: Mapping[tuple[str, str], ImportedScore],
    states: Mapping[str, _UnitState],
) -> dict[str, _Raw]:
    raws: dict[str, _Raw] = {}
    for unit in units:
        entry = imported.get((unit.id, component.id))
        if entry is None:
            states[unit.id].flags.append(
                Flag(FlagCode.MISSING_INPUT, f"{component.name}:缺少导入的原始分", component.id)
            )
            raws[unit.id] = _Raw(None, "缺失:未导入原始分")
        else:
            raws[unit.id] = _Raw(entry.raw, f"导入原始分 {fmt(entry.raw)}")
    return raws


def _finish_component(
    scheme: Scheme,
    component: Component,
    units: Sequence[Unit],
    raws: Mapping[str, _Raw],
    imported: Mapping[tuple[str, str], ImportedScore],
    states: Mapping[str, _UnitState],
    before: _Before,
    memo: IndicatorMemo | None,
) -> None:
    converted: dict[str, conversion.Converted] | None = None
    if component.conversion is not None:
        converted = _convert(scheme, component, units, raws, imported)
    rounding = scheme.rounding.component
    component_id, name, points = component.id, component.name, component.points
    for unit in units:
        raw = raws[unit.id]
        made_of: _MadeOf = (raw.raw, raw.explanation, raw.items, raw.rating, raw.zeroed)
        if converted is None:
            kept = before.components.get((component_id, unit.id))
            if kept is not None and _made_of_same(kept[0], made_of):
                states[unit.id].components[component_id] = kept[1]
                if memo is not None:
                    memo.components[(component_id, unit.id)] = kept
                continue
        score = raw.raw
        text = raw.explanation  # may be lazy (a rating's): passed on unformatted
        if converted is not None:
            outcome = converted[unit.id]
            score = outcome.score
            text = lazy_text(_followed_by, text, f";折算:{outcome.explanation}")
        if raw.zeroed:
            score = ZERO
            text = lazy_text(_followed_by, text, ";触发一票否决,本项目计0分")
        if score is not None and rounding is not None:
            score = rounding.apply(score)
        result = _new_component_result(component_id, name, score, points, text, raw.raw, raw.items, raw.rating)
        states[unit.id].components[component_id] = result
        if memo is not None and converted is None:
            memo.components[(component_id, unit.id)] = (made_of, result)


def _made_of_same(kept: _MadeOf, made_of: _MadeOf) -> bool:
    """A kept component result's parts are the very objects now given (its explanation may have
    been rendered since: ``same_text``)."""
    return (
        kept[0] is made_of[0]
        and same_text(kept[1], made_of[1])
        and kept[2] is made_of[2]
        and kept[3] is made_of[3]
        and kept[4] is made_of[4]
    )


_new_component_result = slot_constructor(
    ComponentResult, ("component_id", "name", "score", "max", "explanation", "raw", "items", "rating")
)


# lazy texts passed on unformatted (engine.results.unrendered)
_rating_text = unrendered_reader(RatingResult, "explanation")
_grade_text = unrendered_reader(grading.GradeOutcome, "explanation")
_rank_text = unrendered_reader(grading.RankOutcome, "explanation")


def _followed_by(text: str, more: str) -> str:
    return f"{rendered(text)}{more}"


def _convert(
    scheme: Scheme,
    component: Component,
    units: Sequence[Unit],
    raws: Mapping[str, _Raw],
    imported: Mapping[tuple[str, str], ImportedScore],
) -> dict[str, conversion.Converted]:
    spec = component.conversion
    assert spec is not None
    top_shares: dict[str, Decimal | None] | None = None
    if spec.top_grades:
        top_shares = {
            unit.id: None if (result := raws[unit.id].rating) is None else rating.top_share(result, spec.top_grades)
            for unit in units
        }
    raw_maxes = {
        unit.id: entry.raw_max
        for unit in units
        if (entry := imported.get((unit.id, component.id))) is not None and entry.raw_max is not None
    }
    return conversion.convert(
        component,
        {unit.id: raws[unit.id].raw for unit in units},
        {unit.id: unit.category for unit in units},
        top_shares=top_shares,
        rounding=scheme.rounding.conversion,
        raw_maxes=raw_maxes or None,
    )


def _round(value: Decimal | None, rounding: Rounding | None) -> Decimal | None:
    if value is None or rounding is None:
        return value
    return rounding.apply(value)


def _total(state: _UnitState, order: tuple[str, ...], rounding: Rounding | None) -> Decimal | None:
    total = ZERO
    components = state.components
    for component_id in order:
        result = components.get(component_id)
        if result is None or result.score is None:
            return None
        total += result.score
    return total if rounding is None else rounding.apply(total)


_new_unit_result = slot_constructor(
    UnitResult,
    (
        "unit_id",
        "name",
        "category",
        "total",
        "max",
        "grade",
        "stars",
        "rank",
        "components",
        "flags",
        "grade_explanation",
        "rank_explanation",
    ),
)


def _totals_grades_ranks(
    scheme: Scheme, states: list[_UnitState], before: _Before, memo: IndicatorMemo | None
) -> tuple[UnitResult, ...]:
    """Every unit's result, category by category in the scheme's order, each by rank. A category
    whose units' final inputs are all the same as in the memo's previous run keeps its results."""
    members: dict[str, list[_UnitState]] = {category.id: [] for category in scheme.categories}
    for state in states:
        members[state.unit.category].append(state)
    results: list[UnitResult] = []
    for category in scheme.categories:
        group = members[category.id]
        finals = tuple(_final_inputs(state, category.components) for state in group)
        kept = before.categories.get(category.id)
        if kept is not None and _same_finals(kept[0], finals):
            category_results = kept[1]
        else:
            category_results = _category_results(scheme, category.id, category.components, group)
        if memo is not None:
            memo.categories[category.id] = (finals, category_results)
        results.extend(category_results)
    return tuple(results)


def _final_inputs(state: _UnitState, order: tuple[str, ...]) -> _FinalInputs:
    components = state.components
    return (
        state.unit,
        tuple([components[c] for c in order if c in components]),
        frozenset(state.modifiers),
        tuple(state.flags),
    )


def _same_finals(old: tuple[_FinalInputs, ...], new: tuple[_FinalInputs, ...]) -> bool:
    if len(old) != len(new):
        return False
    for (unit, components, modifiers, flags), (unit2, components2, modifiers2, flags2) in zip(old, new, strict=True):
        if unit is not unit2 and unit != unit2:
            return False
        if len(components) != len(components2) or not all(map(is_, components, components2)):
            return False
        if modifiers != modifiers2 or flags != flags2:
            return False
    return True


def _category_results(
    scheme: Scheme, category_id: str, order: tuple[str, ...], states: list[_UnitState]
) -> tuple[UnitResult, ...]:
    """The results of one category's units (grades with quotas and ranks are per category)."""
    total_rounding = scheme.rounding.total
    totals = {state.unit.id: _total(state, order, total_rounding) for state in states}
    maximum = scheme.max_for(category_id)
    grades: dict[str, grading.GradeOutcome] = {}
    no_modifiers: frozenset[str] = frozenset()
    if scheme.grade_bands:
        grades = grading.grade_units(
            scheme,
            [
                grading.new_grading_entry(
                    state.unit.id,
                    category_id,
                    totals[state.unit.id],
                    maximum,
                    frozenset(state.modifiers) if state.modifiers else no_modifiers,
                )
                for state in states
            ],
        )
    entries = [
        grading.new_rank_entry(state.unit.id, totals[state.unit.id], _tie_keys(scheme, state)) for state in states
    ]
    ranks = grading.rank_units(scheme.ranking, entries)

    # stars: the tiers reached, best first (``grading.assign_stars``), looked up once per total
    stars: dict[Decimal, str | None] = {}
    results: list[UnitResult] = []
    for state in states:
        unit = state.unit
        unit_id = unit.id
        total = totals[unit_id]
        grade = grades.get(unit_id)
        rank = ranks.get(unit_id)
        star = None
        if scheme.stars and "veto" not in state.modifiers and total is not None:
            if total in stars:
                star = stars[total]
            else:
                tier = grading.assign_stars(scheme, total)
                star = stars[total] = tier.name if tier is not None else None
        components = state.components
        results.append(
            _new_unit_result(
                unit_id,
                unit.name,
                unit.category,
                total,
                maximum,
                grade.grade if grade is not None else None,
                star,
                rank.rank if rank is not None else None,
                tuple([components[c] for c in order if c in components]),
                tuple(state.flags) + grade.flags if grade is not None else tuple(state.flags),
                _grade_text(grade) if grade is not None else "",
                _rank_text(rank) if rank is not None else "",
            )
        )
    unit_order = {state.unit.id: index for index, state in enumerate(states)}
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, unit_order[r.unit_id]))
    return tuple(results)


def _tie_keys(scheme: Scheme, state: _UnitState) -> tuple[Decimal | None, ...]:
    keys: list[Decimal | None] = []
    for link in scheme.ranking.chain:
        if link.kind is TieBreakKind.COMPONENT:
            component = state.components.get(link.ref)
            keys.append(component.score if component is not None else None)
        elif link.kind is TieBreakKind.TOP_GRADE_COUNT:
            component = state.components.get(link.ref)
            counts = component.rating.grade_counts if component and component.rating else ()
            keys.append(Decimal(counts[0][1]) if counts else None)
        else:
            keys.append(_item_score(state, link.ref))
    return tuple(keys)


def _item_score(state: _UnitState, item_id: str) -> Decimal | None:
    stack: list[ItemResult] = [item for c in state.components.values() for item in c.items]
    while stack:
        item = stack.pop()
        if item.item_id == item_id:
            return item.score
        stack.extend(item.children)
    return None
