"""manual: a person enters the score (自评/复核/核定), which must lie within [0, points].

An entry above the item's points or below 0 is not clamped: it is an obvious slip (a 40 typed for
a 4-point item), so the item is flagged OUT_OF_RANGE and treated as missing until someone fixes
it. Clamping would silently turn the slip into full points.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator
from kaoping.engine.results import FlagCode
from kaoping.engine.rules.base import ZERO, FlagNote, Outcome, ParamReader, Rounder, RuleContext, fmt

BASIS_LABELS = {"confirmed": "核定分", "reviewed": "复核分", "self": "自评分"}
_BASIS_ATTRS = {
    "confirmed": "confirmed_score",
    "reviewed": "reviewed_score",
    "self": "self_score",
}


def with_note(explanation: str, note: str) -> str:
    """An entered score's explanation with the unit's note (得失分说明) after it, if any."""
    return f"{explanation}({note})" if note else explanation


class ManualRule:
    """A score typed in by a person; the first present score in the scheme's basis order counts."""

    __slots__ = ("bases", "item", "missing", "points", "rounding")
    value_is_deduction = True
    effect: str | None = None

    def __init__(self, item: Indicator, ctx: RuleContext) -> None:
        self.item = item
        self.points = item.points
        self.rounding: Rounder | None = ctx.item_rounding
        # (attribute, basis, explanation) in the order the scheme prefers
        self.bases = tuple(
            (_BASIS_ATTRS[basis], basis, f"采用{BASIS_LABELS[basis]}")
            for basis in ctx.basis_order
            if basis in _BASIS_ATTRS
        )
        wanted = "/".join(BASIS_LABELS[basis] for _, basis, _ in self.bases)
        self.missing: FlagNote = (
            FlagCode.MISSING_INPUT,
            f"指标 {item.id} {item.name}:未填得分({wanted}均为空)",
        )

    def evaluate(self, inp: ItemInput) -> Outcome:
        for attr, basis, explanation in self.bases:
            value: Decimal | None = getattr(inp, attr)
            if value is not None:
                return self._accept(value, basis, explanation, inp.note)
        return None, "缺失:未填得分", None, self.missing

    def _accept(self, value: Decimal, basis: str, explanation: str, note: str) -> Outcome:
        if value < ZERO or value > self.points:
            return self._out_of_range(value, basis)
        if self.rounding is not None:
            value = self.rounding.apply(value)
        explanation = with_note(explanation, note)
        return value, explanation, basis, None

    def _out_of_range(self, value: Decimal, basis: str) -> Outcome:
        label = BASIS_LABELS[basis]
        text = f"{label} {fmt(value)} 超出 0–{fmt(self.points)} 分,按缺失处理"
        item = self.item
        return None, text, basis, (FlagCode.OUT_OF_RANGE, f"指标 {item.id} {item.name}:{text}")


class SplitManualRule(ManualRule):
    """An item split across departments (4 + 3 + 2.5 + 1.5): the reviewed score is the sum of
    the department scores, each within its own share. A confirmed score still comes first, and
    an explicit reviewed score wins over the department parts. Departments that have not scored
    yet make the reviewed basis absent (the next basis in the order counts, or the item is
    missing, naming those departments)."""

    __slots__ = ("shares",)

    def __init__(self, item: Indicator, ctx: RuleContext) -> None:
        super().__init__(item, ctx)
        self.shares = tuple(
            (share.department, share.points if share.points is not None else ZERO) for share in item.departments
        )

    def evaluate(self, inp: ItemInput) -> Outcome:
        waiting: list[str] = []
        for attr, basis, explanation in self.bases:
            value: Decimal | None = getattr(inp, attr)
            if value is not None:
                return self._accept(value, basis, explanation, inp.note)
            if basis == "reviewed":
                outcome = self._from_departments(inp, waiting)
                if outcome is not None:
                    return outcome
        item = self.item
        message = self.missing[1]
        if waiting:
            message = f"{message};待评分处室:{'、'.join(waiting)}"
        return (
            None,
            f"缺失:未填得分(待评分:{'、'.join(waiting) or '无'})",
            None,
            (
                FlagCode.MISSING_INPUT,
                message if waiting else f"指标 {item.id} {item.name}:未填得分",
            ),
        )

    def _from_departments(self, inp: ItemInput, waiting: list[str]) -> Outcome | None:
        scores = inp.department_scores
        total = ZERO
        parts: list[str] = []
        for department, share in self.shares:
            value = scores.get(department)
            if value is None:
                waiting.append(department)
                continue
            if value < ZERO or value > share:
                item = self.item
                text = f"{department} 评分 {fmt(value)} 超出其分值 0–{fmt(share)} 分,按缺失处理"
                return (
                    None,
                    text,
                    "reviewed",
                    (
                        FlagCode.OUT_OF_RANGE,
                        f"指标 {item.id} {item.name}:{text}",
                    ),
                )
            total += value
            parts.append(f"{department} {fmt(value)}/{fmt(share)}")
        if waiting:
            return None
        if self.rounding is not None:
            total = self.rounding.apply(total)
        return total, f"各处室评分合计:{' + '.join(parts)} = {fmt(total)}", "reviewed", None


class ManualType:
    kind = "manual"
    title = "人工评分"

    def parse(self, reader: ParamReader, item: Indicator, ctx: RuleContext) -> ManualRule:
        reader.finish()
        shares = [share.points for share in item.departments]
        if any(points is not None for points in shares):
            if any(points is None for points in shares):
                reader.problem("分到多个处室的指标,每个处室都要写分值")
                return ManualRule(item, ctx)
            total = sum((points for points in shares if points is not None), ZERO)
            if total != item.points:
                reader.problem(f"各处室分值合计 {fmt(total)} 与指标分值 {fmt(item.points)} 不一致")
            return SplitManualRule(item, ctx)
        return ManualRule(item, ctx)
