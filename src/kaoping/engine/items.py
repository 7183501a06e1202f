"""Scores one unit's indicator tree (an INDICATORS component) into an ItemResult tree.

The scheme's tree is compiled once (``compile_tree``): rules are parsed, not-applicable results
are built in advance, and each node knows its children's points. ``score_tree`` then walks it for
each unit. This is the engine's hot path (millions of items per campaign), so it avoids per-item
allocations beyond the ItemResult itself and builds explanation text only where a number changes.

How a node is added up (docs/engine.md has the worked examples):

- a leaf's score comes from its rule (manual when none); a penalty item's score is negative
  (the points it takes off), a bonus item's score is what it adds;
- an inner node = its normal children + bonus − penalty, floored at 0, and capped at the node's
  points unless the component has ``allow_above_points``;
- not applicable: FULL_POINTS gives a normal item its points (a bonus or penalty item 0);
  RESCALE leaves it out (score None, basis "not_applicable") and scales the normal siblings
  up: normal sum × their points ÷ the applicable points; a node whose normal children are all
  not applicable is itself not applicable;
- a bonus or penalty item with no record for the unit counts 0 (they are claimed when they
  apply); a record whose score is missing is missing like any other item;
- missing: a child with no score makes every ancestor None (missing, never 0); the
  explanation still gives the partial sum of what is there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import (
    Component,
    Indicator,
    ItemKind,
    NotApplicablePolicy,
    Scheme,
)
from kaoping.engine.results import Flag, ItemResult
from kaoping.engine.rules import (
    EMPTY_INPUT,
    CompiledRule,
    Outcome,
    Rounder,
    RuleError,
    SchemeRuleContext,
    compile_rule,
    fast_rounding,
    fmt,
)
from kaoping.engine.rules.base import FigureRule
from kaoping.engine.rules.manual import BASIS_LABELS, ManualRule, with_note
from kaoping.engine.rules.overrides import KeyedOverridableRule

NOT_APPLICABLE = "not_applicable"  # ItemResult.basis of a not-applicable item
ZERO = Decimal(0)
_DEFAULT_BASES = ("confirmed", "reviewed", "self")
_CACHE_LIMIT = 2048  # distinct values cached per item and basis
# A figure (80.84%) has more distinct values than a hand-entered score; its results are kept
# in the campaign result anyway, so the cache only adds one reference per value.
_RULE_CACHE_LIMIT = 8192
_SUM_TEXTS: dict[str, str] = {}  # "下级指标合计 …" by sum; sums have few distinct values
# How _inner handles a child node (compared by identity)
_FAST_MANUAL = "fast manual"
_KEYED_RULE = "keyed rule"
_LEAF = "leaf"
_INNER = "inner"

# ItemResult is a frozen dataclass; its generated __init__ costs ~1.5 µs, a third of the whole
# per-item budget. Setting the slots through their descriptors builds the identical object in
# half the time. Guarded: if results.py ever changes the fields, fall back to the constructor.
_FIELDS = ("item_id", "name", "score", "max", "explanation", "basis", "children")
_SETTERS: tuple[Callable[[Any, Any], None], ...] = tuple(getattr(ItemResult, name).__set__ for name in _FIELDS)


def _fast_item_result(
    item_id: str,
    name: str,
    score: Decimal | None,
    max: Decimal,
    explanation: str,
    basis: str | None,
    children: tuple[ItemResult, ...],
) -> ItemResult:
    result: ItemResult = object.__new__(ItemResult)
    s_id, s_name, s_score, s_max, s_text, s_basis, s_children = _SETTERS
    s_id(result, item_id)
    s_name(result, name)
    s_score(result, score)
    s_max(result, max)
    s_text(result, explanation)
    s_basis(result, basis)
    s_children(result, children)
    return result


new_item_result: Callable[..., ItemResult] = (
    _fast_item_result if tuple(f.name for f in fields(ItemResult)) == _FIELDS else ItemResult
)


class CompiledNode:
    __slots__ = (
        "by_id",
        "cache",
        "cache_key",
        "children",
        "figure",
        "id",
        "is_leaf",
        "kind",
        "na_result",
        "name",
        "normal_points",
        "path",
        "points",
        "rounding",
        "rule",
        "texts",
        "unclaimed_result",
    )

    def __init__(
        self,
        indicator: Indicator,
        children: tuple[CompiledNode, ...],
        rule: CompiledRule | None,
        policy: NotApplicablePolicy,
        default_basis: bool = True,
        rounding: Rounder | None = None,
    ) -> None:
        self.id = indicator.id
        self.name = indicator.name
        self.points = indicator.points
        self.kind = indicator.kind
        self.children = children
        self.is_leaf = not children
        self.rule = rule
        self.normal_points = sum((child.points for child in children if child.kind is ItemKind.NORMAL), ZERO)
        self.na_result = _not_applicable_result(indicator, policy, rule)
        # bonus and penalty items are recorded only when they apply: no record means 0
        unclaimed = "未申报加分,计0分" if indicator.kind is ItemKind.BONUS else "无减分情形,不扣分"
        self.unclaimed_result = new_item_result(
            indicator.id, indicator.name, ZERO, indicator.points, unclaimed, None, ()
        )
        # The fast path (see _inner) handles the common case inline: a normal item scored by
        # hand, bases in the default order. Its results depend only on (basis, value), so they
        # are shared between units through a small cache keyed by the value's text.
        if children:
            self.path = _INNER
        elif default_basis and type(rule) is ManualRule and indicator.kind is ItemKind.NORMAL:
            self.path = _FAST_MANUAL
        elif getattr(rule, "cache_key", None) is not None:
            self.path = _KEYED_RULE
        else:
            self.path = _LEAF
        self.rounding = rounding
        # keyed rules: the value their result depends on (see _keyed_leaf)
        self.cache_key: Callable[[ItemInput], str | None] | None = getattr(rule, "cache_key", None)
        # a keyed rule over one figure, overridable by an entered score (the usual computed
        # item): its key is the figure's text, looked up inline by score_run
        self.figure: str | None = None
        if (
            type(rule) is KeyedOverridableRule
            and isinstance(rule.inner, FigureRule)
            and type(rule.inner).cache_key is FigureRule.cache_key
        ):
            self.figure = rule.inner.figure
        self.texts = tuple(f"采用{BASIS_LABELS[basis]}" for basis in _DEFAULT_BASES)
        self.cache: tuple[dict[str, ItemResult], ...] = ({}, {}, {})
        # The same results by the identity of the Decimal entered: id(value) → (value, result).
        # Readers share one Decimal per distinct stored value (results' loader converts each
        # database value once), so this skips building the value's text for almost every item;
        # holding the value keeps its id from being reused while the entry exists.
        self.by_id: tuple[dict[int, tuple[Decimal, ItemResult]], ...] = ({}, {}, {})

    def manual_result(self, value: Decimal, basis: int, key: str) -> ItemResult:
        score = value if self.rounding is None else self.rounding.apply(value)
        result = new_item_result(self.id, self.name, score, self.points, self.texts[basis], _DEFAULT_BASES[basis], ())
        cache = self.cache[basis]
        if len(cache) < _CACHE_LIMIT:
            cache[key] = result
        return result

    def shared_manual(self, value: Decimal, basis: int) -> ItemResult | None:
        """The shared result of a hand-entered ``value`` on ``basis``; None when it is out of
        range (the general path flags it)."""
        result = self.cache[basis].get(str(value))  # a cached value was in range
        if result is None:
            if value < ZERO or value > self.points:
                return None
            result = self.manual_result(value, basis, str(value))
        by_id = self.by_id[basis]
        if len(by_id) < _CACHE_LIMIT:
            by_id[id(value)] = (value, result)
        return result

    def noted(self, shared: ItemResult, note: str) -> ItemResult:
        """A shared hand-entered result with a unit's note (得失分说明): what the rule gives for
        the same value with that note (``ManualRule._accept``), without evaluating it again.
        Notes rarely repeat, so the result is the unit's own; only the lookup is shared."""
        return new_item_result(
            self.id, self.name, shared.score, self.points, with_note(shared.explanation, note), shared.basis, ()
        )


