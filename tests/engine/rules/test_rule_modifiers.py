from decimal import Decimal

import pytest
from rule_helpers import make_rule

from kaoping.engine.inputs import ItemInput
from kaoping.engine.results import FlagCode


def triggered(value: bool | None) -> ItemInput:
    return ItemInput(unit_id="u1", item_id="15", triggered=value)


@pytest.mark.parametrize(
    ("kind", "params", "effect", "code"),
    [
        ("veto", {}, "veto", FlagCode.VETO),
        ("veto", {"effect": "zero_component"}, "zero_component", FlagCode.VETO),
        ("downgrade", {}, "downgrade", FlagCode.DOWNGRADED),
        ("not_excellent", {}, "not_excellent", FlagCode.NOT_EXCELLENT),
    ],
)
def test_triggered_modifier_scores_zero_and_raises_its_flag(
    kind: str, params: dict[str, str], effect: str, code: FlagCode
) -> None:
    rule = make_rule(kind, points="0", **params)
    assert rule.effect == effect
    score, text, _, flag = rule.evaluate(triggered(True))
    assert score == Decimal(0)
    assert text.startswith("已触发")
    assert flag is not None and flag[0] is code and "15 班额" in flag[1]


@pytest.mark.parametrize("value", [False, None])
def test_untriggered_or_unrecorded_modifier_does_nothing(value: bool | None) -> None:
    assert make_rule("veto", points="0").evaluate(triggered(value)) == (Decimal(0), "未触发", "rule", None)
