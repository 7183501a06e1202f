"""A computed item's score set by a person: a reviewer's 核定分 or a department's score replaces
what the rule computed from the unit's figures.

Bureaus verify computed items too: a 督学 finds the reported rate wrong, or the finance office
scores the funding item after checking the accounts. Their score must count, never be stored and
then ignored, so every computed rule (threshold, ratio, levels, deductions, n-of-m) is wrapped:

- in the scheme's basis order (confirmed → reviewed → self by default), a present 核定分 or
  department score counts; the rule's own result stands in for the self basis, because the unit
  reports figures, not a score;
- the explanation names the override, its reason and what the rule had computed, so a reader
  sees both numbers;
- an override outside 0–points is a slip: flagged OUT_OF_RANGE and missing, as for manual items;
- for a penalty item the entered value is the deduction, as on a manual penalty item.

Modifier rules (veto, downgrade, not excellent) are not wrapped: they are triggered or not, and
the assessment services refuse a score for them when it is entered.
"""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, ItemKind
from kaoping.engine.results import FlagCode
from kaoping.engine.rules.base import ZERO, CompiledRule, Outcome, Rounder, RuleContext, fmt

_LABELS = {"confirmed": "核定分", "reviewed": "处室评分"}


class OverridableRule:
    """A computed rule whose result a 核定分 or department score replaces when one is entered."""

    __slots__ = ("bases", "deduction", "inner", "item", "points", "rounding", "shares", "value_is_deduction")
    effect: str | None = None

    def __init__(self, inner: CompiledRule, item: Indicator, ctx: RuleContext) -> None:
        self.inner = inner
        self.item = item
        self.points = item.points
        self.rounding: Rounder | None = ctx.item_rounding
        self.bases = tuple(basis for basis in ctx.basis_order if basis in ("confirmed", "reviewed", "self"))
        self.value_is_deduction = inner.value_is_deduction
        # a person enters a penalty item's deduction; the inner rule may score on [0, points]
        # instead, and engine.items._leaf reads the result the inner rule's way
        self.deduction = item.kind is ItemKind.PENALTY and not inner.value_is_deduction
        self.shares = tuple(share.department for share in item.departments)

    def evaluate(self, inp: ItemInput) -> Outcome:
        computed: Outcome | None = None
        for basis in self.bases:
            if basis == "self":
                computed = self.inner.evaluate(inp)
                if computed[0] is not None:
                    return computed
                continue
            value = self._entered(inp, basis)
            if value is not None:
                return self._override(value, basis, inp, computed or self.inner.evaluate(inp))
        return computed if computed is not None else self.inner.evaluate(inp)

    def _entered(self, inp: ItemInput, basis: str) -> Decimal | None:
        if basis == "confirmed":
            return inp.confirmed_score
        if inp.reviewed_score is not None:
            return inp.reviewed_score
        scores = inp.department_scores  # an item split across departments: every share is in
        if self.shares and scores and all(name in scores for name in self.shares):
            return sum((scores[name] for name in self.shares), ZERO)
        return None

    def _override(self, value: Decimal, basis: str, inp: ItemInput, computed: Outcome) -> Outcome:
        label = _LABELS[basis]
        if value < ZERO or value > self.points:
            text = f"{label} {fmt(value)} 超出 0–{fmt(self.points)} 分,按缺失处理"
            return None, text, basis, (FlagCode.OUT_OF_RANGE, f"指标 {self.item.id} {self.item.name}:{text}")
        if self.rounding is not None:
            value = self.rounding.apply(value)
        verb = "扣" if self.item.kind is ItemKind.PENALTY else "计"
        text = f"采用{label}({verb}{fmt(value)}分)"
        if basis == "confirmed" and inp.review_note:
            text += f",调整理由:{inp.review_note}"
        rule_score, rule_text = computed[0], computed[1]
        if rule_score is None:
            text += f";按规则未能计算({rule_text})"
        else:
            text += f";按规则计算为 {fmt(self._as_entered(rule_score))} 分({rule_text}),已被替代"
        score = self.points - value if self.deduction else value
        return score, text, basis, None

    def _as_entered(self, rule_score: Decimal) -> Decimal:
        """The rule's score as a person would enter it (a deduction for a penalty item)."""
        return self.points - rule_score if self.deduction else rule_score


class KeyedOverridableRule(OverridableRule):
    """An overridable rule whose inner rule shares results between units with the same value."""

    __slots__ = ()

    def cache_key(self, inp: ItemInput) -> str | None:
        if inp.confirmed_score is not None or inp.reviewed_score is not None or inp.department_scores:
            return None
        return self.inner.cache_key(inp)  # type: ignore[attr-defined, no-any-return]  # checked at wrap time


def overridable(inner: CompiledRule, item: Indicator, ctx: RuleContext) -> CompiledRule:
    """``inner`` wrapped so an entered 核定分 or department score replaces its result."""
    if getattr(inner, "cache_key", None) is not None:
        return KeyedOverridableRule(inner, item, ctx)
    return OverridableRule(inner, item, ctx)