def _not_applicable_result(indicator: Indicator, policy: NotApplicablePolicy, rule: CompiledRule | None) -> ItemResult:
    if rule is not None and rule.effect is not None:
        return new_item_result(
            indicator.id, indicator.name, ZERO, indicator.points, "不适用,未触发", NOT_APPLICABLE, ()
        )
    if indicator.kind is not ItemKind.NORMAL:
        text = "不适用,加分项计0分" if indicator.kind is ItemKind.BONUS else "不适用,减分项不扣分"
        return new_item_result(indicator.id, indicator.name, ZERO, indicator.points, text, NOT_APPLICABLE, ())
    if policy is NotApplicablePolicy.FULL_POINTS:
        return new_item_result(
            indicator.id, indicator.name, indicator.points, indicator.points, "不适用,按满分计", NOT_APPLICABLE, ()
        )
    return new_item_result(
        indicator.id, indicator.name, None, indicator.points, "不适用,不计分(同级指标按比例折算)", NOT_APPLICABLE, ()
    )


class CompiledTree:
    """One INDICATORS component's tree, ready to score any number of units."""

    __slots__ = ("allow_above", "component", "plan", "rescale", "root", "rounding")

    def __init__(self, component: Component, root: CompiledNode, scheme: Scheme) -> None:
        self.component = component
        self.root = root
        self.allow_above = component.allow_above_points
        self.rescale = scheme.not_applicable is NotApplicablePolicy.RESCALE
        self.rounding: Rounder | None = fast_rounding(scheme.rounding.item)
        self.plan = RunPlan.of(root)


