"""score(): a whole campaign from items, ratings and imported scores to grades and ranks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaoping.engine import ScoringError, score
from kaoping.engine.inputs import Ballot, ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    GradeBand,
    GradeScale,
    Indicator,
    Quota,
    RankingSpec,
    RaterGroup,
    RatingSpec,
    RuleSpec,
    ScaleGrade,
    Scheme,
    StarTier,
    TieBreak,
    TieBreakKind,
    TiePolicy,
)
from kaoping.engine.results import FlagCode

D = Decimal

BANDS = (
    GradeBand("优秀", min_percent=D(90)),
    GradeBand("良好", min_percent=D(80)),
    GradeBand("合格", min_percent=D(60)),
    GradeBand("不合格"),
)

# Seed 004: six first-level indicators (11 + 13.5 + 26.2 + 35.3 + 8.5 + 5.5 = 100); item 15 is
# data-driven and loses 0.9, so the self-assessment totals 99.1 → 优秀.
ITEM_15 = RuleSpec(
    "deduct_per_unit_short",
    {
        "figure": "standard_class_ratio",
        "label": "标准班额占比",
        "unit": "%",
        "standard": 90,
        "per": 1,
        "deduct": 0.1,
        "rounding": {"places": 1, "mode": "half_up"},
    },
)
SECTIONS = (("一", "11"), ("二", "13.5"), ("三", "26.2"), ("四", "35.3"), ("五", "8.5"), ("六", "5.5"))


def seed_004_scheme() -> Scheme:
    indicators = []
    for section, points in SECTIONS:
        children: tuple[Indicator, ...]
        if section == "三":
            children = (
                Indicator("14", "其他", D("22.2")),
                Indicator("15", "标准班额", D(4), rule=ITEM_15),
            )
        else:
            children = (Indicator(f"{section}.1", "综合", D(points)),)
        indicators.append(Indicator(section, f"第{section}部分", D(points), children=children))
    component = Component(
        "duzhi", "履行教育职责督导评价", D(100), ComponentMethod.INDICATORS, indicators=tuple(indicators)
    )
    return Scheme(
        id="honggutan-2021",
        name="红谷滩区2021",
        year=2021,
        categories=(Category("county", "县区", ("duzhi",)),),
        components=(component,),
        grade_bands=BANDS,
    )


def seed_004_inputs(unit: str = "hgt") -> list[ItemInput]:
    entries = [ItemInput(unit, f"{section}.1", self_score=D(points)) for section, points in SECTIONS if section != "三"]
    entries.append(ItemInput(unit, "14", self_score=D("22.2")))
    entries.append(ItemInput(unit, "15", figures={"standard_class_ratio": D("80.84")}))
    return entries


def test_seed_004_self_assessment_totals_99_1_and_is_excellent() -> None:
    result = score(
        seed_004_scheme(), Inputs(units=(Unit("hgt", "红谷滩区", "county"),), items=tuple(seed_004_inputs()))
    )
    unit = result.unit("hgt")
    assert unit.total == D("99.10")
    assert unit.max == D(100)
    assert unit.grade == "优秀"
    assert unit.rank == 1
    section_3 = unit.components[0].items[2]
    assert section_3.score == D("25.3")  # 25.3 of 26.2, as the seed says
    assert section_3.children[1].explanation.endswith("扣0.9分 → 3.1/4")


def test_missing_item_leaves_total_grade_and_rank_missing() -> None:
    entries = [entry for entry in seed_004_inputs() if entry.item_id != "14"]
    result = score(seed_004_scheme(), Inputs(units=(Unit("hgt", "红谷滩区", "county"),), items=tuple(entries)))
    unit = result.unit("hgt")
    assert unit.total is None
    assert unit.components[0].score is None
    assert unit.grade is None
    assert unit.rank is None
    assert [flag.code for flag in unit.flags] == [FlagCode.MISSING_INPUT]


def test_units_whose_inputs_are_interleaved_are_grouped_correctly() -> None:
    a, b = seed_004_inputs("a"), seed_004_inputs("b")
    mixed = tuple(entry for pair in zip(a, b, strict=True) for entry in pair)
    units = (Unit("a", "甲", "county"), Unit("b", "乙", "county"))
    result = score(seed_004_scheme(), Inputs(units=units, items=mixed))
    assert [unit.total for unit in result.units] == [D("99.10"), D("99.10")]
    assert [unit.rank for unit in result.units] == [1, 1]


def rating_component(component_id: str, name: str) -> Component:
    scale = GradeScale(grades=(ScaleGrade("好", D(100)), ScaleGrade("一般", D(70)), ScaleGrade("差", D(50))))
    groups = (RaterGroup("leaders", "局领导", D(50)), RaterGroup("heads", "处室负责人", D(50)))
    return Component(component_id, name, D(100), ComponentMethod.RATING, rating=RatingSpec(scale=scale, groups=groups))


def nanchang_like_scheme(**kwargs: object) -> Scheme:
    lide = rating_component("lide", "立德树人述职测评")
    dangjian = Component(
        "dangjian",
        "基层党建工作考核",
        D(300),
        ComponentMethod.IMPORTED,
        conversion=ConversionSpec(ConversionMethod.PROPORTIONAL, raw_max=D(100)),
    )
    wukan = Component(
        "wukan",
        "五看五比",
        D(100),
        ComponentMethod.INDICATORS,
        indicators=(
            Indicator("1", "工作", D(100)),
            Indicator("V", "安全稳定", D(0), rule=RuleSpec("veto")),
        ),
    )
    return Scheme(
        id="nanchang-2018",
        name="南昌2018",
        year=2018,
        categories=(
            Category("county", "县(区)教育行政部门", ("lide", "wukan")),
            Category("school", "局属学校", ("lide", "dangjian", "wukan")),
        ),
        components=(lide, dangjian, wukan),
        grade_bands=BANDS,
        **kwargs,  # type: ignore[arg-type]
    )


UNITS = (
    Unit("xh", "西湖区", "county"),
    Unit("dh", "东湖区", "county"),
    Unit("nc2", "南昌二中", "school"),
    Unit("nc10", "南昌十中", "school"),
)


def ballots(target: str, leader: str, head: str) -> list[Ballot]:
    return [
        Ballot("lide", f"L-{target}", "leaders", target, leader),
        Ballot("lide", f"H-{target}", "heads", target, head),
    ]


def nanchang_inputs(**overrides: str) -> Inputs:
    grades = {"xh": ("好", "好"), "dh": ("好", "一般"), "nc2": ("好", "好"), "nc10": ("一般", "差")}
    all_ballots = [b for unit, (leader, head) in grades.items() for b in ballots(unit, leader, head)]
    items = [ItemInput(unit.id, "1", self_score=D(overrides.get(unit.id, "90"))) for unit in UNITS]
    imported = [ImportedScore("nc2", "dangjian", D(95)), ImportedScore("nc10", "dangjian", D(80))]
    return Inputs(units=UNITS, items=tuple(items), ballots=tuple(all_ballots), imported=tuple(imported))


def test_each_category_takes_its_own_components_and_maximum() -> None:
    result = score(nanchang_like_scheme(), nanchang_inputs())
    county = result.unit("xh")
    school = result.unit("nc2")
    assert [c.component_id for c in county.components] == ["lide", "wukan"]
    assert [c.component_id for c in school.components] == ["lide", "dangjian", "wukan"]
    assert county.max == D(200)
    assert school.max == D(500)
    assert county.total == D(190)  # 100 + 90
    assert school.components[1].score == D(285)  # 95 / 100 × 300
    assert school.total == D(475)


def test_units_are_ordered_by_category_then_rank() -> None:
    result = score(nanchang_like_scheme(), nanchang_inputs())
    assert [(u.unit_id, u.rank) for u in result.units] == [("xh", 1), ("dh", 2), ("nc2", 1), ("nc10", 2)]


def test_missing_imported_score_leaves_that_unit_missing() -> None:
    inputs = nanchang_inputs()
    inputs = Inputs(units=inputs.units, items=inputs.items, ballots=inputs.ballots, imported=inputs.imported[:1])
    result = score(nanchang_like_scheme(), inputs)
    assert result.unit("nc10").total is None
    assert result.unit("nc10").rank is None
    assert any(flag.code is FlagCode.MISSING_INPUT for flag in result.unit("nc10").flags)


def test_veto_with_fail_effect_gives_the_lowest_grade_and_no_star() -> None:
    scheme = nanchang_like_scheme(stars=(StarTier("五星级", 5, D(150)),))
    inputs = nanchang_inputs()
    vetoed = Inputs(
        units=inputs.units,
        items=(*inputs.items, ItemInput("xh", "V", triggered=True)),
        ballots=inputs.ballots,
        imported=inputs.imported,
    )
    result = score(scheme, vetoed)
    assert result.unit("xh").total == D(190)
    assert result.unit("xh").grade == "不合格"
    assert result.unit("xh").stars is None
    assert result.unit("dh").stars == "五星级"
    assert FlagCode.VETO in {flag.code for flag in result.unit("xh").flags}


def test_veto_with_zero_component_effect_sets_the_component_to_zero() -> None:
    scheme = nanchang_like_scheme()
    wukan = scheme.component("wukan")
    zeroing = Component(
        wukan.id,
        wukan.name,
        wukan.points,
        wukan.method,
        indicators=(
            wukan.indicators[0],
            Indicator("V", "安全稳定", D(0), rule=RuleSpec("veto", {"effect": "zero_component"})),
        ),
    )
    scheme = Scheme(
        id=scheme.id,
        name=scheme.name,
        year=scheme.year,
        categories=scheme.categories,
        components=(scheme.components[0], scheme.components[1], zeroing),
        grade_bands=BANDS,
    )
    inputs = nanchang_inputs()
    inputs = Inputs(
        units=inputs.units,
        items=(*inputs.items, ItemInput("dh", "V", triggered=True)),
        ballots=inputs.ballots,
        imported=inputs.imported,
    )
    result = score(scheme, inputs)
    component = result.unit("dh").components[1]
    assert component.score == D(0)
    assert component.raw == D(90)
    assert "本项目计0分" in component.explanation


def test_ties_share_a_rank_by_default() -> None:
    inputs = nanchang_inputs(xh="75", dh="90")  # 100 + 75 = 85 + 90 = 175 → both 175
    result = score(nanchang_like_scheme(), inputs)
    assert result.unit("xh").total == result.unit("dh").total == D(175)
    assert (result.unit("xh").rank, result.unit("dh").rank) == (1, 1)


def test_tie_chain_breaks_ties_by_a_component() -> None:
    ranking = RankingSpec(ties=TiePolicy.CHAIN, chain=(TieBreak(TieBreakKind.COMPONENT, "lide"),))
    result = score(nanchang_like_scheme(ranking=ranking), nanchang_inputs(xh="75", dh="90"))
    assert (result.unit("xh").rank, result.unit("dh").rank) == (1, 2)


def test_tie_chain_can_use_an_item_and_top_grade_count() -> None:
    ranking = RankingSpec(
        ties=TiePolicy.CHAIN,
        chain=(TieBreak(TieBreakKind.ITEM, "1"), TieBreak(TieBreakKind.TOP_GRADE_COUNT, "lide")),
    )
    result = score(nanchang_like_scheme(ranking=ranking), nanchang_inputs(xh="75", dh="90"))
    assert (result.unit("dh").rank, result.unit("xh").rank) == (1, 2)


def test_quota_is_applied_per_category() -> None:
    scheme = seed_004_scheme()
    quota_bands = (GradeBand("优秀", min_percent=D(90), quota=Quota(D(50))), *BANDS[1:])
    scheme = Scheme(
        id=scheme.id,
        name=scheme.name,
        year=scheme.year,
        categories=scheme.categories,
        components=scheme.components,
        grade_bands=quota_bands,
    )
    units = tuple(Unit(f"u{i}", f"单位{i}", "county") for i in range(4))
    items = []
    for i, unit in enumerate(units):
        for entry in seed_004_inputs(unit.id):
            if entry.item_id == "一.1":
                entry = ItemInput(unit.id, "一.1", self_score=D(11) - D(i))
            items.append(entry)
    result = score(scheme, Inputs(units=units, items=tuple(items)))
    assert [u.grade for u in result.units] == ["优秀", "优秀", "良好", "良好"]


def test_unknown_category_is_a_chinese_error() -> None:
    with pytest.raises(ScoringError) as error:
        score(seed_004_scheme(), Inputs(units=(Unit("x", "某单位", "nowhere"),)))
    assert error.value.problems == ["单位 某单位(x)的类别 'nowhere' 不在考核方案的类别中"]


def test_duplicate_unit_ids_are_rejected() -> None:
    units = (Unit("x", "甲", "county"), Unit("x", "乙", "county"))
    with pytest.raises(ScoringError, match="单位编号 x 重复"):
        score(seed_004_scheme(), Inputs(units=units))


def test_score_leaves_the_garbage_collector_to_the_caller() -> None:
    import gc
    from unittest import mock

    inputs = Inputs(units=(Unit("hgt", "红谷滩区", "county"),), items=tuple(seed_004_inputs()))
    with mock.patch.object(gc, "disable") as disable, mock.patch.object(gc, "enable") as enable:
        score(seed_004_scheme(), inputs)
    assert not disable.called and not enable.called
    gc.disable()  # a caller's switch stays as the caller set it
    try:
        score(seed_004_scheme(), inputs)
        assert not gc.isenabled()
    finally:
        gc.enable()
