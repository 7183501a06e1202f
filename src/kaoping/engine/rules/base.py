"""What every indicator rule shares: the parameter reader, the evaluation protocol, formatting.

A rule kind (``RuleType``) parses the flat ``rule:`` parameters of a scheme once into a small
compiled object (``CompiledRule``). The compiled object is then evaluated for every unit, so all
parsing, defaulting and explanation templates happen at compile time, not per item.

Evaluation returns an ``Outcome`` tuple ``(score, explanation, basis, flag)``:

- ``score``: the item's score on ``[0, points]`` (``None`` = missing or out of range);
- ``explanation``: Chinese text naming the rule, the data and the deduction;
- ``basis``: which input counted (``confirmed``/``reviewed``/``self``/``rule``);
- ``flag``: ``None`` or ``(FlagCode, message)`` — missing input, out-of-range input, or a
  triggered modifier (veto / downgrade / not excellent).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, Rounding, RoundingMode
from kaoping.engine.numbers import fmt as fmt
from kaoping.engine.results import FlagCode

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

type FlagNote = tuple[FlagCode, str]
type Outcome = tuple[Decimal | None, str, str | None, FlagNote | None]

BASIS_RULE = "rule"

# An input with nothing in it: evaluated when a unit has no record for an item, so rules never
# have to test for ``None`` on the per-item path.
EMPTY_INPUT = ItemInput(unit_id="", item_id="")


class Rounder(Protocol):
    """Anything that rounds like ``model.Rounding``."""

    def apply(self, value: Decimal) -> Decimal: ...


def fast_rounding(rounding: Rounding | None) -> Rounding | None:
    """The scheme's rounding as rules use it (``model.Rounding`` is the one rounding; kept as
    a name for callers)."""
    return rounding


class RuleError(ValueError):
    """A rule's parameters are invalid; ``problems`` are Chinese messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(";".join(problems))
        self.problems = problems


class CompiledRule(Protocol):
    """A rule with its parameters parsed, ready to score one item of one unit."""

    # For penalty items: True when the rule's value is itself the amount deducted (manual entry),
    # False when it is a score on [0, points] whose shortfall is deducted.
    value_is_deduction: bool
    # For veto/downgrade/not-excellent rules: the modifier a triggered item sets, else None.
    effect: str | None

    def evaluate(self, inp: ItemInput) -> Outcome: ...


class RuleContext(Protocol):
    """What a rule may know about the scheme when it is compiled."""

    @property
    def item_rounding(self) -> Rounder | None: ...

    @property
    def basis_order(self) -> tuple[str, ...]: ...


class RuleType(Protocol):
    kind: str
    title: str  # Chinese name of the rule, used in docs and messages

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> CompiledRule: ...