def rule_context(scheme: Scheme) -> SchemeRuleContext:
    """What a rule of ``scheme`` is compiled with: the item rounding and which score counts
    (the scheme's ``score_basis``: the first score present in that order)."""
    return SchemeRuleContext(
        item_rounding=scheme.rounding.item,
        basis_order=tuple(basis.value for basis in scheme.score_basis),
    )


def count_item(scheme: Scheme, item: Indicator, inp: ItemInput) -> Outcome:
    """One leaf item's score as a person enters it, by the rule the standings use: the score, or
    for a penalty item the deduction (a positive number). Not applicable gives ``(None, …,
    "not_applicable", None)``; RuleError if the item's rule is invalid."""
    rule = compile_rule(item, rule_context(scheme))
    if inp.not_applicable:
        return None, "单位标记为不适用", NOT_APPLICABLE, None
    score, text, basis, flag = rule.evaluate(inp)
    if score is not None and item.kind is ItemKind.PENALTY and not rule.value_is_deduction:
        score = item.points - score
    return score, text, basis, flag


def compile_tree(component: Component, scheme: Scheme) -> CompiledTree:
    """Parse every rule of ``component`` once; RuleError lists all problems (in Chinese)."""
    ctx = rule_context(scheme)
    problems: list[str] = []
    default_basis = ctx.basis_order == _DEFAULT_BASES

    def build(indicator: Indicator) -> CompiledNode:
        children = tuple(build(child) for child in indicator.children)
        rule: CompiledRule | None = None
        if not children:
            try:
                rule = compile_rule(indicator, ctx)
            except RuleError as error:
                problems.extend(error.problems)
        return CompiledNode(indicator, children, rule, scheme.not_applicable, default_basis, ctx.item_rounding)

    top = Indicator(
        id=component.id,
        name=component.name,
        points=component.points,
        children=component.indicators,
    )
    root = build(top)
    if problems:
        raise RuleError([f"考核项目 {component.name}:{problem}" for problem in problems])
    return CompiledTree(component, root, scheme)


class TreeOutcome:
    """A unit's scored tree: the top-level ItemResults, the component's raw score and what it
    raised (flags, triggered modifier effects)."""

    __slots__ = ("effects", "explanation", "flags", "items", "score")

    def __init__(self, root: ItemResult, flags: list[Flag], effects: list[str]) -> None:
        self.items = root.children
        self.score = root.score
        self.explanation = root.explanation
        self.flags = flags
        self.effects = effects


class _Walk:
    __slots__ = ("effects", "flags", "inputs", "tree")

    def __init__(self, tree: CompiledTree, inputs: Mapping[str, ItemInput]) -> None:
        self.tree = tree
        self.inputs = inputs
        self.flags: list[Flag] = []
        self.effects: list[str] = []


def score_tree(tree: CompiledTree, inputs: Mapping[str, ItemInput]) -> TreeOutcome:
    """Score one unit: ``inputs`` maps item id → that unit's ItemInput (absent = no record)."""
    walk = _Walk(tree, inputs)
    root = _inner(tree.root, walk)
    return TreeOutcome(root, walk.flags, walk.effects)


def _leaf(node: CompiledNode, walk: _Walk) -> ItemResult:
    return _leaf_of(node, walk, walk.inputs.get(node.id))


