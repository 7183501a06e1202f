"""Rules whose figures come from a platform record (``source``): seed 004 item 54's problem list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine.inputs import ItemInput
from kaoping.engine.model import Indicator, RuleSpec
from kaoping.engine.results import FlagCode
from kaoping.engine.rules import SchemeRuleContext, compile_rule, figure_names, validate_rule
from kaoping.engine.sources import PREVIOUS_PROBLEMS, describe, source_of

ITEM_54 = RuleSpec(
    kind="deduct_per_occurrence",
    params={"figure": "open", "deduct": "0.5", "unit": "个", "source": "previous_problems"},
)


def _item(rule: RuleSpec = ITEM_54) -> Indicator:
    return Indicator(id="54", name="上年问题清单整改", points=Decimal("1.5"), rule=rule)


def _ledger(problems: int, fixed: int) -> dict[str, Decimal]:
    return {"problems": Decimal(problems), "fixed": Decimal(fixed), "open": Decimal(problems - fixed)}


def test_seed_004_item_54_13_problems_11_fixed_takes_off_one_point_and_says_where_the_figures_came_from() -> None:
    rule = compile_rule(_item(), SchemeRuleContext())
    score, text, basis, flag = rule.evaluate(ItemInput("u", "54", figures=_ledger(13, 11)))
    assert score == Decimal("0.5") and basis == "rule" and flag is None
    assert text == (
        "上年问题清单(整改台账):上年问题数 13,已整改到位问题数 11,未整改到位问题数 2,整改率 84.6%;"
        "未整改到位问题数 2个,每个扣0.5分,扣1分 → 0.5/1.5"
    )


def test_a_unit_without_problems_gets_full_points_and_no_rate() -> None:
    rule = compile_rule(_item(), SchemeRuleContext())
    score, text, _basis, _flag = rule.evaluate(ItemInput("u", "54", figures=_ledger(0, 0)))
    assert score == Decimal("1.5") and "整改率" not in text and "不扣分" in text


def test_a_unit_the_ledger_does_not_know_is_missing_never_zero() -> None:
    rule = compile_rule(_item(), SchemeRuleContext())
    score, text, _basis, flag = rule.evaluate(ItemInput("u", "54"))
    assert score is None and flag is not None and flag[0] is FlagCode.MISSING_INPUT
    assert text.startswith("缺失:") and "上年问题清单(整改台账)中没有这个单位的记录" in text


def test_the_rate_is_rounded_half_up_to_one_place() -> None:
    assert describe(PREVIOUS_PROBLEMS, _ledger(16, 13)).endswith("整改率 81.3%")  # 81.25 → 81.3


def test_units_with_the_same_ledger_share_one_key_and_different_ones_do_not() -> None:
    rule = compile_rule(_item(), SchemeRuleContext())
    key = rule.cache_key  # type: ignore[attr-defined]
    assert key(ItemInput("a", "54", figures=_ledger(13, 11))) == key(ItemInput("b", "54", figures=_ledger(13, 11)))
    # same number open, other totals: the explanation differs, so the shared result must too
    assert key(ItemInput("a", "54", figures=_ledger(13, 11))) != key(ItemInput("b", "54", figures=_ledger(3, 1)))


def test_the_figure_takes_the_sources_chinese_label_unless_the_scheme_gives_one() -> None:
    assert figure_names(_item()) == [("open", "未整改到位问题数")]
    labelled = RuleSpec(kind=ITEM_54.kind, params={**ITEM_54.params, "label": "未整改问题"})
    assert figure_names(_item(labelled)) == [("open", "未整改问题")]
    assert source_of(ITEM_54) is PREVIOUS_PROBLEMS and source_of(RuleSpec(kind="manual")) is None


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        (
            {"source": "ledger"},
            "参数 'source' 应为 previous_problems(上年问题清单(整改台账))、target(目标任务)、key_task(重点工作) 之一,"
            "实际为 'ledger'",
        ),
        ({"figure": "closed"}, "数据来源 上年问题清单(整改台账) 没有数据 'closed'(可用:problems、fixed、open)"),
    ],
)
def test_an_unknown_source_or_a_figure_it_does_not_provide_is_refused_in_chinese(
    params: dict[str, str], problem: str
) -> None:
    spec = RuleSpec(kind=ITEM_54.kind, params={**ITEM_54.params, **params})
    assert validate_rule(spec, _item(spec)) == [f"计分规则 deduct_per_occurrence:{problem}"]


def test_a_rule_that_reads_no_figure_cannot_name_a_source() -> None:
    spec = RuleSpec(kind="manual", params={"source": "previous_problems"})
    assert validate_rule(spec, _item(spec)) == ["计分规则 manual:不读取数据的规则不能指定数据来源 'source'"]


def test_ratio_to_target_over_the_ledger_reads_both_figures() -> None:
    spec = RuleSpec(
        kind="ratio_to_target",
        params={
            "figure": "fixed",
            "target_figure": "problems",
            "source": "previous_problems",
            "rounding": {"places": 2},
        },
    )
    assert validate_rule(spec, _item(spec)) == []
    score, text, _basis, _flag = compile_rule(_item(spec), SchemeRuleContext()).evaluate(
        ItemInput("u", "54", figures=_ledger(13, 11))
    )
    assert score == Decimal("1.27") and "完成率 84.62%" in text


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"figure": "done", "standard": 1, "source": "target"}, "数据来源 目标任务 须用 'source_key' 写明目标任务名称"),
        (
            {"figure": "done", "standard": 1, "source": "key_task", "source_key": "二十六"},
            "参数 'source_key' 应为重点工作编号(正整数),实际为 '二十六'",
        ),
        (
            {"figure": "open", "standard": 1, "source": "previous_problems", "source_key": "x"},
            "数据来源 上年问题清单(整改台账) 不需要参数 'source_key'",
        ),
        (
            {"figure": "x", "standard": 1, "source_key": "招商引资"},
            "参数 'source_key' 只能与数据来源 'source' 一起使用",
        ),
    ],
)
def test_which_record_a_keyed_source_reads_is_checked(params: dict[str, object], problem: str) -> None:
    spec = RuleSpec(kind="threshold", params=params)
    assert validate_rule(spec, _item(spec)) == [f"计分规则 threshold:{problem}"]


def test_a_key_tasks_status_and_milestones_are_explained_in_words() -> None:
    spec = RuleSpec(kind="threshold", params={"figure": "done", "standard": 1, "source": "key_task", "source_key": 26})
    rule = compile_rule(_item(spec), SchemeRuleContext())
    figures = {
        "done": Decimal(0),
        "milestones": Decimal(2),
        "milestones_done": Decimal(1),
        "milestone_rate": Decimal(50),
    }
    score, text, _basis, _flag = rule.evaluate(ItemInput("u", "54", figures=figures))
    assert score == Decimal(0)
    assert text.startswith("重点工作第 26 项:是否完成 否,节点数 2,已完成节点数 1,节点完成率 50%;")
