"""The engine's one number formatter: how a number reads in an explanation.

- ``fmt``: a number as a person writes it (4 not 4.00, 0.9 not 0.90, never 1E+2) — scores,
  points, settings;
- ``fixed``: a computed number at a fixed number of places (86.67, 四舍五入 by default) — means,
  weighted results, shares.

Every module of the engine formats through these; nothing else in the engine formats a Decimal.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from kaoping.engine.model import Rounding

__all__ = ["CENT", "fixed", "fmt"]

CENT = Rounding(2)


def fmt(value: Decimal) -> str:
    """A number as a person writes it: 4 not 4.00, 0.9 not 0.90, never 1E+2; -0 reads 0."""
    text = str(value)  # 3x faster than format(value, "f"); falls back for exponents
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text


@lru_cache(maxsize=8192)
def fixed(value: Decimal, rounding: Rounding | None = None) -> str:
    """``value`` rounded by ``rounding`` (two places, 四舍五入, when None) and shown with all its places.

    Cached: explanations of 20,000 units repeat the same means and totals. Equal Decimals (100 and
    100.0) round to the same text, so sharing a cache entry between them is safe."""
    return format((rounding or CENT).apply(value), "f")
