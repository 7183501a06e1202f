"""Helpers for the rule tests: compile one rule for a one-item indicator and evaluate it.

(A module of its own, not conftest.py, so ``from rule_helpers import …`` is unambiguous.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, ItemKind, Rounding, RuleSpec
from kaoping.engine.rules import CompiledRule, SchemeRuleContext, compile_rule
from kaoping.engine.rules.base import fast_rounding

type MakeRule = Callable[..., CompiledRule]


def item_for(kind: str, points: str = "4", item_kind: ItemKind = ItemKind.NORMAL, **params: Any) -> Indicator:
    return Indicator(id="15", name="班额", points=Decimal(points), kind=item_kind, rule=RuleSpec(kind, params))


def _make_rule(
    kind: str,
    points: str = "4",
    *,
    item_rounding: Rounding | None = None,
    basis_order: tuple[str, ...] = ("confirmed", "reviewed", "self"),
    **params: Any,
) -> CompiledRule:
    ctx = SchemeRuleContext(item_rounding=fast_rounding(item_rounding), basis_order=basis_order)
    return compile_rule(item_for(kind, points, **params), ctx)


# Typed loosely on purpose: tests pass rule params as **kwargs, often from dicts.
make_rule: MakeRule = _make_rule


def figures(**values: str) -> ItemInput:
    return ItemInput(unit_id="u1", item_id="15", figures={name: Decimal(v) for name, v in values.items()})
