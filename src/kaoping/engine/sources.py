"""Figures a rule reads from the platform's own records instead of from what a unit typed.

A figure rule may name a ``source`` (``rule: {kind: deduct_per_occurrence, figure: open,
source: previous_problems, …}``). The unit is then not asked for those figures: the platform fills
them in from the record the source names (seed 004 item 54: last year's problem list, 13 problems,
11 fixed, 2 open, taken from the 整改台账). The engine only knows each source's name, what it means
and which figures it provides, so a scheme is checked without a database; who fills them in is
the platform's business (``kaoping.campaigns.hooks.provide_figure_source``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaoping.engine.model import RuleSpec
from kaoping.engine.numbers import fmt


@dataclass(frozen=True, slots=True)
class FigureSource:
    name: str
    title: str  # Chinese: where the figures come from
    figures: Mapping[str, str]  # figure name → its Chinese label


PREVIOUS_PROBLEMS = FigureSource(
    name="previous_problems",
    title="上年问题清单(整改台账)",
    figures={"problems": "上年问题数", "fixed": "已整改到位问题数", "open": "未整改到位问题数"},
)

FIGURE_SOURCES: dict[str, FigureSource] = {source.name: source for source in (PREVIOUS_PROBLEMS,)}


def source_of(spec: RuleSpec | None) -> FigureSource | None:
    """The figure source a rule names, or None (the unit reports the figures itself)."""
    if spec is None:
        return None
    name = spec.params.get("source")
    return FIGURE_SOURCES.get(name) if isinstance(name, str) else None


def source_problems(params: Mapping[str, object], figures: list[str]) -> list[str]:
    """Chinese problems with a rule's ``source`` and the figures it reads from it; [] when fine."""
    name = params.get("source")
    if name is None:
        return []
    source = FIGURE_SOURCES.get(name) if isinstance(name, str) else None
    if source is None:
        known = "、".join(f"{s.name}({s.title})" for s in FIGURE_SOURCES.values())
        return [f"参数 'source' 应为 {known} 之一,实际为 {name!r}"]
    return [
        f"数据来源 {source.title} 没有数据 '{figure}'(可用:{'、'.join(source.figures)})"
        for figure in figures
        if figure not in source.figures
    ]


def with_source_labels(params: Mapping[str, object]) -> Mapping[str, object]:
    """The rule's parameters with the source's Chinese label for its figure, unless it has one."""
    name = params.get("source")
    source = FIGURE_SOURCES.get(name) if isinstance(name, str) else None
    figure = params.get("figure")
    if source is None or params.get("label") is not None or not isinstance(figure, str):
        return params
    label = source.figures.get(figure)
    return {**params, "label": label} if label else params


def describe(source: FigureSource, figures: Mapping[str, Decimal]) -> str:
    """What the source gave, in Chinese: ``上年问题清单(整改台账):上年问题数 13,…``."""
    parts = [f"{label} {fmt(figures[name])}" for name, label in source.figures.items() if name in figures]
    if source is PREVIOUS_PROBLEMS and figures.get("problems"):
        rate = Decimal(100) * figures.get("fixed", Decimal(0)) / figures["problems"]
        parts.append(f"整改率 {fmt(rate.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}%")
    return f"{source.title}:{','.join(parts) if parts else '无记录'}"
