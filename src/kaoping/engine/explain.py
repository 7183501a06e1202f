"""A unit's result as a readable, indented Chinese tree: every score with its maximum and the
words behind it. Missing scores show as 缺失, not-applicable items as 不适用."""

from __future__ import annotations

from decimal import Decimal

from kaoping.engine.items import NOT_APPLICABLE
from kaoping.engine.results import ComponentResult, ItemResult, UnitResult
from kaoping.engine.rules import fmt

_INDENT = "  "


def _score(score: Decimal | None, maximum: Decimal) -> str:
    shown = "缺失" if score is None else fmt(score)
    return f"{shown}/{fmt(maximum)}"


def _partial_total(result: UnitResult) -> str:
    """For a missing total: what the components that do have a score add up to."""
    if result.total is not None:
        return ""
    present = [c.score for c in result.components if c.score is not None]
    missing = [c.name for c in result.components if c.score is None]
    partial = sum(present, Decimal(0))
    return f"(缺 {'、'.join(missing)};其余项目合计 {fmt(partial)})" if missing else ""


def explain_unit(result: UnitResult) -> str:
    lines = [
        f"{result.name}({result.unit_id})",
        f"总分:{_score(result.total, result.max)}{_partial_total(result)}",
        f"等次:{result.grade or '未评定'}" + (f"({result.grade_explanation})" if result.grade_explanation else ""),
    ]
    if result.stars:
        lines.append(f"星级:{result.stars}")
    rank = f"第{result.rank}名" if result.rank is not None else "无排名"
    lines.append(f"排名:{rank}" + (f"({result.rank_explanation})" if result.rank_explanation else ""))
    for component in result.components:
        _component(component, lines)
    if result.flags:
        lines.append("提示:")
        lines.extend(f"{_INDENT}- {flag.message}" for flag in result.flags)
    return "\n".join(lines)


def _component(component: ComponentResult, lines: list[str]) -> None:
    lines.append(f"{_INDENT}{component.name} {_score(component.score, component.max)}")
    if component.explanation:
        lines.append(f"{_INDENT * 2}{component.explanation}")
    for item in component.items:
        _item(item, 2, lines)


def _item(item: ItemResult, depth: int, lines: list[str]) -> None:
    if item.basis == NOT_APPLICABLE and item.score is None:
        shown = f"不适用/{fmt(item.max)}"
    else:
        shown = _score(item.score, item.max)
    lines.append(f"{_INDENT * depth}{item.item_id} {item.name} {shown}:{item.explanation}")
    for child in item.children:
        _item(child, depth + 1, lines)