def _leaf_of(node: CompiledNode, walk: _Walk, inp: ItemInput | None) -> ItemResult:
    if inp is None:
        if node.kind is not ItemKind.NORMAL:
            return node.unclaimed_result
        inp = EMPTY_INPUT
    elif inp.not_applicable:
        return node.na_result
    rule = node.rule
    assert rule is not None  # leaves always carry a compiled rule
    score, text, basis, flag = rule.evaluate(inp)
    if flag is not None:
        walk.flags.append(Flag(flag[0], flag[1], node.id))
        if rule.effect is not None and score is not None:
            walk.effects.append(rule.effect)
    if node.kind is ItemKind.PENALTY and score is not None:
        # a penalty item's score is what it takes off: the entered deduction, or the shortfall
        # of a computed score
        score = -score if rule.value_is_deduction else score - node.points
        text = f"{text};减分项,扣{fmt(-score)}分"
    return new_item_result(node.id, node.name, score, node.points, text, basis, ())


def _keyed_leaf(node: CompiledNode, walk: _Walk, inp: ItemInput | None) -> ItemResult:
    """A rule whose result depends on one value (a figure, a level): units with the same value
    share the ItemResult, so the explanation is built once per distinct value."""
    if inp is None or inp.not_applicable:
        return _leaf_of(node, walk, inp)
    key = node.rule.cache_key(inp)  # type: ignore[union-attr]  # keyed leaves have a rule
    if key is None:
        return _leaf_of(node, walk, inp)
    cache = node.cache[0]
    result = cache.get(key)
    if result is None:
        raised = len(walk.flags)
        result = _leaf_of(node, walk, inp)
        if len(walk.flags) == raised and len(cache) < _RULE_CACHE_LIMIT:
            cache[key] = result
    return result


def _inner(node: CompiledNode, walk: _Walk) -> ItemResult:
    results: list[ItemResult] = []
    normal = ZERO
    extra = ZERO  # bonus − penalty
    na_points = ZERO
    missing: list[str] = []
    normal_kind = ItemKind.NORMAL
    inputs_get = walk.inputs.get
    for child in node.children:
        path = child.path
        if path is _FAST_MANUAL:
            # hot path, inlined: ~2M items per benchmark campaign (see CompiledNode)
            inp = inputs_get(child.id)
            if inp is None or inp.not_applicable:
                result = _leaf_of(child, walk, inp)
            else:
                basis = 0
                value = inp.confirmed_score
                if value is None:
                    basis = 1
                    value = inp.reviewed_score
                    if value is None:
                        basis = 2
                        value = inp.self_score
                if value is None:
                    result = _leaf_of(child, walk, inp)
                else:
                    entry = child.by_id[basis].get(id(value))
                    if entry is not None and entry[0] is value:
                        cached: ItemResult | None = entry[1]
                    else:
                        cached = child.shared_manual(value, basis)
                    if cached is not None:
                        if inp.note:
                            cached = child.noted(cached, inp.note)
                        normal += cached.score  # type: ignore[operator]  # never None here
                        results.append(cached)
                        continue
                    result = _leaf_of(child, walk, inp)
        elif path is _KEYED_RULE:
            inp = inputs_get(child.id)
            cached = None
            if inp is not None and not inp.not_applicable:
                key = child.cache_key(inp)  # type: ignore[misc]  # a keyed node has one
                if key is not None:
                    cached = child.cache[0].get(key)
            result = _keyed_leaf(child, walk, inp) if cached is None else cached
        elif path is _LEAF:
            result = _leaf(child, walk)
        else:
            result = _inner(child, walk)
        results.append(result)
        score = result.score
        if score is None:
            if result.basis is NOT_APPLICABLE:
                na_points += child.points
            else:
                missing.append(child.id)
        elif child.kind is normal_kind:
            normal += score
        else:
            extra += score
    return _inner_result(node, walk, tuple(results), normal, extra, na_points, missing)


