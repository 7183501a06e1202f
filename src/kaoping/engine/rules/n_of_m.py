"""n_of_m: "at least N of the M figures meet their standard, and the rest reach X% of theirs"
→ full points, else 0 (or ``partial``).

Params: ``figures`` (list of ``{figure, standard, label?}``), ``at_least`` (N),
``rest_min_percent`` (X; default 0 = no condition on the rest), ``direction`` (``at_least``
default), ``partial`` (points when not met, default 0), ``unit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator
from kaoping.engine.results import FlagCode
from kaoping.engine.rules.base import (
    BASIS_RULE,
    HUNDRED,
    ZERO,
    Outcome,
    ParamReader,
    RuleContext,
    direction_options,
    fmt,
    points_param,
    to_decimal,
)


class NOfMRule:
    __slots__ = ("at_least", "figures", "item", "item_rounding", "need", "partial", "points", "rest_share", "unit")
    value_is_deduction = False
    effect: str | None = None

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        self.item = item
        self.points = item.points
        self.item_rounding = ctx.item_rounding
        self.unit = reader.text("unit")
        self.at_least = reader.choice("direction", direction_options(), "at_least") == "at_least"
        self.figures = self._read_figures(reader)
        self.need = int(reader.number("at_least", required=True, positive=True))
        if self.figures and self.need > len(self.figures):
            reader.problem(f"参数 'at_least' {self.need} 超过指标个数 {len(self.figures)}")
        rest = reader.number("rest_min_percent", default=ZERO, minimum=ZERO)
        self.rest_share = rest / HUNDRED
        self.partial = points_param(reader, "partial", item)
        reader.finish()

    @staticmethod
    def _read_figures(reader: ParamReader) -> tuple[tuple[str, str, Decimal], ...]:
        raw = reader.raw("figures")
        if not isinstance(raw, list | tuple) or not raw:
            reader.problem("参数 'figures' 应列出各项指标,如 [{figure: x, standard: 90, label: 名称}]")
            return ()
        figures: list[tuple[str, str, Decimal]] = []
        for index, entry in enumerate(raw, start=1):
            name = entry.get("figure") if isinstance(entry, Mapping) else None
            standard = to_decimal(entry.get("standard")) if isinstance(entry, Mapping) else None
            if not isinstance(name, str) or not name or standard is None:
                reader.problem(f"'figures' 第{index}项应写成 {{figure: 名称, standard: 数字}}")
                continue
            label = entry.get("label") or name
            figures.append((name, str(label), standard))
        return tuple(figures)

    def evaluate(self, inp: ItemInput) -> Outcome:
        values = inp.figures
        met: list[str] = []
        short: list[tuple[str, Decimal, Decimal]] = []
        for name, label, standard in self.figures:
            value = values.get(name)
            if value is None:
                item = self.item
                message = f"指标 {item.id} {item.name}:缺少数据“{label}”({name})"
                return None, f"缺失:缺少数据“{label}”", BASIS_RULE, (FlagCode.MISSING_INPUT, message)
            if value >= standard if self.at_least else value <= standard:
                met.append(label)
            else:
                short.append((label, value, standard))
        rest_ok = all(self._reaches_share(value, standard) for _, value, standard in short)
        head = f"{len(self.figures)}项指标中{len(met)}项达标(要求至少{self.need}项)"
        if len(met) >= self.need and rest_ok:
            tail = f",其余均达到标准的{fmt(self.rest_share * HUNDRED)}%" if short and self.rest_share else ""
            return self._result(self.points, f"{head}{tail},得满分")
        details = "、".join(
            f"{label} {fmt(value)}{self.unit}(标准 {fmt(standard)}{self.unit})" for label, value, standard in short
        )
        reason = "" if len(met) >= self.need else ",达标项数不足"
        if not rest_ok:
            reason += f",未达标项有低于标准{fmt(self.rest_share * HUNDRED)}%的"
        return self._result(self.partial, f"{head}{reason};未达标:{details},得{fmt(self.partial)}分")

    def _reaches_share(self, value: Decimal, standard: Decimal) -> bool:
        if self.at_least:
            return value >= standard * self.rest_share
        # for "at most" figures the rest may exceed the standard by at most (100 − X)%
        return self.rest_share == ZERO or value * self.rest_share <= standard

    def _result(self, score: Decimal, text: str) -> Outcome:
        if self.item_rounding is not None:
            score = self.item_rounding.apply(score)
        return score, f"{text} → {fmt(score)}/{fmt(self.points)}", BASIS_RULE, None


class NOfMType:
    kind = "n_of_m"
    title = "多项指标至少N项达标"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> NOfMRule:
        return NOfMRule(reader, item, ctx)
