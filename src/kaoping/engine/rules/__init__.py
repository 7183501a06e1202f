"""Indicator rules: how a leaf item's score follows from what a unit reported.

``REGISTRY`` maps a rule kind (the ``kind`` of a scheme's ``rule:``) to its ``RuleType``.
``validate_rule`` lists a rule's problems in Chinese (for the scheme validator);
``compile_rule`` parses it once into a ``CompiledRule`` that ``engine.items`` evaluates per unit.
See docs/engine.md for every kind with its parameters and an example.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kaoping.engine.model import MODIFIER_KINDS, Indicator, ItemKind, RuleSpec, ScoreBasis
from kaoping.engine.rules.base import (
    EMPTY_INPUT,
    CompiledRule,
    Outcome,
    ParamReader,
    Rounder,
    RuleContext,
    RuleError,
    RuleType,
    fast_rounding,
    fmt,
)
from kaoping.engine.rules.deductions import DeductPerOccurrenceType, DeductPerUnitShortType
from kaoping.engine.rules.levels import AttainmentType, SteppedType
from kaoping.engine.rules.manual import ManualType
from kaoping.engine.rules.modifiers import DowngradeType, NotExcellentType, VetoType
from kaoping.engine.rules.n_of_m import NOfMType
from kaoping.engine.rules.overrides import overridable
from kaoping.engine.rules.ratio import RatioToTargetType
from kaoping.engine.rules.sourced import SourcedRule
from kaoping.engine.rules.threshold import ThresholdType
from kaoping.engine.sources import source_key, source_of, source_problems, with_source_labels

__all__ = [
    "EMPTY_INPUT",
    "MODIFIER_KINDS",
    "REGISTRY",
    "CompiledRule",
    "Outcome",
    "Rounder",
    "RuleContext",
    "RuleError",
    "RuleType",
    "SchemeRuleContext",
    "compile_rule",
    "fast_rounding",
    "figure_names",
    "fmt",
    "is_computed",
    "takes_no_score",
    "validate_rule",
]

REGISTRY: dict[str, RuleType] = {
    rule_type.kind: rule_type
    for rule_type in (
        ManualType(),
        ThresholdType(),
        DeductPerUnitShortType(),
        DeductPerOccurrenceType(),
        SteppedType(),
        RatioToTargetType(),
        AttainmentType(),
        NOfMType(),
        VetoType(),
        DowngradeType(),
        NotExcellentType(),
    )
}


_MANUAL = RuleSpec(kind="manual")


@dataclass(frozen=True, slots=True)
class SchemeRuleContext:
    """The scheme settings a rule needs when compiled."""

    item_rounding: Rounder | None = None
    basis_order: tuple[str, ...] = (
        ScoreBasis.CONFIRMED.value,
        ScoreBasis.REVIEWED.value,
        ScoreBasis.SELF.value,
    )


def _parse(spec: RuleSpec, item: Indicator, ctx: RuleContext) -> tuple[CompiledRule | None, list[str]]:
    rule_type = REGISTRY.get(spec.kind)
    if rule_type is None:
        return None, [f"未知的计分规则 '{spec.kind}'(可用:{'、'.join(REGISTRY)})"]
    reader = ParamReader(spec.kind, with_source_labels(spec.params))
    reader.raw("source")  # these two are checked below, for every figure rule alike
    reader.raw("source_key")
    compiled = rule_type.parse(reader, item, ctx)
    problems = reader.problems
    named = [name for name, _label in _figure_names(spec.params)]
    problems += [f"计分规则 {spec.kind}:{problem}" for problem in source_problems(spec.params, named)]
    if spec.params.get("source") is not None and not named:
        problems.append(f"计分规则 {spec.kind}:不读取数据的规则不能指定数据来源 'source'")
    if spec.kind in MODIFIER_KINDS and item.kind is not ItemKind.NORMAL:
        problems.append(f"计分规则 {spec.kind}:加分项或减分项不能用作否决/降等类指标")
    if item.points < 0:
        problems.append(f"指标分值不能为负数,实际为 {fmt(item.points)}")
    return compiled, problems


def validate_rule(spec: RuleSpec, item: Indicator) -> list[str]:
    """Chinese problems with ``item``'s rule ``spec``; [] when it can be scored."""
    return _parse(spec, item, SchemeRuleContext())[1]


def compile_rule(item: Indicator, ctx: RuleContext) -> CompiledRule:
    """``item``'s rule (manual when none is given) parsed for scoring; RuleError if invalid.

    A computed rule comes wrapped so an entered 核定分 or department score replaces its result
    (``rules.overrides``)."""
    spec = item.rule or _MANUAL
    compiled, problems = _parse(spec, item, ctx)
    if problems or compiled is None:
        raise RuleError([f"指标 {item.id} {item.name}:{problem}" for problem in problems])
    source = source_of(spec)
    if source is not None:
        compiled = SourcedRule(compiled, source, source_key(spec))
    if is_computed(spec):
        return overridable(compiled, item, ctx)
    return compiled


def is_computed(spec: RuleSpec | None) -> bool:
    """Whether a rule computes the score from reported data (so a person's score overrides it)."""
    return spec is not None and spec.kind != "manual" and spec.kind not in MODIFIER_KINDS


def figure_names(item: Indicator) -> list[tuple[str, str]]:
    """(figure name, label) pairs the item's rule reads from ``ItemInput.figures``, in the
    rule's order: its ``figure``, its ``target_figure``, then each of its ``figures`` (n_of_m).
    A label defaults to the figure's name."""
    if item.rule is None:
        return []
    return _figure_names(with_source_labels(item.rule.params))


def _figure_names(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    if isinstance(params.get("figure"), str):
        names.append((params["figure"], str(params.get("label") or params["figure"])))
    if isinstance(params.get("target_figure"), str):
        names.append((params["target_figure"], str(params.get("target_label") or params["target_figure"])))
    for entry in params.get("figures") or ():
        if isinstance(entry, Mapping) and isinstance(entry.get("figure"), str):
            names.append((entry["figure"], str(entry.get("label") or entry["figure"])))
    return names


def takes_no_score(spec: RuleSpec | None) -> bool:
    """Whether an item is decided by being triggered (veto, downgrade, not excellent), never by a score."""
    return spec is not None and spec.kind in MODIFIER_KINDS
