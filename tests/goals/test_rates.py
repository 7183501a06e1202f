from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from kaoping.goals.rates import completion, rate_of


@pytest.mark.parametrize(
    ("done", "target", "expected"),
    [
        ("5310", "7800", "68.1"),  # seed 001: 招商引资
        ("1", "8", "12.5"),
        ("1", "16", "6.3"),  # 6.25 → 6.3: half up, not half even
        ("3", "16", "18.8"),  # 18.75 → 18.8
        ("7800", "7800", "100.0"),
        ("9000", "7800", "115.4"),
        ("0", "25", "0.0"),  # a reported 0 is 0
        ("64.9", "64.9", "100.0"),
    ],
)
def test_completion_is_exact_and_rounded_half_up_to_one_decimal(done, target, expected):
    assert completion(Decimal(done), Decimal(target)) == Decimal(expected)


def test_missing_is_none_never_zero():
    assert completion(None, Decimal("7800")) is None
    assert completion(Decimal("1"), Decimal("0")) is None
    assert rate_of(Decimal("7800"), None).missing
    blank = SimpleNamespace(done=None, stated_rate=None, on="2018-06-30")
    rate = rate_of(Decimal("22700"), blank)
    assert rate.missing and rate.rate is None and rate.text == ""


def test_a_stated_rate_without_a_figure_is_kept_as_stated():
    rate = rate_of(Decimal("6"), SimpleNamespace(done=None, stated_rate=Decimal("18"), on=None))
    assert rate.stated and rate.rate == Decimal("18.0") and rate.text == "18.0%"
    computed = rate_of(Decimal("7800"), SimpleNamespace(done=Decimal("5310"), stated_rate=Decimal("99"), on=None))
    assert not computed.stated and computed.text == "68.1%" and computed.done_text == "5310"
