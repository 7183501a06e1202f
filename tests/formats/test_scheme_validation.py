"""Every class of problem the scheme validator reports, each from a small bad file.

Each test writes a minimal valid scheme with one mistake and asserts the Chinese message and
where it points. The validator must report every problem at once and never raise.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.formats import scheme_build
from kaoping.formats.problems import Problem, SchemeError
from kaoping.formats.scheme_file import load_scheme, scheme_from_data, validate_scheme_data, validate_scheme_file

Data = dict[str, Any]

BASE: Data = {
    "scheme": {"id": "test", "name": "测试方案", "year": 2024},
    "categories": [{"id": "county", "name": "县区", "components": ["rate", "table", "party"]}],
    "components": [
        {
            "id": "rate",
            "name": "述职测评",
            "points": 100,
            "method": "rating",
            "rating": {
                "scale": {"grades": [{"name": "好", "value": 100}, {"name": "一般", "value": 60}]},
                "groups": [
                    {"id": "leaders", "name": "局领导", "weight": 50},
                    {"id": "units", "name": "县区", "weight": 50},
                ],
            },
        },
        {
            "id": "table",
            "name": "量化考核",
            "points": 100,
            "method": "indicators",
            "indicators": [
                {
                    "id": "1",
                    "name": "党建",
                    "points": 40,
                    "children": [
                        {"id": "1.1", "name": "班子", "points": 20},
                        {"id": "1.2", "name": "制度", "points": 20},
                    ],
                },
                {"id": "2", "name": "质量", "points": 60},
            ],
        },
        {
            "id": "party",
            "name": "党建考核",
            "points": 300,
            "method": "imported",
            "conversion": {"method": "proportional", "raw_max": 100},
        },
    ],
    "grading": {
        "bands": [
            {"name": "优秀", "min_percent": 90},
            {"name": "合格", "min_percent": 60},
            {"name": "不合格"},
        ]
    },
    "stars": [
        {"name": "五星级", "stars": 5, "min_score": 95},
        {"name": "四星级", "stars": 4, "min_score": 85},
    ],
    "ranking": {"ties": "chain", "chain": [{"kind": "component", "ref": "rate"}]},
}


def write(tmp_path: Path, change: Callable[[Data], None] | None = None) -> Path:
    data = copy.deepcopy(BASE)
    if change is not None:
        change(data)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, change: Callable[[Data], None]) -> list[Problem]:
    return validate_scheme_file(write(tmp_path, change))


def table(data: Data) -> Data:
    component: Data = data["components"][1]
    return component


def rating(data: Data) -> Data:
    spec: Data = data["components"][0]["rating"]
    return spec


def assert_problem(problems: list[Problem], location: str, *words: str) -> None:
    matching = [p for p in problems if p.location == location]
    assert matching, f"no problem at {location}; got {problems}"
    assert any(all(word in p.message for word in words) for p in matching), matching


def test_the_base_scheme_is_clean(tmp_path: Path) -> None:
    assert validate_scheme_file(write(tmp_path)) == []


# -- syntax ------------------------------------------------------------------------------------


def test_yaml_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("scheme:\n  id: x\n  name: [未闭合\ncategories: []\n", encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert problem.location.startswith("第4行")
    assert "YAML 格式错误" in problem.message


def test_json_syntax_error_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "scheme": {"id": "x",}\n}\n', encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert problem.location == "第2行第24列"
    assert "JSON 格式错误" in problem.message


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    [problem] = validate_scheme_file(tmp_path / "nothing.yaml")
    assert "无法读取文件" in problem.message


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert "顶层" in problem.message


def test_a_top_level_list_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert "顶层" in problem.message


# -- JSON Schema -------------------------------------------------------------------------------


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["components"][2].pop("method"))
    assert_problem(problems, "components[2]", "缺少必填字段", "method")


def test_unknown_field_is_reported_at_the_field(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d).update(pionts=100))
    assert_problem(problems, "components[1].pionts", "不认识的字段", "pionts")


def test_text_where_a_number_belongs_is_not_a_number(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(points="六十"))
    assert_problem(problems, "components[1].indicators[1].points", "“六十”不是数字")


def test_unknown_method_lists_the_choices(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d).update(method="打分"))
    assert_problem(problems, "components[1].method", "“打分”不是可选的值", "rating", "indicators")


SMALL_FLOW_SCHEME = """\
scheme: {id: t, name: 测试}
categories:
  - {id: c, name: 县区, components: [t]}
