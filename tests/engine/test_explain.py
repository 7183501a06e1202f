from __future__ import annotations

from decimal import Decimal

from kaoping.engine import explain_unit, score
from kaoping.engine.inputs import Inputs, ItemInput, Unit
from kaoping.engine.items import NOT_APPLICABLE
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    GradeBand,
    Indicator,
    NotApplicablePolicy,
    RuleSpec,
    Scheme,
)
from kaoping.engine.results import ComponentResult, ItemResult, UnitResult

D = Decimal

RULE_15 = RuleSpec(
    "deduct_per_unit_short",
    {"figure": "r", "label": "标准班额占比", "unit": "%", "standard": 90, "deduct": 0.1, "rounding": {"places": 1}},
)


def scheme(policy: NotApplicablePolicy = NotApplicablePolicy.FULL_POINTS) -> Scheme:
    indicators = (
        Indicator(
            "3",
            "保障条件",
            D(10),
            children=(
                Indicator("14", "学位供给", D(6)),
                Indicator("15", "标准班额", D(4), rule=RULE_15),
            ),
        ),
        Indicator("4", "高中教育", D(5), children=(Indicator("33", "普通高中", D(5)),)),
    )
    component = Component("duzhi", "督导评价", D(15), ComponentMethod.INDICATORS, indicators=indicators)
    return Scheme(
        id="s",
        name="测试",
        year=2021,
        categories=(Category("county", "县区", ("duzhi",)),),
        components=(component,),
        grade_bands=(GradeBand("优秀", min_percent=D(90)), GradeBand("合格")),
        not_applicable=policy,
    )


def test_explanation_shows_unit_total_grade_rank_and_every_item() -> None:
    items = (
        ItemInput("hgt", "14", self_score=D(6)),
        ItemInput("hgt", "15", figures={"r": D("80.84")}),
        ItemInput("hgt", "33", not_applicable=True),
    )
    result = score(scheme(), Inputs(units=(Unit("hgt", "红谷滩区", "county"),), items=items))
    text = explain_unit(result.unit("hgt"))
    lines = text.splitlines()
    assert lines[0] == "红谷滩区(hgt)"
    assert lines[1] == "总分:14.1/15"
    assert lines[2].startswith("等次:优秀")
    assert lines[3].startswith("排名:第1名")
    assert "  督导评价 14.1/15" in lines
    assert "    3 保障条件 9.1/10:下级指标合计 9.1" in lines
    assert "      15 标准班额 3.1/4:标准班额占比 80.84%,低于标准 90%,每低1个百分点扣0.1分,扣0.9分 → 3.1/4" in lines
    assert "      33 普通高中 5/5:不适用,按满分计" in lines


def test_missing_scores_show_as_missing() -> None:
    items = (ItemInput("hgt", "14", self_score=D(6)),)
    result = score(scheme(), Inputs(units=(Unit("hgt", "红谷滩区", "county"),), items=items))
    text = explain_unit(result.unit("hgt"))
    assert "总分:缺失/15(缺 督导评价;其余项目合计 0)" in text
    assert "排名:无排名" in text
    assert "      15 标准班额 缺失/4:缺失:缺少数据“标准班额占比”" in text
    assert "提示:" in text
    assert "指标 15 标准班额:缺少数据“标准班额占比”(r)" in text


def test_rescaled_not_applicable_item_shows_as_not_applicable() -> None:
    unit = UnitResult(
        unit_id="u",
        name="甲",
        category="county",
        total=None,
        max=D(5),
        grade=None,
        stars=None,
        rank=None,
        components=(
            ComponentResult(
                "c",
                "项目",
                None,
                D(5),
                "",
                items=(ItemResult("33", "普通高中", None, D(5), "不适用,不计分", NOT_APPLICABLE),),
            ),
        ),
    )
    assert "    33 普通高中 不适用/5:不适用,不计分" in explain_unit(unit).splitlines()


def test_missing_total_names_the_missing_components_and_sums_the_rest() -> None:
    unit = UnitResult(
        unit_id="nc2",
        name="南昌二中",
        category="school",
        total=None,
        max=D(600),
        grade=None,
        stars=None,
        rank=None,
        components=(
            ComponentResult("lide", "立德树人述职测评", D("95.5"), D(100), "测评"),
            ComponentResult("dangjian", "基层党建工作考核", None, D(300), "缺失:未导入原始分"),
            ComponentResult("wukan", "五看五比", D(90), D(100), "下级指标合计 90"),
        ),
    )
    lines = explain_unit(unit).splitlines()
    assert lines[1] == "总分:缺失/600(缺 基层党建工作考核;其余项目合计 185.5)"
    assert "  基层党建工作考核 缺失/300" in lines
