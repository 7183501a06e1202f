"""Completion rates, exactly: ``done / target × 100`` in Decimal, 四舍五入 to one decimal.

No report, or a report without a figure, is *missing* (None, shown as 未报送) — never 0. A rate
the unit stated without the figure (seed 001: "完成年度任务数的18%") is kept as stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

TENTH = Decimal("0.1")


def completion(done: Decimal | None, target: Decimal | None) -> Decimal | None:
    """5310 of 7800 → Decimal("68.1"); None when either is missing or the target is not positive."""
    if done is None or target is None or target <= 0:
        return None
    with localcontext() as context:
        context.prec = 50
        return (done * 100 / target).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    """A target's standing: the latest figure and its rate, or why there is none."""

    done: Decimal | None
    rate: Decimal | None
    stated: bool = False  # the rate is the one the unit stated, not computed from a figure
    on: object = None  # the latest report's date, or None when nothing was reported

    @property
    def missing(self) -> bool:
        return self.rate is None

    @property
    def done_text(self) -> str:
        return "" if self.done is None else format(self.done.normalize(), "f")

    @property
    def text(self) -> str:
        return "" if self.rate is None else f"{self.rate:f}%"


def rate_of(target_value: Decimal, latest: object | None) -> Rate:
    """The rate from the latest report (``TargetReport`` or None)."""
    if latest is None:
        return Rate(None, None)
    done = getattr(latest, "done", None)
    on = getattr(latest, "on", None)
    if done is not None:
        return Rate(done, completion(done, target_value), on=on)
    stated = getattr(latest, "stated_rate", None)
    if stated is not None:
        return Rate(None, Decimal(stated).quantize(TENTH, rounding=ROUND_HALF_UP), stated=True, on=on)
    return Rate(None, None, on=on)
