"""Figures a rule reads from the platform's own records instead of from what a unit typed.

A figure rule may name a ``source`` (``rule: {kind: deduct_per_occurrence, figure: open,
source: previous_problems, …}``). The unit is then not asked for those figures: the platform fills
them in from the record the source names. Three sources:

- ``previous_problems``: last year's problem list of the unit (seed 004 item 54: 13 problems,
  11 fixed, 2 open, from the 整改台账);
- ``target`` with ``source_key: <target name>``: the unit's annual target of that name (seed 001:
  招商引资 7800 万元, 5310 done, 68.1%);
- ``key_task`` with ``source_key: <number>``: the campaign's key task of that number (seed 003;
  done or not, milestones done).

The engine only knows each source's name, what it means and which figures it provides, so a
scheme is checked without a database; who fills them in is the platform's business
(``kaoping.campaigns.hooks.provide_figure_source``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kaoping.engine.model import RuleSpec
from kaoping.engine.numbers import fmt


@dataclass(frozen=True, slots=True)
class FigureSource:
    name: str
    title: str  # Chinese: where the figures come from
    figures: Mapping[str, str]  # figure name → its Chinese label
    key_title: str = ""  # what ``source_key`` names (目标任务, 重点工作编号); "" when the source takes none
    numeric_key: bool = False

    @property
    def keyed(self) -> bool:
        return bool(self.key_title)


PREVIOUS_PROBLEMS = FigureSource(
    name="previous_problems",
    title="上年问题清单(整改台账)",
    figures={"problems": "上年问题数", "fixed": "已整改到位问题数", "open": "未整改到位问题数"},
)
TARGET = FigureSource(
    name="target",
    title="目标任务",
    figures={"done": "完成值", "target": "目标值", "rate": "完成率"},
    key_title="目标任务名称",
)
KEY_TASK = FigureSource(
    name="key_task",
    title="重点工作",
    figures={
        "done": "是否完成",
        "milestones": "节点数",
        "milestones_done": "已完成节点数",
        "milestone_rate": "节点完成率",
    },
    key_title="重点工作编号",
    numeric_key=True,
)

FIGURE_SOURCES: dict[str, FigureSource] = {source.name: source for source in (PREVIOUS_PROBLEMS, TARGET, KEY_TASK)}


def source_of(spec: RuleSpec | None) -> FigureSource | None:
    """The figure source a rule names, or None (the unit reports the figures itself)."""
    if spec is None:
        return None
    name = spec.params.get("source")
    return FIGURE_SOURCES.get(name) if isinstance(name, str) else None


def source_key(spec: RuleSpec | None) -> str:
    """Which record of a keyed source the rule reads (a target's name, a key task's number); "" for none."""
    if spec is None:
        return ""
    key = spec.params.get("source_key")
    return "" if key is None or isinstance(key, bool) else str(key).strip()


def source_problems(params: Mapping[str, object], figures: list[str]) -> list[str]:
    """Chinese problems with a rule's ``source`` and the figures it reads from it; [] when fine."""
    name = params.get("source")
    key = params.get("source_key")
    if name is None:
        return ["参数 'source_key' 只能与数据来源 'source' 一起使用"] if key is not None else []
    source = FIGURE_SOURCES.get(name) if isinstance(name, str) else None
    if source is None:
        known = "、".join(f"{s.name}({s.title})" for s in FIGURE_SOURCES.values())
        return [f"参数 'source' 应为 {known} 之一,实际为 {name!r}"]
    problems = [
        f"数据来源 {source.title} 没有数据 '{figure}'(可用:{'、'.join(source.figures)})"
        for figure in figures
        if figure not in source.figures
    ]
    text = "" if key is None or isinstance(key, bool) else str(key).strip()
    if source.keyed and not text:
        problems.append(f"数据来源 {source.title} 须用 'source_key' 写明{source.key_title}")
    elif source.keyed and source.numeric_key and not text.isdigit():
        problems.append(f"参数 'source_key' 应为{source.key_title}(正整数),实际为 {key!r}")
    elif not source.keyed and key is not None:
        problems.append(f"数据来源 {source.title} 不需要参数 'source_key'")
    return problems


def with_source_labels(params: Mapping[str, object]) -> Mapping[str, object]:
    """The rule's parameters with the source's Chinese label for its figure, unless it has one."""
    name = params.get("source")
    source = FIGURE_SOURCES.get(name) if isinstance(name, str) else None
    if source is None:
        return params
    labelled = dict(params)
    figure = params.get("figure")
    if params.get("label") is None and isinstance(figure, str) and figure in source.figures:
        labelled["label"] = source.figures[figure]
    return labelled


def describe(source: FigureSource, figures: Mapping[str, Decimal], key: str = "") -> str:
    """What the source gave, in Chinese: ``上年问题清单(整改台账):上年问题数 13,…``."""
    parts = [
        f"{label} {_shown(source, name, figures[name])}" for name, label in source.figures.items() if name in figures
    ]
    if source is PREVIOUS_PROBLEMS and figures.get("problems"):
        rate = Decimal(100) * figures.get("fixed", Decimal(0)) / figures["problems"]
        parts.append(f"整改率 {fmt(rate.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}%")
    return f"{title_of(source, key)}:{','.join(parts) if parts else '无记录'}"


def title_of(source: FigureSource, key: str = "") -> str:
    """``目标任务“招商引资”``, ``重点工作第 26 项``, or the plain title."""
    if source is KEY_TASK and key:
        return f"{source.title}第 {key} 项"
    return f"{source.title}“{key}”" if key else source.title


def _shown(source: FigureSource, name: str, value: Decimal) -> str:
    if source is KEY_TASK and name == "done":
        return "是" if value else "否"
    if name in ("rate", "milestone_rate"):
        return f"{fmt(value)}%"
    return fmt(value)