def _inner_result(
    node: CompiledNode,
    walk: _Walk,
    children: tuple[ItemResult, ...],
    normal: Decimal,
    extra: Decimal,
    na_points: Decimal,
    missing: list[str],
) -> ItemResult:
    """An inner node's result from its children's results and their sums (see ``_inner``)."""
    if not (missing or extra or na_points):
        # the common case: a plain sum, whose wording depends on the sum alone
        return new_item_result(node.id, node.name, normal, node.points, _sum_text(normal), None, children)
    if missing:
        text = _missing_text(missing, normal + extra)
        return new_item_result(node.id, node.name, None, node.points, text, None, children)
    if na_points and na_points == node.normal_points:
        return new_item_result(
            node.id, node.name, None, node.points, "下级指标均不适用,不计分", NOT_APPLICABLE, children
        )
    score, text = _add_up(node, walk.tree, normal, extra, na_points)
    return new_item_result(node.id, node.name, score, node.points, text, None, children)


def _sum_text(normal: Decimal) -> str:
    key = str(normal)
    text = _SUM_TEXTS.get(key)
    if text is None:
        text = f"下级指标合计 {fmt(normal)}"
        if len(_SUM_TEXTS) < _CACHE_LIMIT:
            _SUM_TEXTS[key] = text
    return text


# --------------------------------------------------------------------------------------------
# A unit's inputs as one run in leaf order (score_run)
# --------------------------------------------------------------------------------------------

_score_of = attrgetter("score")
_NO_INPUTS: Mapping[str, ItemInput] = {}


# an inner node, where its children's results are (a slice, or an itemgetter when they are not
# side by side) and whether they are all normal items
_InnerStep = tuple[CompiledNode, slice, Callable[[list[ItemResult]], tuple[ItemResult, ...]] | None, bool]


class RunPlan:
    """A tree's leaves in depth-first order and its inner nodes in post-order, for ``score_run``.

    ``ids`` are the leaf ids in that order; a unit whose inputs come as a run with exactly these
    item ids (the results loader's order) is scored by ``score_run``. Inner nodes refer to their
    children by position in one list: the leaves' results first, then each inner node's result
    as it is made. ``None`` for a tree whose leaf ids repeat (a mapping decides those)."""

    __slots__ = ("ids", "inner", "leaves")

    def __init__(
        self,
        leaves: list[CompiledNode],
        inner: list[_InnerStep],
    ) -> None:
        self.leaves = leaves
        self.ids = [leaf.id for leaf in leaves]
        self.inner = inner

    @classmethod
    def of(cls, root: CompiledNode) -> RunPlan | None:
        leaves: list[CompiledNode] = []
        inner_nodes: list[CompiledNode] = []

        def visit(node: CompiledNode) -> None:
            if node.is_leaf:
                leaves.append(node)
                return
            for child in node.children:
                visit(child)
            inner_nodes.append(node)  # post-order: after its children

        visit(root)
        if root.is_leaf or len({leaf.id for leaf in leaves}) != len(leaves):
            return None
        index = {id(leaf): position for position, leaf in enumerate(leaves)}
        index.update({id(node): len(leaves) + position for position, node in enumerate(inner_nodes)})
        inner: list[_InnerStep] = []
        for node in inner_nodes:
            # the children's results: a slice of the list when they sit side by side (always for
            # leaves), else picked out by an itemgetter (two or more positions: a tuple)
            refs = [index[id(child)] for child in node.children]
            contiguous = refs == list(range(refs[0], refs[0] + len(refs)))
            part = slice(refs[0], refs[0] + len(refs))
            several: Callable[[list[ItemResult]], tuple[ItemResult, ...]] | None = (
                None if contiguous else itemgetter(*refs)
            )
            plain = all(child.kind is ItemKind.NORMAL for child in node.children)
            inner.append((node, part, several, plain))
        return cls(leaves, inner)


