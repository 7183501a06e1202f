"""threshold (达标得满分): full points when the figure meets the standard, else 0 or ``partial``.

Params: ``figure`` (name in the item's figures), ``standard``, ``direction`` (``at_least``
default: figure ≥ standard meets it; ``at_most``: figure ≤ standard), ``partial`` (points when
not met, default 0), ``label`` and ``unit`` for the explanation.
"""

from __future__ import annotations

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator
from kaoping.engine.rules.base import (
    FigureRule,
    Outcome,
    ParamReader,
    RuleContext,
    direction_options,
    fmt,
    points_param,
)


class ThresholdRule(FigureRule):
    __slots__ = ("at_least", "partial", "standard")

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(reader, item, ctx)
        self.standard = reader.number("standard", required=True)
        self.at_least = reader.choice("direction", direction_options(), "at_least") == "at_least"
        self.partial = points_param(reader, "partial", item)
        reader.finish()

    def evaluate(self, inp: ItemInput) -> Outcome:
        value = inp.figures.get(self.figure)
        if value is None:
            return self.missing_outcome()
        met = value >= self.standard if self.at_least else value <= self.standard
        where = f"{self.label} {self.shown(value)}"
        if met:
            return self.result(self.points, f"{where},达到标准 {self.shown(self.standard)},得满分")
        side = "低于" if self.at_least else "高于"
        return self.result(
            self.partial,
            f"{where},{side}标准 {self.shown(self.standard)},未达标,得{fmt(self.partial)}分",
        )


class ThresholdType:
    kind = "threshold"
    title = "达标得满分"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> ThresholdRule:
        return ThresholdRule(reader, item, ctx)
