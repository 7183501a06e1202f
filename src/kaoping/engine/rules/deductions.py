"""Deduction rules: 每低1个百分点扣X分 and 每发生1起扣X分, both 扣完为止 (floored at 0).

deduct_per_unit_short params: ``figure``, ``standard``, ``deduct`` (points per ``per`` units,
``per`` defaults to 1), ``direction`` (``at_least``: deduct for each unit below the standard;
``at_most``: for each unit above it), ``whole_units`` (true: only whole ``per`` steps count;
default false: 9.16 points short count as 9.16), ``rounding`` (of the deduction, e.g.
``{places: 1, mode: half_up}``), ``max_deduct`` (default the item's points), ``label``, ``unit``.

deduct_per_occurrence params: ``figure`` (the count), ``deduct`` (per occurrence),
``max_deduct`` (default the item's points), ``label``, ``unit`` (default 起).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator
from kaoping.engine.rules.base import (
    ZERO,
    FigureRule,
    Outcome,
    ParamReader,
    RuleContext,
    direction_options,
    fmt,
    points_param,
)


def _capped_deduction(reader: ParamReader, item: Indicator) -> Decimal:
    if not reader.has("max_deduct"):
        reader.raw("max_deduct")
        return item.points
    return points_param(reader, "max_deduct", item)


class DeductPerUnitShortRule(FigureRule):
    __slots__ = (
        "at_least",
        "deduct",
        "max_deduct",
        "per",
        "per_text",
        "rounding",
        "standard",
        "standard_text",
        "whole_units",
    )

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(reader, item, ctx)
        self.standard = reader.number("standard", required=True)
        self.per = reader.number("per", positive=True)
        self.deduct = reader.number("deduct", required=True, positive=True)
        self.at_least = reader.choice("direction", direction_options(), "at_least") == "at_least"
        self.whole_units = reader.boolean("whole_units")
        self.rounding = reader.rounding()
        self.max_deduct = _capped_deduction(reader, item)
        reader.finish()
        self.standard_text = self.shown(self.standard)
        step = f"{fmt(self.per)}个百分点" if self.unit == "%" else f"{fmt(self.per)}{self.unit}"
        self.per_text = f"每{'低' if self.at_least else '高'}{step}扣{fmt(self.deduct)}分"

    def evaluate(self, inp: ItemInput) -> Outcome:
        value = inp.figures.get(self.figure)
        if value is None:
            return self.missing_outcome()
        gap = self.standard - value if self.at_least else value - self.standard
        where = f"{self.label} {self.shown(value)}"
        if gap <= ZERO:
            side = "达到" if self.at_least else "未超过"
            return self.result(self.points, f"{where},{side}标准 {self.standard_text},不扣分")
        steps = gap / self.per
        if self.whole_units:
            steps = steps.to_integral_value(rounding=ROUND_FLOOR)
        deduction = steps * self.deduct
        if self.rounding is not None:
            deduction = self.rounding.apply(deduction)
        side = "低于" if self.at_least else "高于"
        text = f"{where},{side}标准 {self.standard_text},{self.per_text}"
        if deduction >= self.max_deduct:
            return self.result(self.points - self.max_deduct, f"{text},扣{fmt(self.max_deduct)}分(扣完为止)")
        return self.result(self.points - deduction, f"{text},扣{fmt(deduction)}分")


class DeductPerUnitShortType:
    kind = "deduct_per_unit_short"
    title = "按差距扣分(每低1个单位扣X分)"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> DeductPerUnitShortRule:
        return DeductPerUnitShortRule(reader, item, ctx)


class DeductPerOccurrenceRule(FigureRule):
    __slots__ = ("deduct", "max_deduct")

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(reader, item, ctx)
        if not reader.has("unit"):
            self.unit = "起"
        self.deduct = reader.number("deduct", required=True, positive=True)
        self.max_deduct = _capped_deduction(reader, item)
        reader.finish()

    def evaluate(self, inp: ItemInput) -> Outcome:
        count = inp.figures.get(self.figure)
        if count is None:
            return self.missing_outcome()
        if count < ZERO:
            return self.out_of_range(f"{self.label} {self.shown(count)} 不能为负数,按缺失处理")
        where = f"{self.label} {self.shown(count)}"
        if count == ZERO:
            return self.result(self.points, f"{where},不扣分")
        deduction = count * self.deduct
        text = f"{where},每{self.unit}扣{fmt(self.deduct)}分"
        if deduction >= self.max_deduct:
            return self.result(self.points - self.max_deduct, f"{text},扣{fmt(self.max_deduct)}分(扣完为止)")
        return self.result(self.points - deduction, f"{text},扣{fmt(deduction)}分")


class DeductPerOccurrenceType:
    kind = "deduct_per_occurrence"
    title = "按次扣分(每发生1起扣X分,扣完为止)"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> DeductPerOccurrenceRule:
        return DeductPerOccurrenceRule(reader, item, ctx)
