"""The random draw (随机抽签): every unit to one group, no group with a member who must recuse
himself from the unit (回避), group sizes differing by at most one.

Pure and deterministic for a given seed: the seed is recorded in the audit, so the same draw can be
reproduced. With n units over k groups, n = q·k + r, every group gets q units and r of them one
more. The draw is a maximum flow (source → group: q; source → "one more": r; "one more" → group: 1;
group → unit it may inspect: 1; unit → sink: 1), started from a shuffled greedy pass; when the flow
cannot take every unit, the first unit left out is named with the reason.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Placed:
    groups: dict[Hashable, Hashable]  # unit → group


@dataclass(frozen=True)
class Unplaceable:
    unit: Hashable
    allowed: tuple[Hashable, ...]  # the groups that could inspect it (all full), empty if none


class _Flow:
    def __init__(self, size: int) -> None:
        self.graph: list[list[list[int]]] = [[] for _ in range(size)]  # edge: [to, capacity, reverse index]

    def add(self, u: int, v: int, capacity: int) -> tuple[int, int]:
        self.graph[u].append([v, capacity, len(self.graph[v])])
        self.graph[v].append([u, 0, len(self.graph[u]) - 1])
        return u, len(self.graph[u]) - 1

    def push(self, handle: tuple[int, int]) -> None:
        u, index = handle
        edge = self.graph[u][index]
        edge[1] -= 1
        self.graph[edge[0]][edge[2]][1] += 1

    def capacity(self, handle: tuple[int, int]) -> int:
        u, index = handle
        return self.graph[u][index][1]

    def augment(self, source: int, sink: int) -> bool:
        previous: dict[int, tuple[int, int]] = {}
        queue = deque([source])
        seen = {source}
        while queue:
            u = queue.popleft()
            for index, (v, capacity, _reverse) in enumerate(self.graph[u]):
                if capacity > 0 and v not in seen:
                    seen.add(v)
                    previous[v] = (u, index)
                    if v == sink:
                        node = sink
                        while node != source:
                            handle = previous[node]
                            self.push(handle)
                            node = handle[0]
                        return True
                    queue.append(v)
        return False


def draw(
    units: Sequence[Any], groups: Sequence[Any], allowed: Mapping[Any, Collection[Any]], seed: str
) -> Placed | Unplaceable:
    """``allowed[unit]``: the groups none of whose members must recuse from the unit."""
    rng = random.Random(seed)  # reproducible from the recorded seed; the seed itself comes from secrets
    units = list(units)
    groups = list(groups)
    rng.shuffle(units)
    rng.shuffle(groups)
    k, n = len(groups), len(units)
    quota, extra = divmod(n, k)
    source, bonus, sink = 0, 1, 2
    gnode = {g: 3 + i for i, g in enumerate(groups)}
    unode = {u: 3 + k + i for i, u in enumerate(units)}
    flow = _Flow(3 + k + n)
    base = {g: flow.add(source, gnode[g], quota) for g in groups}
    to_bonus = flow.add(source, bonus, extra)
    more = {g: flow.add(bonus, gnode[g], 1) for g in groups}
    edge: dict[tuple[Hashable, Hashable], tuple[int, int]] = {}
    for u in units:
        for g in groups:
            if g in allowed.get(u, ()):
                edge[(u, g)] = flow.add(gnode[g], unode[u], 1)
    last = {u: flow.add(unode[u], sink, 1) for u in units}
    load = dict.fromkeys(groups, 0)
    extra_left = extra
    for u in units:  # the greedy pass: the least loaded group the unit may go to
        options = [g for g in groups if (u, g) in edge]
        rng.shuffle(options)
        options.sort(key=lambda g: load[g])
        for g in options:
            if load[g] < quota:
                flow.push(base[g])
            elif load[g] == quota and extra_left > 0:
                flow.push(more[g])
                flow.push(to_bonus)
                extra_left -= 1
            else:
                continue
            flow.push(edge[(u, g)])
            flow.push(last[u])
            load[g] += 1
            break
    while flow.augment(source, sink):
        pass
    left = [u for u in units if flow.capacity(last[u]) > 0]
    if left:
        unit = min(left, key=lambda u: (len(allowed.get(u, ())), str(u)))
        return Unplaceable(unit=unit, allowed=tuple(g for g in groups if (unit, g) in edge))
    placed = {u: g for (u, g), handle in edge.items() if flow.capacity(handle) == 0}
    return Placed(groups=placed)
