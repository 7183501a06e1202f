"""Bounds on a hand-written scheme file, enforced while it is read and before anything is built.

A scheme file may come from anyone who can upload one, so reading it must cost little whatever it
says. A 318-byte YAML file with nested aliases ("billion laughs") once took 11 s and 2.1 GB in the
command line and 4.85 GB in a web worker: PyYAML shares an aliased node instead of copying it, but
every later pass (schema check, builder, error messages) walks the expansion. So we count the
*expanded* size while composing — an alias costs as much as the node it points to — and stop at
the first node past a limit, with the line and column where that happened.

Real schemes are far below every limit: the largest example (examples/honggutan-2021) is 12 KB,
701 nodes, 9 levels deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

MAX_SCHEME_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000  # counted with every alias expanded
MAX_ALIASES = 1_000
MAX_NUMBER_DIGITS = 100  # longer integers are refused (Python refuses > 4,300 digits with a ValueError)


class LimitExceeded(Exception):
    """The file is over one of the bounds; ``location`` is "第N行第M列" (or "")."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


def size_problem(size: int) -> str | None:
    if size <= MAX_SCHEME_BYTES:
        return None
    return f"文件过大({size / 1024 / 1024:.1f} MB),方案文件上限为 {MAX_SCHEME_BYTES // 1024 // 1024} MB"


def line_column(line: int, column: int) -> str:
    """1-based "第N行第M列"."""
    return f"第{line}行第{column}列"


class BadNumber(str):
    """A number we refuse to use (NaN, ±infinity, absurdly long), kept as its text.

    Being a ``str``, it fails the schema's number check and every numeric parser downstream, so
    nothing ever computes with it; ``where`` remembers its line and column for the message.
    """

    where: str = ""
    reason: str = ""

    @classmethod
    def make(cls, text: str, where: str, reason: str) -> BadNumber:
        value = cls(text)
        value.where = where
        value.reason = reason
        return value


NON_FINITE = "不是有限的数字:NaN 和无穷大(.nan、.inf、NaN、Infinity)不能作为分值或任何数值"
TOO_LONG = f"数字超过 {MAX_NUMBER_DIGITS} 位,请检查是否多写了数字"


def bad_numbers(data: Any) -> Iterator[tuple[tuple[str | int, ...], BadNumber]]:
    """Every BadNumber in parsed data with its path. The data's size is already bounded."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, BadNumber):
            yield path, value
        elif isinstance(value, dict):
            stack.extend(((*path, str(key)), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in reversed(list(enumerate(value))))


# -- YAML --------------------------------------------------------------------------------------


class BoundedComposer:
    """Mixin for a PyYAML loader: counts depth, aliases and expanded nodes while composing."""

    nodes: int
    aliases: int
    depth: int
    _weights: dict[int, int]

    def init_bounds(self) -> None:
        self.nodes = 0
        self.aliases = 0
        self.depth = 0
        self._weights = {}  # id(anchored node) → its expanded node count

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        where = line_column(event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.AliasEvent):
            return self._compose_alias(parent, index, where)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise LimitExceeded(where, f"嵌套层数过深(超过 {MAX_DEPTH} 层),请检查缩进或括号")
        before = self.nodes
        self._count(1, where)
        node: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[misc]
        self.depth -= 1
        if event.anchor is not None:
            self._weights[id(node)] = self.nodes - before
        return node

    def _compose_alias(self, parent: yaml.Node | None, index: object, where: str) -> yaml.Node | None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise LimitExceeded(where, f"别名(*引用)超过 {MAX_ALIASES} 处,请直接写出内容")
        node: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[misc]
        weight = self._weights.get(id(node))
        if weight is None:  # the anchor is still open: the alias points into itself
            raise LimitExceeded(where, "别名引用了包含它自身的内容(循环引用),无法读取")
        self._count(weight, where)
        return node

    def _count(self, weight: int, where: str) -> None:
        self.nodes += weight
        if self.nodes > MAX_NODES:
            raise LimitExceeded(
                where,
                f"内容过多:展开别名(*引用)后超过 {MAX_NODES:,} 个值。文件可能含有层层嵌套的别名(“别名炸弹”),已停止读取",
            )


# -- JSON --------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?Infinity|NaN|[-+0-9.eE]+|true|false|null')


@dataclass
class JsonScan:
    """Positions of NaN/Infinity, in document order (json.loads meets them in the same order)."""

    constants: list[str]


def scan_json(text: str, *, max_nodes: int | None = None) -> JsonScan:
    """Check depth and value count of JSON text before json.loads builds anything."""
    max_nodes = MAX_NODES if max_nodes is None else max_nodes
    depth = values = 0
    constants: list[str] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first in "]}":
            depth -= 1
            continue
        values += 1
        if values > max_nodes:
            raise LimitExceeded(_json_where(text, match.start()), f"内容过多:超过 {max_nodes:,} 个值")
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LimitExceeded(
                    _json_where(text, match.start()), f"嵌套层数过深(超过 {MAX_DEPTH} 层),请检查括号是否成对"
                )
        elif token in ("NaN", "Infinity", "-Infinity"):
            constants.append(_json_where(text, match.start()))
    return JsonScan(constants)


def _json_where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line_column(line, column)
