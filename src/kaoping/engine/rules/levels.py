"""Rules that map a level or a figure band to points: stepped (15/9/6/0) and attainment (A/B/C).

stepped params, by figure: ``figure``, ``steps`` (best first: ``[{min: 95, points: 15},
{min: 90, points: 9}, {min: 80, points: 6}]``; with ``direction: at_most`` write ``max``
instead of ``min``), ``else`` (points below every step, default 0), ``label``, ``unit``.
stepped params, by level: ``levels`` (best first: ``{优: 15, 良: 9, 中: 6, 差: 0}``).

attainment params: ``levels`` (best first: ``{A: 1, B: 0.8, C: 0.6}``) and ``as``:
``fraction`` (default; a level is worth that share of the item's points) or ``points``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator
from kaoping.engine.results import FlagCode
from kaoping.engine.rules.base import (
    BASIS_RULE,
    ONE,
    ZERO,
    FigureRule,
    FlagNote,
    Outcome,
    ParamReader,
    Rounder,
    RuleContext,
    direction_options,
    fmt,
    points_param,
    to_decimal,
)


def read_levels(reader: ParamReader, ceiling: Decimal, what: str) -> dict[str, Decimal]:
    """``levels``: best first, values within [0, ceiling] and never rising."""
    raw = reader.raw("levels")
    if not isinstance(raw, Mapping) or not raw:
        reader.problem("参数 'levels' 应按从好到差列出各等级及其分值,如 {A: 1, B: 0.8, C: 0.6}")
        return {}
    levels: dict[str, Decimal] = {}
    previous: Decimal | None = None
    for name, value in raw.items():
        number = to_decimal(value)
        if number is None or number < ZERO or number > ceiling:
            reader.problem(f"等级 '{name}' 的{what}应为 0 到 {fmt(ceiling)} 之间的数字,实际为 {value!r}")
            continue
        if previous is not None and number > previous:
            reader.problem(f"等级应从好到差排列,'{name}' 的{what} {fmt(number)} 高于前一等级")
        previous = number
        levels[str(name)] = number
    return levels


def _share_text(shares: Mapping[str, Decimal] | None, name: str) -> str:
    if shares is None:
        return ""
    return f"(得分率{fmt(shares[name] * 100)}%)"


class LevelRule:
    """Points by the level a person recorded (``ItemInput.level``)."""

    __slots__ = ("item", "item_rounding", "levels", "missing", "points", "texts")
    value_is_deduction = False
    effect: str | None = None

    def __init__(
        self,
        item: Indicator,
        levels: Mapping[str, Decimal],
        rounding: Rounder | None,
        caption: str,
        shares: Mapping[str, Decimal] | None = None,
    ) -> None:
        self.item = item
        self.points = item.points
        self.item_rounding = rounding
        self.levels = {name: rounding.apply(value) if rounding is not None else value for name, value in levels.items()}
        self.texts = {
            name: f"{caption} {name}{_share_text(shares, name)},得{fmt(value)}分 → {fmt(value)}/{fmt(item.points)}"
            for name, value in self.levels.items()
        }
        self.missing: FlagNote = (FlagCode.MISSING_INPUT, f"指标 {item.id} {item.name}:未填等级")

    def cache_key(self, inp: ItemInput) -> str | None:
        return inp.level

    def evaluate(self, inp: ItemInput) -> Outcome:
        level = inp.level
        if level is None:
            return None, "缺失:未填等级", BASIS_RULE, self.missing
        score = self.levels.get(level)
        if score is None:
            item = self.item
            text = f"等级“{level}”不在 {'、'.join(self.levels)} 之中,按缺失处理"
            return None, text, BASIS_RULE, (FlagCode.OUT_OF_RANGE, f"指标 {item.id} {item.name}:{text}")
        return score, self.texts[level], BASIS_RULE, None


class SteppedFigureRule(FigureRule):
    __slots__ = ("at_least", "otherwise", "steps")

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(reader, item, ctx)
        self.at_least = reader.choice("direction", direction_options(), "at_least") == "at_least"
        self.steps = self._read_steps(reader, item)
        self.otherwise = points_param(reader, "else", item)
        if self.steps and self.otherwise > self.steps[-1][1]:
            reader.problem("参数 'else' 的分值不应高于最低一档")
        reader.finish()

    def _read_steps(self, reader: ParamReader, item: Indicator) -> tuple[tuple[Decimal, Decimal], ...]:
        bound_key = "min" if self.at_least else "max"
        raw = reader.raw("steps")
        if not isinstance(raw, list | tuple) or not raw:
            reader.problem(f"参数 'steps' 应从高到低列出各档,如 [{{{bound_key}: 95, points: 15}}, …]")
            return ()
        steps: list[tuple[Decimal, Decimal]] = []
        for index, step in enumerate(raw, start=1):
            bound = to_decimal(step.get(bound_key)) if isinstance(step, Mapping) else None
            points = to_decimal(step.get("points")) if isinstance(step, Mapping) else None
            if bound is None or points is None:
                reader.problem(f"第{index}档应写成 {{{bound_key}: 数字, points: 数字}}")
                continue
            if not ZERO <= points <= item.points:
                reader.problem(f"第{index}档的分值 {fmt(points)} 应在 0 到 {fmt(item.points)} 之间")
                continue
            if steps:
                better_bound = bound < steps[-1][0] if self.at_least else bound > steps[-1][0]
                if not better_bound or points > steps[-1][1]:
                    reader.problem(f"第{index}档应比上一档要求更低、分值不高于上一档")
            steps.append((bound, points))
        return tuple(steps)

    def evaluate(self, inp: ItemInput) -> Outcome:
        value = inp.figures.get(self.figure)
        if value is None:
            return self.missing_outcome()
        where = f"{self.label} {self.shown(value)}"
        sign = "≥" if self.at_least else "≤"
        for bound, points in self.steps:
            if (value >= bound) if self.at_least else (value <= bound):
                return self.result(points, f"{where},达到 {sign}{self.shown(bound)} 一档,得{fmt(points)}分")
        return self.result(self.otherwise, f"{where},未达到任何一档,得{fmt(self.otherwise)}分")


class SteppedType:
    kind = "stepped"
    title = "分档计分(如15/9/6/0)"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> LevelRule | SteppedFigureRule:
        if reader.has("levels"):
            if reader.has("figure") or reader.has("steps"):
                reader.problem("参数 'levels' 与 'figure'/'steps' 只能二选一")
            levels = read_levels(reader, item.points, "分值")
            reader.finish()
            return LevelRule(item, levels, ctx.item_rounding, "等级")
        return SteppedFigureRule(reader, item, ctx)


class AttainmentType:
    kind = "attainment"
    title = "达成等级(A/B/C)"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> LevelRule:
        as_points = reader.choice("as", {"fraction": "得分率", "points": "分值"}, "fraction") == "points"
        levels = read_levels(reader, item.points if as_points else ONE, "分值" if as_points else "得分率")
        reader.finish()
        if as_points:
            return LevelRule(item, levels, ctx.item_rounding, "达成等级")
        points = {name: share * item.points for name, share in levels.items()}
        return LevelRule(item, points, ctx.item_rounding, "达成等级", shares=levels)
