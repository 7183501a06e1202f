"""Hostile scheme files (issue 10 §4): alias bombs, deep nesting, huge files, NaN and infinity.

Each is refused while being read, before anything is built, with a Chinese message that says
where (line and column, or the place in the data). Memory is checked with tracemalloc; the time
a refusal takes is measured in benchmarks/bench_scheme_limits.py, not asserted here.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
import yaml

from kaoping.formats import limits
from kaoping.formats.problems import SchemeError
from kaoping.formats.scheme_file import load_scheme, parse_scheme_text, validate_scheme_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "scheme.yaml"


def billion_laughs() -> str:
    """The classic: 9 levels of 9 aliases (81 aliases, 9**9 = 387 million values) in a scheme field."""
    lines = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
    lines.append("scheme: {id: x, name: *i, year: 2021}")
    return "\n".join(lines) + "\n"


def binary_bomb(levels: int = 30) -> str:
    """Few aliases, each doubling: 60 aliases expand to 2**30 values, under any alias-count limit."""
    body = ["  a0: &a0 [lol, lol]"] + [f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, levels)]
    return "x:\n" + "\n".join(body) + f"\nscheme: {{id: t, name: *a{levels - 1}, year: 2021}}\n"


def write(tmp_path: Path, text: str, name: str = "scheme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_billion_laughs_is_refused_at_its_line_before_anything_is_built(tmp_path: Path) -> None:
    text = billion_laughs()
    assert len(text.encode()) < 400  # 362 bytes
    [problem] = validate_scheme_file(write(tmp_path, text))
    assert "别名炸弹" in problem.message
    assert problem.location.startswith("第") and problem.location.endswith("列")


def test_a_doubling_bomb_under_the_alias_count_limit_is_refused_in_little_memory(tmp_path: Path) -> None:
    path = write(tmp_path, binary_bomb())
    tracemalloc.start()
    try:
        [problem] = validate_scheme_file(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "别名炸弹" in problem.message
    assert peak < 50 * 1024 * 1024  # measured ≈ 1 MB; before the fix 2.4 GB and a MemoryError


def test_a_bomb_in_uploaded_text_is_refused_the_same_way() -> None:
    data, [problem] = parse_scheme_text(billion_laughs())
    assert data is None
    assert "别名炸弹" in problem.message and problem.location.startswith("第")


def test_an_alias_that_points_into_itself_is_refused() -> None:
    data, [problem] = parse_scheme_text("a: &a [1, *a]\n")
    assert data is None
    assert "循环引用" in problem.message
    assert problem.location == "第1行第11列"


def test_more_aliases_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ALIASES", 3)
    _data, [problem] = parse_scheme_text("a: &a 1\nb: [*a, *a, *a, *a]\n")
    assert "别名" in problem.message and problem.location == "第2行第17列"


def test_deep_yaml_nesting_is_refused_at_the_bracket_that_goes_too_deep() -> None:
    _data, [problem] = parse_scheme_text("x: " + "[" * 200 + "]" * 200 + "\n")
    assert "嵌套层数过深" in problem.message
    assert problem.location == f"第1行第{3 + limits.MAX_DEPTH}列"


def test_deep_json_nesting_is_refused_at_its_line_and_column() -> None:
    text = '{"x":\n' + "[" * 200 + "]" * 200 + "}"
    _data, [problem] = parse_scheme_text(text, json_format=True)
    assert "嵌套层数过深" in problem.message
    assert problem.location == f"第2行第{limits.MAX_DEPTH}列"


def test_brackets_inside_json_strings_do_not_count_as_nesting() -> None:
    data, problems = parse_scheme_text(json.dumps({"name": "[" * 500 + '"{' * 50}), json_format=True)
    assert problems == [] and data["name"].startswith("[[[")


def test_too_many_values_is_refused_in_yaml_and_json() -> None:
    many = limits.MAX_NODES + 10
    _data, [problem] = parse_scheme_text("x: [" + ", ".join(["0"] * many) + "]\n")
    assert "内容过多" in problem.message
    _data, [problem] = parse_scheme_text("[" + ",".join(["0"] * many) + "]", json_format=True)
    assert "内容过多" in problem.message and problem.location.startswith("第1行")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(limits.MAX_SCHEME_BYTES + 1)  # sparse: nothing to parse, only its size
    [problem] = validate_scheme_file(path)
    assert "文件过大" in problem.message and "2 MB" in problem.message


def test_uploaded_text_over_the_size_limit_is_refused() -> None:
    _data, [problem] = parse_scheme_text("# " + "x" * limits.MAX_SCHEME_BYTES)
    assert "文件过大" in problem.message


# -- numbers that are not numbers -----------------------------------------------------------------


def example_with(old: str, new: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize("spelling", [".nan", ".NaN", ".inf", "-.inf", "+.Inf", ".INF"])
def test_yaml_non_finite_points_are_refused_with_their_place_and_line(tmp_path: Path, spelling: str) -> None:
    text = example_with("name: 教育工作领导体制机制, points: 1,", f"name: 教育工作领导体制机制, points: {spelling},")
    problems = validate_scheme_file(write(tmp_path, text))
    [problem] = problems
    assert problem.location == "components[0].indicators[0].children[0].points"
    assert f"“{spelling}”不是有限的数字" in problem.message
    assert "(第35行第49列)" in problem.message


def test_yaml_non_finite_weight_is_refused_too(tmp_path: Path) -> None:
    text = example_with("weight: 11\n", "weight: .nan\n")
    [problem] = validate_scheme_file(write(tmp_path, text))
    assert problem.location == "components[0].indicators[0].weight"
    assert "不是有限的数字" in problem.message


def test_every_numeric_field_refuses_infinity_not_only_points(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["scheme"]["year"] = float("inf")
    data["rounding"]["item"]["places"] = float("-inf")
    text = yaml.safe_dump(data, allow_unicode=True)
    locations = {p.location for p in validate_scheme_file(write(tmp_path, text)) if "不是有限的数字" in p.message}
    assert locations == {"scheme.year", "rounding.item.places"}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_numbers_are_refused_with_their_line(tmp_path: Path, constant: str) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["components"][0]["indicators"][0]["children"][0]["points"] = "MARK"
    text = json.dumps(data, ensure_ascii=False, indent=1).replace('"MARK"', constant)
    [problem] = validate_scheme_file(write(tmp_path, text, "scheme.json"))
    assert problem.location == "components[0].indicators[0].children[0].points"
    assert f"“{constant}”不是有限的数字" in problem.message
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if constant in row)
    assert f"(第{line}行第" in problem.message


def test_load_scheme_never_returns_a_scheme_with_a_nan(tmp_path: Path) -> None:
    text = example_with("name: 教育工作领导体制机制, points: 1,", "name: 教育工作领导体制机制, points: .nan,")
    with pytest.raises(SchemeError, match="不是有限的数字"):
        load_scheme(write(tmp_path, text))


@pytest.mark.parametrize("json_format", [False, True])
def test_a_5000_digit_number_is_a_problem_not_a_crash(json_format: bool) -> None:
    digits = "9" * 5000
    text = f'{{"year": {digits}, "w": {digits}.5}}' if json_format else f"year: {digits}\nw: {digits}.5\n"
    _data, problems = parse_scheme_text(text, json_format=json_format)
    assert [p.location for p in problems] == ["year", "w"]
    assert all("超过 100 位" in p.message for p in problems)


def test_the_examples_are_far_below_every_limit() -> None:
    for path in sorted(EXAMPLE.parents[1].glob("*/scheme.yaml")):
        assert validate_scheme_file(path) == [], path
