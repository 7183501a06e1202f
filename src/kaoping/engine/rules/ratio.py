"""ratio_to_target: points in proportion to the completion rate (actual ÷ target × points), capped.

Params: ``figure`` (the amount done), ``target`` (a number) or ``target_figure`` (the name of
another figure holding the target), ``cap`` (the most points it may give, default the item's
points), ``rounding`` (of the score, e.g. ``{places: 2}``), ``label``, ``unit``.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, Rounding
from kaoping.engine.rules.base import (
    HUNDRED,
    ZERO,
    FigureRule,
    Outcome,
    ParamReader,
    RuleContext,
    fmt,
    missing_figure,
    points_param,
)

_RATE = Rounding(2)


class RatioToTargetRule(FigureRule):
    __slots__ = ("cap", "rounding", "target", "target_figure", "target_missing")

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(reader, item, ctx)
        self.target_figure = reader.text("target_figure") or None
        self.target: Decimal | None = None
        if self.target_figure is None:
            self.target = reader.number("target", required=True, positive=True)
        elif reader.has("target"):
            reader.problem("参数 'target' 与 'target_figure' 只能二选一")
        self.target_missing = missing_figure(item, self.target_figure or "", f"{self.label}目标")
        self.cap = points_param(reader, "cap", item) if reader.has("cap") else item.points
        reader.raw("cap")
        self.rounding = reader.rounding()
        reader.finish()

    def cache_key(self, inp: ItemInput) -> str | None:
        actual = inp.figures.get(self.figure)
        if actual is None or self.target_figure is None:
            return None if actual is None else str(actual)
        target = inp.figures.get(self.target_figure)
        return None if target is None else f"{actual}/{target}"

    def evaluate(self, inp: ItemInput) -> Outcome:
        figures = inp.figures
        actual = figures.get(self.figure)
        if actual is None:
            return self.missing_outcome()
        target = self.target if self.target_figure is None else figures.get(self.target_figure)
        if target is None:
            return None, f"缺失:缺少{self.label}目标", "rule", self.target_missing
        if target <= ZERO or actual < ZERO:
            return self.out_of_range(
                f"{self.label} 完成 {self.shown(actual)}、目标 {self.shown(target)} 无法计算完成率,按缺失处理"
            )
        ratio = actual / target
        score = ratio * self.points
        if self.rounding is not None:
            score = self.rounding.apply(score)
        text = (
            f"{self.label} 完成 {self.shown(actual)},目标 {self.shown(target)},"
            f"完成率 {fmt(_RATE.apply(ratio * HUNDRED))}%"
        )
        if score > self.cap:
            return self.result(self.cap, f"{text},按比例计分封顶 {fmt(self.cap)}分")
        return self.result(score, f"{text},按比例得{fmt(score)}分")


class RatioToTargetType:
    kind = "ratio_to_target"
    title = "按完成率计分(完成数÷目标数×分值,封顶)"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> RatioToTargetRule:
        return RatioToTargetRule(reader, item, ctx)
