from decimal import Decimal
from typing import Any

import pytest

from kaoping.engine.model import Indicator, ItemKind, RuleSpec
from kaoping.engine.rules import REGISTRY, validate_rule


def problems(kind: str, points: str = "4", item_kind: ItemKind = ItemKind.NORMAL, **params: Any) -> list[str]:
    item = Indicator(id="15", name="班额", points=Decimal(points), kind=item_kind)
    return validate_rule(RuleSpec(kind, params), item)


def test_registry_has_every_contract_kind() -> None:
    assert set(REGISTRY) == {
        "manual",
        "threshold",
        "deduct_per_unit_short",
        "deduct_per_occurrence",
        "stepped",
        "ratio_to_target",
        "attainment",
        "n_of_m",
        "veto",
        "downgrade",
        "not_excellent",
    }


def test_unknown_kind_is_named() -> None:
    assert problems("bonus_points")[0].startswith("未知的计分规则 'bonus_points'")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("manual", {}),
        ("threshold", {"figure": "r", "standard": 90}),
        ("deduct_per_unit_short", {"figure": "r", "standard": "90", "deduct": "0.1", "rounding": {"places": 1}}),
        ("deduct_per_occurrence", {"figure": "n", "deduct": 1}),
        ("stepped", {"figure": "r", "steps": [{"min": 95, "points": 4}, {"min": 90, "points": 2}]}),
        ("stepped", {"levels": {"优": 4, "良": 2}}),
        ("ratio_to_target", {"figure": "done", "target": 7800}),
        ("attainment", {"levels": {"A": 1, "B": 0.8}}),
        ("n_of_m", {"figures": [{"figure": "a", "standard": 1}, {"figure": "b", "standard": 2}], "at_least": 1}),
    ],
)
def test_valid_rules_have_no_problems(kind: str, params: dict[str, Any]) -> None:
    assert problems(kind, **params) == []


@pytest.mark.parametrize("kind", ["veto", "downgrade", "not_excellent"])
def test_modifiers_are_valid_on_zero_point_items_only(kind: str) -> None:
    assert problems(kind, points="0") == []
    assert problems(kind, points="2") == [f"计分规则 {kind}:此类指标不计分,分值应为 0,实际为 2"]


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("threshold", {"standard": 90}, "计分规则 threshold:缺少参数 'figure'"),
        ("threshold", {"figure": "r", "standard": "九十"}, "计分规则 threshold:参数 'standard' 应为数字,实际为 '九十'"),
        ("threshold", {"figure": "r", "standard": 90, "colour": "red"}, "计分规则 threshold:未知参数 'colour'"),
        (
            "threshold",
            {"figure": "r", "standard": 90, "partial": 5},
            "参数 'partial' 5 超过指标分值 4",
        ),
        ("deduct_per_unit_short", {"figure": "r", "standard": 90}, "计分规则 deduct_per_unit_short:缺少参数 'deduct'"),
        (
            "deduct_per_unit_short",
            {"figure": "r", "standard": 90, "deduct": -1},
            "计分规则 deduct_per_unit_short:参数 'deduct' 应大于 0,实际为 -1",
        ),
        (
            "deduct_per_unit_short",
            {"figure": "r", "standard": 90, "deduct": 1, "rounding": {"places": 1, "mode": "banker"}},
            "参数 'rounding.mode' 应为 half_up、down、up、floor、ceiling 之一,实际为 'banker'",
        ),
        ("deduct_per_unit_short", {"figure": "r", "standard": 90, "deduct": 1, "direction": "up"}, "参数 'direction'"),
        (
            "stepped",
            {"figure": "r", "steps": [{"min": 90, "points": 2}, {"min": 95, "points": 4}]},
            "第2档应比上一档要求更低",
        ),
        ("stepped", {"figure": "r", "steps": [{"min": 90, "points": 9}]}, "第1档的分值 9 应在 0 到 4 之间"),
        ("stepped", {"figure": "r"}, "参数 'steps'"),
        ("attainment", {"levels": {"A": 0.8, "B": 1}}, "等级应从好到差排列"),
        ("attainment", {"levels": {"A": 1.2}}, "等级 'A' 的得分率应为 0 到 1 之间的数字"),
        ("ratio_to_target", {"figure": "done"}, "缺少参数 'target'"),
        ("ratio_to_target", {"figure": "done", "target": 0}, "参数 'target' 应大于 0"),
        ("n_of_m", {"figures": [{"figure": "a", "standard": 1}], "at_least": 2}, "参数 'at_least' 2 超过指标个数 1"),
        ("n_of_m", {"figures": [{"figure": "a"}], "at_least": 1}, "'figures' 第1项应写成"),
        ("veto", {"effect": "explode"}, "参数 'effect'"),
    ],
)
def test_bad_params_are_reported_in_chinese(kind: str, params: dict[str, Any], expected: str) -> None:
    found = problems(kind, points="0" if kind == "veto" else "4", **params)
    assert any(expected in problem for problem in found), found


def test_modifier_rule_on_a_bonus_item_is_rejected() -> None:
    found = problems("veto", points="0", item_kind=ItemKind.BONUS)
    assert found == ["计分规则 veto:加分项或减分项不能用作否决/降等类指标"]