components:
  - id: t
    name: 量化考核
    points: 10
    method: indicators
    indicators:
      - {id: '1', name: 质量, points: 10, standard: 达标, 有成效}
"""


def test_unquoted_comma_in_flow_mapping_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(SMALL_FLOW_SCHEME, encoding="utf-8")
    problems = validate_scheme_file(path)
    assert_problem(problems, "components[0].indicators[0].有成效", "不认识的字段“有成效”", "用引号括起来")


def test_string_numbers_and_decimals_are_accepted(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"][0]["points"] = "40.0"
        table(data)["indicators"][1]["points"] = "60"

    assert problems_of(tmp_path, change) == []


# -- points, weights, parents --------------------------------------------------------------------


def test_children_that_do_not_add_up_to_the_parent(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][0]["children"][1].update(points=15))
    assert_problem(problems, "components[1].indicators[0].children", "下级分值合计 35 分", "本级分值 40 分")


def test_top_level_indicators_that_do_not_add_up_to_the_component(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(points=50))
    assert_problem(problems, "components[1].indicators", "下级分值合计 90 分", "100 分")


def test_bonus_and_penalty_items_are_left_out_of_the_sum(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"].append({"id": "B", "name": "加分", "kind": "bonus", "points": 5})
        table(data)["indicators"].append({"id": "P", "name": "减分", "kind": "penalty", "points": 3})

    assert problems_of(tmp_path, change) == []


def test_weights_that_do_not_add_up_to_100(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"] = [
            {"id": "1", "name": "党建", "weight": 40},
            {"id": "2", "name": "质量", "weight": 50},
        ]

    problems = problems_of(tmp_path, change)
    assert_problem(problems, "components[1].indicators", "下级权重合计 90", "应为 100")


def test_weights_resolve_to_points_of_the_parent(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"] = [
            {
                "id": "1",
                "name": "党建",
                "weight": 26.2,
                "children": [{"name": "甲", "weight": 50}, {"name": "乙", "weight": 50}],
            },
            {"id": "2", "name": "质量", "weight": 73.8},
        ]

    scheme = load_scheme(write(tmp_path, change))
    first = scheme.component("table").indicators[0]
    assert [str(first.points), *(str(c.points) for c in first.children)] == ["26.2", "13.1", "13.1"]
    assert [c.id for c in first.children] == ["1.1", "1.2"]  # ids default to their position


def test_an_item_worth_more_than_its_parent(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"][0]["children"] = [
            {"id": "1.1", "name": "班子", "points": 45},
            {"id": "1.2", "name": "制度", "points": -5},
        ]

    problems = problems_of(tmp_path, change)
    assert_problem(problems, "components[1].indicators[0].children[0].points", "分值 45 超过上级“党建”的 40 分")


def test_negative_points_and_a_zero_component(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        table(data)["indicators"][0]["children"][1]["points"] = -20
        data["components"][2]["points"] = 0
        rating(data)["groups"][1]["weight"] = -50

    problems = problems_of(tmp_path, change)
    assert_problem(problems, "components[1].indicators[0].children[1].points", "分值 -20 不能为负数")
    assert_problem(problems, "components[2].points", "考核项目分值 0 应大于 0")
    assert_problem(problems, "components[0].rating.groups[1].weight", "评委组权重 -50 应大于 0")


def test_points_and_weight_together(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(weight=60))
    assert_problem(problems, "components[1].indicators[1]", "同时写了 points 和 weight")


def test_weight_under_a_parent_without_points(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        del table(data)["indicators"][0]["points"]
        table(data)["indicators"][0]["children"][0] = {"id": "1.1", "name": "班子", "weight": 50}

    problems = problems_of(tmp_path, change)
    assert_problem(problems, "components[1].indicators[0].children[0].weight", "上级没有写分值")


def test_a_parent_without_points_takes_the_sum_of_its_children(tmp_path: Path) -> None:
    scheme = load_scheme(write(tmp_path, lambda d: table(d)["indicators"][0].pop("points")))
    assert str(scheme.component("table").indicators[0].points) == "40"


def test_split_department_points_that_do_not_add_up(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(departments="办公室:40、财务处:10"))
    assert_problem(problems, "components[1].indicators[1].departments", "责任处室分值合计 50 分", "60 分")


# -- rules ----------------------------------------------------------------------------------------


def test_unknown_rule_kind(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(rule={"kind": "magic"}))
    assert_problem(problems, "components[1].indicators[1].rule", "未知的计分规则 'magic'")


def test_bad_rule_params_are_reported_by_the_engine(tmp_path: Path) -> None:
    bad = {"kind": "threshold", "standard": 90}  # no figure
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(rule=bad))
    assert_problem(problems, "components[1].indicators[1].rule", "figure")


def test_unknown_rule_kind_without_the_engine_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kaoping.formats.scheme_file.load_rule_validator", lambda: None)
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(rule={"kind": "magic"}))
    assert_problem(problems, "components[1].indicators[1].rule", "未知的计分规则 'magic'")
    assert "threshold" in scheme_build.FALLBACK_RULE_KINDS


def test_a_rule_on_an_inner_indicator(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][0].update(rule={"kind": "manual"}))
    assert_problem(problems, "components[1].indicators[0].rule", "末级指标")


def test_rule_numbers_become_exact_decimals(tmp_path: Path) -> None:
    rule = {"kind": "deduct_per_unit_short", "figure": "ratio", "standard": 90, "deduct": "0.1"}
    scheme = load_scheme(write(tmp_path, lambda d: table(d)["indicators"][1].update(rule=rule)))
    params = scheme.component("table").indicators[1].rule.params  # type: ignore[union-attr]
    assert params["deduct"] == Decimal("0.1")
    assert isinstance(params["deduct"], Decimal)
    assert params["figure"] == "ratio"


# -- grading, stars, ties ------------------------------------------------------------------------


def test_unordered_grade_bands(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["grading"]["bands"][1].update(min_percent=95))
    assert_problem(problems, "grading.bands[1].min_percent", "不低于上一等次“优秀”的下限 90", "顺序颠倒")


def test_overlapping_grade_bands(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["grading"]["bands"][1].update(min_percent=90))
    assert_problem(problems, "grading.bands[1].min_percent", "重叠")


def test_a_band_whose_upper_bound_overlaps_the_band_above(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["grading"]["bands"][1].update(max_percent=95))
    assert_problem(problems, "grading.bands[1].max_percent", "上限 95", "重叠")


def test_a_gap_between_bands(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["grading"]["bands"][1].update(max_percent=85))
    assert_problem(problems, "grading.bands[1].max_percent", "空档")


def test_a_middle_band_without_a_minimum(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["grading"]["bands"][1].pop("min_percent"))
    assert_problem(problems, "grading.bands[1]", "缺少下限")


def test_star_tiers_out_of_order(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["stars"].reverse())
    assert_problem(problems, "stars[1]", "星级应从高到低排列")


def test_tie_break_naming_an_unknown_component(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["ranking"]["chain"].append({"kind": "component", "ref": "lide"}))
    assert_problem(problems, "ranking.chain[1].ref", "不存在的考核项目“lide”")


def test_tie_break_naming_an_unknown_item(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["ranking"]["chain"].append({"kind": "item", "ref": "9.9"}))
    assert_problem(problems, "ranking.chain[1].ref", "不存在的指标“9.9”")


def test_top_grade_count_needs_a_rating_component(tmp_path: Path) -> None:
    chain = [{"kind": "top_grade_count", "ref": "table"}]
    problems = problems_of(tmp_path, lambda d: d["ranking"].update(chain=chain))
    assert_problem(problems, "ranking.chain[0].ref", "只能引用测评类考核项目")


# -- categories, components, ids ------------------------------------------------------------------


def test_a_category_without_components(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        data["categories"].append({"id": "school", "name": "学校", "components": []})

    problems = problems_of(tmp_path, change)
    assert_problem(problems, "categories[1].components", "类别“学校”没有任何考核项目")


def test_a_category_naming_an_unknown_component(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["categories"][0]["components"].append("wukan"))
    assert_problem(problems, "categories[0].components[3]", "引用了不存在的考核项目“wukan”")


def test_a_component_used_by_no_category(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["categories"][0]["components"].remove("party"))
    assert_problem(problems, "components[2]", "“党建考核”没有被任何类别使用")


def test_duplicate_item_ids(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(id="1.1"))
    assert_problem(problems, "components[1].indicators[1].id", "指标编号“1.1”重复")


def test_duplicate_component_ids(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["components"][2].update(id="table"))
    assert_problem(problems, "components[2].id", "考核项目编号“table”重复")


def test_duplicate_category_ids(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["categories"].append(copy.deepcopy(d["categories"][0])))
    assert_problem(problems, "categories[1].id", "类别编号“county”重复")


# -- rating and conversion -----------------------------------------------------------------------


def test_rater_group_weights_not_adding_up_to_100(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: rating(d)["groups"][1].update(weight=25))
    assert_problem(problems, "components[0].rating.groups", "评委组权重合计 75%", "应为 100%")


def test_a_rating_component_without_grades(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: rating(d)["scale"].update(grades=[]))
    assert_problem(problems, "components[0].rating.scale", "没有设置等次")


def test_a_rating_component_without_rating(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["components"][0].pop("rating"))
    assert_problem(problems, "components[0]", "缺少 rating")


def test_grades_written_as_a_mapping(tmp_path: Path) -> None:
    scale = {"grades": {"好": 100, "较好": 80, "一般": 60}, "abstain": "不了解"}
    scheme = load_scheme(write(tmp_path, lambda d: rating(d).update(scale=scale)))
    spec = scheme.component("rate").rating
    assert spec is not None
    assert [(g.name, str(g.value)) for g in spec.scale.grades] == [("好", "100"), ("较好", "80"), ("一般", "60")]
    assert str(spec.scale.scale_max) == "100"


def test_grades_out_of_order(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: rating(d)["scale"]["grades"].reverse())
    assert_problem(problems, "components[0].rating.scale.grades[1]", "从高到低")


def test_quota_naming_an_unknown_grade(tmp_path: Path) -> None:
    rules = {"quotas": [{"grades": ["优秀"], "max_share": 20}]}
    problems = problems_of(tmp_path, lambda d: rating(d).update(ballot_rules=rules))
    assert_problem(problems, "components[0].rating.ballot_rules.quotas[0]", "“优秀”不在等次表中")


def test_an_imported_component_without_conversion(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["components"][2].pop("conversion"))
    assert_problem(problems, "components[2]", "导入类考核项目“党建考核”缺少 conversion")


def test_proportional_conversion_without_raw_max(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: d["components"][2]["conversion"].pop("raw_max"))
    assert_problem(problems, "components[2].conversion", "raw_max")


# -- all at once -----------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        rating(data)["groups"][1]["weight"] = 20
        d = data["components"][2]
        d.pop("conversion")
        table(data)["indicators"][1]["points"] = "abc"
        data["stars"].reverse()
        data["categories"][0]["components"].append("nope")

    problems = problems_of(tmp_path, change)
    locations = {p.location for p in problems}
    assert {
        "components[0].rating.groups",
        "components[2]",
        "components[1].indicators[1].points",
        "stars[1]",
        "categories[0].components[3]",
    } <= locations


def test_garbage_of_every_type_never_raises(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        data["components"][0]["rating"] = "好"
        data["components"][1]["indicators"] = [1, None, {"children": 5}]
        data["categories"] = {"a": 1}
        data["grading"] = {"bands": [None, 3]}
        data["stars"] = [{"stars": "五"}]
        data["ranking"] = {"chain": [[]]}
        data["rounding"] = {"total": "two"}
        data["components"].append(
            {
                "id": "r2",
                "name": "测评二",
                "points": 10,
                "method": "rating",
                "rating": {
                    "scale": {"grades": {"好": "x"}, "max": []},
                    "groups": [{"id": 1, "name": "组", "weight": "abc"}],
                    "trim": {"above": "五", "per_side": 1.5, "scope": "全部"},
                    "ballot_rules": {"quotas": [{"grades": "好", "max_count": "三"}], "min_valid_ballots": "x"},
                },
                "conversion": {"method": "by_rank", "bands": "x", "top_bonuses": [None]},
            }
        )

    problems = problems_of(tmp_path, change)
    assert len(problems) >= 7
    assert all(isinstance(p.message, str) and p.message for p in problems)


def test_load_scheme_raises_scheme_error_with_all_problems(tmp_path: Path) -> None:
    path = write(tmp_path, lambda d: rating(d)["groups"][1].update(weight=20))
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert caught.value.problems[0].location == "components[0].rating.groups"
    assert "评委组权重合计 70%" in str(caught.value)


def test_json_file_with_the_same_structure_is_validated_the_same(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    rating(data)["groups"][1]["weight"] = 20
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert_problem(validate_scheme_file(path), "components[0].rating.groups", "70%")


def test_a_key_written_twice_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(SMALL_FLOW_SCHEME.replace("    points: 10\n", "    points: 10\n    points: 20\n"), encoding="utf-8")
    problems = validate_scheme_file(path)
    assert_problem(problems, "第8行第5列", "键“points”重复(第7行已写过)")
    assert_problem(problems, "components[0].indicators[0].有成效", "不认识的字段")  # and the rest, at once


def test_yaml_merge_keys_may_override_without_a_duplicate_warning(tmp_path: Path) -> None:
    text = (
        "scheme: {id: t, name: 测试}\n"
        "categories: [{id: c, name: 县区, components: [a, b]}]\n"
        "components:\n"
        "  - &base {id: a, name: 甲, points: 10, method: imported, conversion: {method: proportional, raw_max: 100}}\n"
        "  - {<<: *base, id: b, name: 乙}\n"
    )
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    assert validate_scheme_file(path) == []
    assert [c.name for c in load_scheme(path).components] == ["甲", "乙"]


def test_indicators_file_in_plain_data_is_a_problem() -> None:
    data = copy.deepcopy(BASE)
    del table(data)["indicators"]
    table(data)["indicators_file"] = "量化考核表.xlsx"
    with pytest.raises(SchemeError) as caught:
        scheme_from_data(data)
    assert caught.value.problems[0].location == "components[1].indicators_file"
    assert "只能在读取方案文件时引用" in caught.value.problems[0].message


def test_a_bad_number_is_reported_once(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(points="abc"))
    assert [p.location for p in problems] == ["components[1].indicators[1].points"]


def test_a_leaf_without_points_or_weight(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].pop("points"))
    assert_problem(problems, "components[1].indicators[1]", "指标“质量”缺少分值(points 或 weight)")


def test_items_may_use_a_named_rule_and_change_its_parameters(tmp_path: Path) -> None:
    def change(data: Data) -> None:
        data["rules"] = {"达标": {"kind": "threshold", "figure": "ratio", "standard": 90}}
        table(data)["indicators"][0]["children"][0]["rule"] = "达标"
        table(data)["indicators"][0]["children"][1]["rule"] = {"use": "达标", "standard": "85.5"}

    first, second = load_scheme(write(tmp_path, change)).component("table").indicators[0].children
    assert first.rule is not None and second.rule is not None
    assert (first.rule.kind, first.rule.params["standard"]) == ("threshold", 90)
    assert (second.rule.kind, second.rule.params["standard"]) == ("threshold", Decimal("85.5"))


def test_a_named_rule_that_is_not_defined(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(rule="达标"))
    assert_problem(problems, "components[1].indicators[1].rule", "未定义的计分规则“达标”")


def test_a_rule_without_kind_or_use(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, lambda d: table(d)["indicators"][1].update(rule={"standard": 90}))
    assert_problem(problems, "components[1].indicators[1].rule", "计分规则写法不正确")


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert "别名" in problem.message


def test_absurdly_deep_nesting_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert "嵌套层数过深" in problem.message


def test_an_absurdly_deep_indicator_tree_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    depth = 3000
    deep = '{"name": "层", "points": 60, "children": [' * depth + '{"name": "底", "points": 60}' + "]}" * depth
    data = copy.deepcopy(BASE)
    table(data)["indicators"][1] = "DEEP"
    text = json.dumps(data, ensure_ascii=False).replace('"DEEP"', deep)
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    [problem] = validate_scheme_file(path)
    assert "过深" in problem.message


def test_ids_written_as_unquoted_numbers_keep_their_digits(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(
        SMALL_FLOW_SCHEME.replace(
            "      - {id: '1', name: 质量, points: 10, standard: 达标, 有成效}\n",
            "      - {id: 1, name: 质量, points: 10, children: [\n"
            "          {id: 1.1, name: 甲, points: 5}, {id: 1.10, name: 乙, points: 5}]}\n",
        ),
        encoding="utf-8",
    )
    [item] = load_scheme(path).components[0].indicators
    assert (item.id, [c.id for c in item.children]) == ("1", ["1.1", "1.10"])


# -- fuzzing: never a traceback ----------------------------------------------------------------------

FIELD_NAMES = sorted(
    {"id", "name", "points", "weight", "kind", "children", "rule", "grades", "groups", "method", "value"}
    | {"min_percent", "min_score", "max_percent", "quota", "stars", "ref", "use", "departments"}
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=4) | st.decimals(-5, 200, places=2),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4),
    max_leaves=12,
)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_of(item, (*prefix, index))
    return found


BASE_PATHS = paths_of(BASE)[1:]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(BASE_PATHS), JSON_VALUES)
def test_any_value_anywhere_gives_problems_not_a_traceback(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(BASE)
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    scheme, problems = validate_scheme_data(data)
    assert (scheme is None) == bool(problems)
    assert all(isinstance(p, Problem) and p.message for p in problems)
