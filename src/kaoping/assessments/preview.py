"""A unit's self-score preview (自评总分) while its reporter fills in the self-assessment.

The unit's saved entries go through the engine exactly as the results do, with the self score as
the only basis: rule items are computed from their figures or level, not-applicable items follow
the scheme's policy, bonus and penalty items add or take off, and the scheme's rounding applies
(component and total rounding, 四舍五入 by default). Nothing is guessed: an item without what it
needs is *missing*, named, and makes its section and the total missing too (never counted as 0);
the preview still shows the sum of what is filled in so far.

Only indicator-table components are self-assessed; a live rating or an imported score is not part
of the unit's own total, and neither is a conversion that depends on other units' scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from kaoping.assessments import selectors
from kaoping.assessments.models import SelfAssessment
from kaoping.campaigns import hooks
from kaoping.campaigns.models import CampaignUnit
from kaoping.engine.inputs import ItemInput
from kaoping.engine.items import NOT_APPLICABLE, compile_tree, score_tree
from kaoping.engine.model import Modifier, Rounding, Scheme
from kaoping.engine.results import ItemResult
from kaoping.engine.rules import RuleError
from kaoping.engine.sources import source_key, source_of

ZERO = Decimal(0)
ZERO_COMPONENT = Modifier.ZERO_COMPONENT  # the engine's effect of a triggered veto on a component


@dataclass(frozen=True)
class Missing:
    item_id: str
    name: str


@dataclass(frozen=True)
class Total:
    """A self-assessed sum: ``score`` is None while any item under it is missing."""

    points: Decimal
    score: Decimal | None
    filled: Decimal  # the sum of the items that have a score (what is there so far)
    missing: tuple[Missing, ...]
    vetoed: bool = False  # a triggered veto item sets the component to 0


@dataclass(frozen=True)
class Preview:
    sections: Mapping[tuple[str, str], Total]  # (component id, first-level indicator id) → total
    total: Total

    def section(self, component_id: str, top_id: str) -> Total | None:
        return self.sections.get((component_id, top_id))


def _input(entry: SelfAssessment) -> ItemInput:
    figures = entry.figures or {}
    return ItemInput(
        unit_id="unit",
        item_id=entry.item_id,
        self_score=entry.self_score,
        figures={name: Decimal(str(value)) for name, value in figures.items()},
        level=entry.level or None,
        triggered=entry.triggered,
        not_applicable=entry.not_applicable,
        note=entry.note,
    )


def _leaves(result: ItemResult) -> Iterable[ItemResult]:
    if not result.children:
        yield result
        return
    for child in result.children:
        yield from _leaves(child)


def _total(result: ItemResult, points: Decimal, score: Decimal | None, vetoed: bool = False) -> Total:
    filled = ZERO
    missing: list[Missing] = []
    for leaf in _leaves(result):
        if leaf.score is not None:
            filled += leaf.score
        elif leaf.basis != NOT_APPLICABLE:
            missing.append(Missing(leaf.item_id, leaf.name))
    return Total(points=points, score=None if missing else score, filled=filled, missing=tuple(missing), vetoed=vetoed)


def _round(value: Decimal | None, rounding: Rounding | None) -> Decimal | None:
    return value if value is None or rounding is None else rounding.apply(value)


def _fill_sourced_figures(unit: CampaignUnit, scheme: Scheme, inputs: dict[str, ItemInput]) -> None:
    """Figures a rule reads from a platform record (last year's 整改台账), as the results will."""
    read: dict[tuple[str, str], dict[str, Decimal]] = {}
    for ref in selectors.leaf_items(scheme, unit.category):
        source = source_of(ref.item.rule)
        if source is None:
            continue
        record = (source.name, source_key(ref.item.rule))
        if record not in read:
            provider = hooks.figure_source(source.name)
            read[record] = provider.figures(unit.campaign, [unit], record[1]).get(unit.pk, {})
        entered = inputs.get(ref.item.id) or ItemInput(unit_id="unit", item_id=ref.item.id)
        inputs[ref.item.id] = entered._replace(figures=read[record])


def self_preview(
    unit: CampaignUnit, scheme: Scheme, entries: Mapping[str, SelfAssessment] | None = None
) -> Preview | None:
    """The unit's self totals per section and overall, or None when the scheme cannot be scored."""
    if entries is None:
        entries = selectors.entries_by_item(unit)
    inputs = {item_id: _input(entry) for item_id, entry in entries.items()}
    _fill_sourced_figures(unit, scheme, inputs)
    sections: dict[tuple[str, str], Total] = {}
    points = ZERO
    total: Decimal | None = ZERO
    filled = ZERO
    missing: list[Missing] = []
    vetoed = False
    for component in selectors.indicator_components(scheme, unit.category):
        try:
            tree = compile_tree(component, scheme)
        except RuleError:
            return None
        outcome = score_tree(tree, inputs)
        for result in outcome.items:
            top = next(i for i in component.indicators if i.id == result.item_id)
            sections[(component.id, result.item_id)] = _total(result, top.points, result.score)
        zeroed = ZERO_COMPONENT in outcome.effects
        score = ZERO if zeroed and outcome.score is not None else outcome.score
        root = ItemResult(component.id, component.name, score, component.points, "", None, outcome.items)
        part = _total(root, component.points, _round(score, scheme.rounding.component), vetoed=zeroed)
        points += component.points
        filled += part.filled
        missing.extend(part.missing)
        vetoed = vetoed or zeroed
        total = None if total is None or part.score is None else total + part.score
    whole = Total(
        points=points,
        score=None if missing else _round(total, scheme.rounding.total),
        filled=filled,
        missing=tuple(missing),
        vetoed=vetoed,
    )
    return Preview(sections=sections, total=whole)
