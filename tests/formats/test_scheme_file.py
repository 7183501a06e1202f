"""Loading, writing back and diffing scheme files, with the three seed examples as fixtures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kaoping.engine.model import ComponentMethod, ItemKind, Scheme
from kaoping.formats.scheme_diff import ChangeKind
from kaoping.formats.scheme_file import (
    diff_schemes,
    load_scheme,
    scheme_from_data,
    scheme_schema,
    scheme_to_data,
    validate_scheme_file,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_NAMES = ["honggutan-2021", "nanchang-2018", "linhai-stars"]


def example(name: str) -> Scheme:
    return load_scheme(EXAMPLES / name / "scheme.yaml")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_scheme_validates_clean(name: str) -> None:
    assert validate_scheme_file(EXAMPLES / name / "scheme.yaml") == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_scheme_round_trips_through_plain_json(name: str) -> None:
    scheme = example(name)
    text = json.dumps(scheme_to_data(scheme), ensure_ascii=False)
    assert scheme_from_data(json.loads(text)) == scheme


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_written_data_satisfies_the_json_schema(name: str) -> None:
    import jsonschema

    data = scheme_to_data(example(name))
    assert list(jsonschema.Draft202012Validator(scheme_schema()).iter_errors(data)) == []


def test_honggutan_has_six_weighted_sections_and_54_items() -> None:
    scheme = example("honggutan-2021")
    sections = scheme.component("duping").indicators
    assert [s.points for s in sections] == [Decimal(w) for w in ("11", "13.5", "26.2", "35.3", "8.5", "5.5")]
    leaves = [leaf for section in sections for leaf in section.leaves()]
    assert [leaf.id for leaf in leaves] == [str(n) for n in range(1, 55)]
    assert sum(leaf.points for leaf in leaves) == Decimal(100)
    points = {leaf.id: leaf.points for leaf in leaves}
    assert (points["15"], points["22"], points["31"], points["40"]) == (
        Decimal(4),
        Decimal("2.2"),
        Decimal("9.5"),
        Decimal("1.8"),
    )


def test_honggutan_item_15_deducts_per_point_short_with_exact_decimals() -> None:
    item = next(
        leaf for s in example("honggutan-2021").components[0].indicators for leaf in s.leaves() if leaf.id == "15"
    )
    assert item.rule is not None
    assert item.rule.kind == "deduct_per_unit_short"
    assert item.rule.params["figure"] == "standard_class_ratio"
    assert item.rule.params["standard"] == 90
    assert isinstance(item.rule.params["deduct"], Decimal)
    assert item.rule.params["deduct"] == Decimal("0.1")
    assert item.rule.params["rounding"] == {"places": 1, "mode": "half_up"}


def test_honggutan_grade_bands_are_a_documented_setting() -> None:
    bands = example("honggutan-2021").grade_bands
    assert [(b.name, b.min_percent) for b in bands] == [
        ("优秀", Decimal(90)),
        ("良好", Decimal(80)),
        ("合格", Decimal(60)),
        ("不合格", None),
    ]


def test_nanchang_category_maxima_follow_the_notice() -> None:
    scheme = example("nanchang-2018")
    assert {c.name: scheme.max_for(c.id) for c in scheme.categories} == {
        "县(区)教育行政部门": 300,
        "局属学校": 600,
        "省属事业单位办学校": 200,
        "市管民办学历教育学校": 300,
    }


def test_nanchang_ratings_share_one_scale_and_the_50_25_25_groups() -> None:
    scheme = example("nanchang-2018")
    lide, wuda = scheme.component("lide"), scheme.component("wuda")
    assert lide.rating == wuda.rating
    assert lide.rating is not None
    assert [(g.name, g.weight) for g in lide.rating.groups] == [
        ("局领导", Decimal(50)),
        ("处室负责人", Decimal(25)),
        ("县区(学校)", Decimal(25)),
    ]
    assert [g.name for g in lide.rating.scale.grades] == ["好", "良好", "较好", "一般", "差"]
    assert scheme.component("dangjian").method is ComponentMethod.IMPORTED


def test_nanchang_split_department_points() -> None:
    item = example("nanchang-2018").component("wukan-county").indicators[0].children[1]
    assert [(d.department, d.points) for d in item.departments] == [
        ("财务处", Decimal(6)),
        ("学生资助中心", Decimal(4)),
    ]


def test_linhai_has_bonus_and_penalty_items_and_three_star_tiers() -> None:
    scheme = example("linhai-stars")
    component = scheme.components[0]
    kinds = {i.id: i.kind for i in component.indicators}
    assert kinds["B1"] is ItemKind.BONUS
    assert kinds["P1"] is ItemKind.PENALTY
    assert component.allow_above_points
    assert [(s.name, s.stars) for s in scheme.stars] == [("五星级", 5), ("四星级", 4), ("三星级", 3)]


def test_yaml_floats_are_read_from_their_text_not_through_float(tmp_path: Path) -> None:
    text = (EXAMPLES / "honggutan-2021" / "scheme.yaml").read_text(encoding="utf-8")
    # 0.1 + 0.2 in binary float is 0.30000000000000004; the loader must keep the literal
    text = text.replace("points: 0.5, standard: '开展教师", "points: 0.50, standard: '开展教师")
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    item = next(leaf for s in load_scheme(path).components[0].indicators for leaf in s.leaves() if leaf.id == "32")
    assert item.points.as_tuple() == Decimal("0.50").as_tuple()


def test_json_and_yaml_versions_of_a_scheme_are_equal(tmp_path: Path) -> None:
    scheme = example("nanchang-2018")
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(scheme_to_data(scheme), ensure_ascii=False, indent=2), encoding="utf-8")
    assert load_scheme(path) == scheme


def test_a_gb18030_encoded_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_bytes((EXAMPLES / "linhai-stars" / "scheme.yaml").read_text(encoding="utf-8").encode("gb18030"))
    assert load_scheme(path) == example("linhai-stars")


def test_diff_reports_changed_added_and_removed_items() -> None:
    old = example("nanchang-2018")
    data = scheme_to_data(old)
    county = next(c for c in data["components"] if c["id"] == "wukan-county")
    county["indicators"][0]["children"][0]["points"] = "14"
    county["indicators"][0]["children"][1]["points"] = "11"
    county["indicators"][0]["children"][1]["departments"] = [{"department": "财务处"}]
    county["indicators"][2]["children"].append({"id": "C3.2", "name": "新增指标", "points": "0"})
    data["components"] = [c for c in data["components"] if c["id"] != "minban"]
    data["categories"][3]["components"].remove("minban")
    changes = diff_schemes(old, scheme_from_data(data))
    by_location = {(c.kind, c.location): c for c in changes}
    changed = by_location[(ChangeKind.CHANGED, "components[wukan-county].indicators[C1].children[C1.1].points")]
    assert (changed.field, changed.old, changed.new) == ("points", "15", "14")
    assert changed.describe() == '修改 考核项目“"五看五比"量化考核(县区)” › 指标 C1 › 指标 C1.1 › 分值:15 → 14'
    added = by_location[(ChangeKind.ADDED, "components[wukan-county].indicators[C3].children[C3.2]")]
    assert added.new["name"] == "新增指标"
    removed = by_location[(ChangeKind.REMOVED, "components[minban]")]
    assert removed.old["name"] == "民办学校年度办学水平督导评估"
    assert removed.describe() == "删除 考核项目“民办学校年度办学水平督导评估” 民办学校年度办学水平督导评估"
    dropped = by_location[(ChangeKind.CHANGED, "categories[private].components")]
    assert dropped.place == "类别“市管民办学历教育学校” › 考核项目"
    assert dropped.new_text == '"立德树人"述职测评、五大重点工作测评'
    assert "minban" not in " ".join(c.describe() for c in changes)


def test_diff_of_equal_schemes_is_empty() -> None:
    assert diff_schemes(example("linhai-stars"), example("linhai-stars")) == []
