"""A figure rule whose figures come from a platform record (``engine.sources``), not from the unit.

It scores exactly as the rule it wraps and says first where the figures came from, so the
explanation of seed 004 item 54 reads ``上年问题清单(整改台账):上年问题数 13,已整改到位问题数 11,
未整改到位问题数 2,整改率 84.6%;未整改到位问题数 2个,每个扣0.5分,扣1分 → 0.5/1.5``.
"""

from __future__ import annotations

from kaoping.engine.inputs import ItemInput
from kaoping.engine.rules.base import CompiledRule, Outcome
from kaoping.engine.sources import FigureSource, describe, title_of


class SourcedRule:
    __slots__ = ("effect", "inner", "key", "names", "source", "value_is_deduction")

    def __init__(self, inner: CompiledRule, source: FigureSource, key: str = "") -> None:
        self.inner = inner
        self.source = source
        self.key = key
        self.names = tuple(source.figures)
        self.value_is_deduction = inner.value_is_deduction
        self.effect = inner.effect

    def evaluate(self, inp: ItemInput) -> Outcome:
        score, text, basis, flag = self.inner.evaluate(inp)
        if score is None:  # "缺失:…" first, as for every missing item
            if not any(name in inp.figures for name in self.names):
                return score, f"{text}({title_of(self.source, self.key)}中没有这个单位的记录)", basis, flag
            return score, f"{text}({describe(self.source, inp.figures, self.key)})", basis, flag
        return score, f"{describe(self.source, inp.figures, self.key)};{text}", basis, flag

    def cache_key(self, inp: ItemInput) -> str | None:
        """Every figure of the source: the explanation names them all."""
        figures = inp.figures
        return "|".join("" if figures.get(name) is None else str(figures[name]) for name in self.names)