def to_decimal(value: object) -> Decimal | None:
    """A number from a scheme file (int, str, Decimal or float) as Decimal; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # str() gives the shortest text that reads back as the same float: 0.1 → "0.1"
        return to_decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


_ROUNDING_MODES = {mode.value: mode for mode in RoundingMode}


class ParamReader:
    """Reads a rule's flat parameters, collecting Chinese problems instead of raising.

    Every getter returns a usable default when the parameter is bad, so a rule's ``parse`` runs
    to the end and reports all problems at once. ``finish`` reports parameters nobody read.
    """

    def __init__(self, kind: str, params: Mapping[str, Any]) -> None:
        self.kind = kind
        self.params = params
        self.problems: list[str] = []
        self._read: set[str] = set()

    def problem(self, message: str) -> None:
        self.problems.append(f"计分规则 {self.kind}:{message}")

    def has(self, name: str) -> bool:
        return self.params.get(name) is not None

    def raw(self, name: str) -> Any:
        self._read.add(name)
        return self.params.get(name)

    def number(
        self,
        name: str,
        *,
        default: Decimal | None = None,
        required: bool = False,
        minimum: Decimal | None = None,
        positive: bool = False,
    ) -> Decimal:
        value = self.raw(name)
        fallback = default if default is not None else ONE
        if value is None:
            if required:
                self.problem(f"缺少参数 '{name}'")
            return fallback
        number = to_decimal(value)
        if number is None:
            self.problem(f"参数 '{name}' 应为数字,实际为 {value!r}")
            return fallback
        if positive and number <= 0:
            self.problem(f"参数 '{name}' 应大于 0,实际为 {fmt(number)}")
            return fallback
        if minimum is not None and number < minimum:
            self.problem(f"参数 '{name}' 不应小于 {fmt(minimum)},实际为 {fmt(number)}")
            return fallback
        return number

    def optional_number(self, name: str, *, minimum: Decimal | None = None) -> Decimal | None:
        if not self.has(name):
            self._read.add(name)
            return None
        return self.number(name, minimum=minimum)

    def text(self, name: str, *, default: str = "", required: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(f"缺少参数 '{name}'")
            return default
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            self.problem(f"参数 '{name}' 应为非空文字,实际为 {value!r}")
            return default
        return str(value).strip()

    def choice(self, name: str, options: Mapping[str, str], default: str) -> str:
        """One of ``options`` (value → Chinese meaning)."""
        value = self.raw(name)
        if value is None:
            return default
        if value not in options:
            allowed = "、".join(f"{key}({meaning})" for key, meaning in options.items())
            self.problem(f"参数 '{name}' 应为 {allowed} 之一,实际为 {value!r}")
            return default
        return str(value)

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(f"参数 '{name}' 应为 true 或 false,实际为 {value!r}")
            return default
        return value

    def rounding(self, name: str = "rounding") -> Rounder | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, Rounding):
            return value
        if not isinstance(value, Mapping):
            self.problem(f"参数 '{name}' 应写成 {{places: 1, mode: half_up}}")
            return None
        places = value.get("places", 2)
        mode = value.get("mode", "half_up")
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 10:
            self.problem(f"参数 '{name}.places' 应为 0 到 10 的整数,实际为 {places!r}")
            return None
        if mode not in _ROUNDING_MODES:
            self.problem(f"参数 '{name}.mode' 应为 {'、'.join(_ROUNDING_MODES)} 之一,实际为 {mode!r}")
            return None
        return Rounding(places=places, mode=_ROUNDING_MODES[mode])

    def finish(self) -> None:
        for name in self.params:
            if name not in self._read and name != "kind":
                self.problem(f"未知参数 '{name}'")


def missing_figure(item: Indicator, figure: str, label: str) -> FlagNote:
    return (FlagCode.MISSING_INPUT, f"指标 {item.id} {item.name}:缺少数据“{label}”({figure})")


def direction_options() -> dict[str, str]:
    return {"at_least": "不低于标准为达标", "at_most": "不高于标准为达标"}


class FigureRule:
    """Shared by rules that compute a score from one figure of ``ItemInput.figures``."""

    __slots__ = ("figure", "item", "item_rounding", "label", "missing", "points", "points_text", "unit")
    value_is_deduction = False
    effect: str | None = None

    def __init__(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> None:
        self.item = item
        self.points = item.points
        self.points_text = fmt(item.points)
        self.item_rounding = ctx.item_rounding
        self.figure = reader.text("figure", required=True, default="?")
        self.label = reader.text("label", default=self.figure)
        self.unit = reader.text("unit", default="")
        self.missing = missing_figure(item, self.figure, self.label)

    def cache_key(self, inp: ItemInput) -> str | None:
        """The one value the outcome depends on (engine.items shares results by it)."""
        value = inp.figures.get(self.figure)
        return None if value is None else str(value)

    def missing_outcome(self) -> Outcome:
        return None, f"缺失:缺少数据“{self.label}”", BASIS_RULE, self.missing

    def out_of_range(self, text: str) -> Outcome:
        item = self.item
        return None, text, BASIS_RULE, (FlagCode.OUT_OF_RANGE, f"指标 {item.id} {item.name}:{text}")

    def shown(self, value: Decimal) -> str:
        return f"{fmt(value)}{self.unit}"

    def result(self, score: Decimal, text: str) -> Outcome:
        if self.item_rounding is not None:
            score = self.item_rounding.apply(score)
        return score, f"{text} → {fmt(score)}/{self.points_text}", BASIS_RULE, None


def points_param(reader: ParamReader, name: str, item: Indicator) -> Decimal:
    """A number of points that must lie within [0, the item's points]."""
    value = reader.number(name, default=ZERO, minimum=ZERO)
    if value > item.points:
        reader.problem(f"参数 '{name}' {fmt(value)} 超过指标分值 {fmt(item.points)}")
        return item.points
    return value