def score_run(tree: CompiledTree, run: Sequence[ItemInput]) -> TreeOutcome:
    """Score one unit whose inputs are ``run``, one per leaf in the order of ``tree.plan.ids``:
    exactly what ``score_tree`` gives for the same inputs as a mapping.

    One flat loop over the leaves and the run side by side (no item-id lookups, no recursion):
    hand-entered scores and figure-keyed results shared between units are picked up inline, any
    other item goes through the general path (``_child_result``). Then each inner node, children
    first: all normal items, all scored → their ``sum`` and the shared wording of a plain sum;
    anything else → ``_combine``, the tail of ``_inner``."""
    plan = tree.plan
    assert plan is not None
    walk = _Walk(tree, _NO_INPUTS)
    results: list[ItemResult] = []
    add = results.append
    for child, inp in zip(plan.leaves, run, strict=True):
        path = child.path
        if path is _KEYED_RULE:
            # a figure's result shared by value (see _keyed_leaf and the rule's cache_key)
            figure = child.figure
            if (
                figure is not None
                and not inp.not_applicable
                and inp.confirmed_score is None
                and inp.reviewed_score is None
                and not inp.department_scores
            ):
                shown = inp.figures.get(figure)
                if shown is not None:
                    cached = child.cache[0].get(str(shown))
                    if cached is not None:
                        add(cached)
                        continue
        elif path is _FAST_MANUAL and not inp.not_applicable:
            # the common case, inlined (see _child_result)
            basis = 0
            value = inp.confirmed_score
            if value is None:
                basis = 1
                value = inp.reviewed_score
                if value is None:
                    basis = 2
                    value = inp.self_score
            if value is not None:
                entry = child.by_id[basis].get(id(value))
                if entry is not None and entry[0] is value:
                    add(child.noted(entry[1], inp.note) if inp.note else entry[1])
                    continue
        add(_child_result(child, inp, walk))
    for node, part, several, plain in plan.inner:
        children = tuple(results[part]) if several is None else several(results)
        if plain:
            try:
                normal = sum(map(_score_of, children), ZERO)
            except TypeError:  # a child is missing or not applicable: the general wording
                pass
            else:
                results.append(
                    new_item_result(node.id, node.name, normal, node.points, _sum_text(normal), None, children)
                )
                continue
        results.append(_combine(node, walk, children))
    return TreeOutcome(results[-1], walk.flags, walk.effects)


def _child_result(child: CompiledNode, inp: ItemInput, walk: _Walk) -> ItemResult:
    """One leaf's result, exactly as ``_inner`` makes it for ``inp``."""
    path = child.path
    if path is _FAST_MANUAL:
        if inp.not_applicable:
            return _leaf_of(child, walk, inp)
        basis = 0
        value = inp.confirmed_score
        if value is None:
            basis = 1
            value = inp.reviewed_score
            if value is None:
                basis = 2
                value = inp.self_score
        if value is None:
            return _leaf_of(child, walk, inp)
        entry = child.by_id[basis].get(id(value))
        cached = entry[1] if entry is not None and entry[0] is value else child.shared_manual(value, basis)
        if cached is None:
            return _leaf_of(child, walk, inp)
        return child.noted(cached, inp.note) if inp.note else cached
    if path is _KEYED_RULE:
        return _keyed_leaf(child, walk, inp)
    return _leaf_of(child, walk, inp)


def _combine(node: CompiledNode, walk: _Walk, children: tuple[ItemResult, ...]) -> ItemResult:
    """An inner node's result from its children's results, adding up as ``_inner`` does."""
    normal = ZERO
    extra = ZERO
    na_points = ZERO
    missing: list[str] = []
    normal_kind = ItemKind.NORMAL
    for child, result in zip(node.children, children, strict=True):
        score = result.score
        if score is None:
            if result.basis is NOT_APPLICABLE:
                na_points += child.points
            else:
                missing.append(child.id)
        elif child.kind is normal_kind:
            normal += score
        else:
            extra += score
    return _inner_result(node, walk, children, normal, extra, na_points, missing)


def _missing_text(missing: list[str], partial: Decimal) -> str:
    shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
    return f"缺失:{len(missing)}项未得分({shown}),已得分项合计 {fmt(partial)}"


def _add_up(
    node: CompiledNode, tree: CompiledTree, normal: Decimal, extra: Decimal, na_points: Decimal
) -> tuple[Decimal, str]:
    parts: list[str] = []
    if na_points:
        applicable = node.normal_points - na_points
        scaled = normal * node.normal_points / applicable
        if tree.rounding is not None:
            scaled = tree.rounding.apply(scaled)
        parts.append(
            f"不适用项共{fmt(na_points)}分不计,其余 {fmt(normal)}/{fmt(applicable)} "
            f"按比例折算为 {fmt(scaled)}/{fmt(node.normal_points)}"
        )
        normal = scaled
    else:
        parts.append(f"下级指标合计 {fmt(normal)}")
    if not extra:
        return normal, parts[0]
    total = normal + extra
    parts.append(f"{'加' if extra > 0 else '减'}分项 {fmt(abs(extra))}")
    if total < ZERO:
        total = ZERO
        parts.append("最低为0")
    elif total > node.points and not tree.allow_above:
        total = node.points
        parts.append(f"封顶{fmt(node.points)}分")
    return total, ",".join(parts)
