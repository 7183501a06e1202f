"""The scheme file (考核方案) an organizer writes by hand: YAML or JSON, same structure.

Public API::

    load_scheme(path) -> Scheme                 # raises SchemeError(problems)
    validate_scheme_file(path) -> list[Problem] # every problem at once, [] if clean
    scheme_from_data(data) -> Scheme            # raises SchemeError(problems)
    scheme_to_data(scheme) -> dict              # JSON-able; reads back to an equal Scheme
    diff_schemes(old, new) -> list[SchemeChange]

Numbers are read as exact Decimals and never pass through a float: the YAML loader builds a
Decimal straight from the text of a float literal, JSON is parsed with ``parse_float=Decimal``,
and strings such as "13.5" are accepted wherever a number is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from kaoping.engine.model import Scheme
from kaoping.formats.limits import (
    MAX_NUMBER_DIGITS,
    NON_FINITE,
    TOO_LONG,
    BadNumber,
    BoundedComposer,
    LimitExceeded,
    bad_numbers,
    line_column,
    scan_json,
    size_problem,
)
from kaoping.formats.problems import Problem, SchemeError
from kaoping.formats.scheme_build import SchemeBuilder, collect, load_rule_validator
from kaoping.formats.scheme_diff import SchemeChange, diff_schemes
from kaoping.formats.scheme_dump import indicator_to_data, scheme_to_data
from kaoping.formats.scheme_parts import at

__all__ = [
    "Problem",
    "SchemeChange",
    "SchemeError",
    "diff_schemes",
    "load_scheme",
    "parse_scheme_text",
    "scheme_from_data",
    "scheme_schema",
    "scheme_to_data",
    "validate_scheme_data",
    "validate_scheme_file",
]

SCHEMA_RESOURCE = "schema/scheme.schema.json"


class _DecimalLoader(BoundedComposer, yaml.SafeLoader):
    """SafeLoader whose float literals become Decimal built from the literal's own text, which
    notes keys written twice in one mapping (plain YAML silently keeps the last), and which stops
    at the bounds of :mod:`kaoping.formats.limits` while composing (alias bombs, deep nesting)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.init_bounds()
        self.duplicate_keys: list[Problem] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_line: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue  # merge keys (<<: *anchor) may be overridden on purpose
            line = key_node.start_mark.line + 1
            if key_node.value in first_line:
                self.duplicate_keys.append(
                    Problem(
                        f"第{line}行第{key_node.start_mark.column + 1}列",
                        f"键“{key_node.value}”重复(第{first_line[key_node.value]}行已写过),"
                        "后写的值会覆盖前面的,请删去一个",
                    )
                )
            first_line.setdefault(key_node.value, line)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | BadNumber:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    try:
        value = Decimal(text.replace("_", ""))
    except ArithmeticError:
        value = Decimal("NaN")  # .inf, .nan, -.Inf …: YAML spellings Decimal does not know
    if value.is_finite() and len(text) <= MAX_NUMBER_DIGITS:
        return value
    reason = NON_FINITE if not value.is_finite() else TOO_LONG
    return BadNumber.make(text, _mark(node), reason)


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int | BadNumber:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    if len(text) > MAX_NUMBER_DIGITS:  # int() refuses > 4,300 digits with a ValueError
        return BadNumber.make(text[:20] + "…", _mark(node), TOO_LONG)
    value: int = loader.construct_yaml_int(node)  # type: ignore[no-untyped-call,arg-type]
    return value


def _mark(node: yaml.Node) -> str:
    return line_column(node.start_mark.line + 1, node.start_mark.column + 1)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


# -- reading ---------------------------------------------------------------------------------


def parse_scheme_text(text: str, *, json_format: bool = False) -> tuple[Any, list[Problem]]:
    """Parse YAML (default) or JSON text; syntax errors come back as located problems.

    Size, nesting depth, alias expansion and value count are bounded (:mod:`limits`) before
    anything is built; NaN, infinities and absurdly long numbers are problems at their place."""
    too_big = size_problem(len(text.encode("utf-8", "surrogatepass")))
    if too_big:
        return None, [Problem("", too_big)]
    try:
        data, problems = _json(text) if json_format else _yaml(text)
    except LimitExceeded as error:
        return None, [Problem(error.location, error.message)]
    except RecursionError:  # pragma: no cover - the depth bound comes first
        return None, [Problem("", "文件嵌套层数过深,无法读取")]
    return data, [*problems, *_bad_number_problems(data)]


def _bad_number_problems(data: Any) -> list[Problem]:
    return [
        Problem(location_of(path), f"“{value}”{value.reason}" + (f"({value.where})" if value.where else ""))
        for path, value in bad_numbers(data)
    ]


def _json(text: str) -> tuple[Any, list[Problem]]:
    constants = iter(scan_json(text).constants)

    def constant(name: str) -> BadNumber:
        return BadNumber.make(name, next(constants, ""), NON_FINITE)

    def integer(digits: str) -> int | BadNumber:
        if len(digits) > MAX_NUMBER_DIGITS:
            return BadNumber.make(digits[:20] + "…", "", TOO_LONG)
        return int(digits)

    try:
        return json.loads(text, parse_float=_json_decimal, parse_int=integer, parse_constant=constant), []
    except json.JSONDecodeError as error:
        location = f"第{error.lineno}行第{error.colno}列"
        return None, [Problem(location, f"JSON 格式错误:{error.msg}")]


def _json_decimal(text: str) -> Decimal | BadNumber:
    value = Decimal(text)  # JSON's grammar admits only finite decimal literals here
    return value if len(text) <= MAX_NUMBER_DIGITS else BadNumber.make(text[:20] + "…", "", TOO_LONG)


def _yaml(text: str) -> tuple[Any, list[Problem]]:
    loader = _DecimalLoader(text)
    try:
        data = loader.get_single_data()
        return data, loader.duplicate_keys
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        detail = error.problem or str(error)
        return None, [
            Problem(
                location,
                f"YAML 格式错误:{detail}。请检查缩进、冒号后的空格、引号和括号是否成对",
            )
        ]
    except yaml.YAMLError as error:
        return None, [Problem("", f"YAML 格式错误:{error}")]
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text; UTF-8 (with or without BOM), or GB18030 as saved by Chinese Windows."""
    try:
        too_big = size_problem(path.stat().st_size)
        if too_big:  # checked before reading: the command line may be pointed at anything
            return None, [Problem(str(path), too_big)]
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(str(path), f"无法读取文件:{error.strerror or error}")]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), []
        except UnicodeDecodeError:
            continue
    return None, [Problem(str(path), "文件编码无法识别,请另存为 UTF-8")]  # pragma: no cover


def read_scheme_data(path: str | Path) -> tuple[Any, list[Problem]]:
    """Parsed data (None if the file cannot be read or parsed) and the problems found so far."""
    path = Path(path)
    text, problems = read_text(path)
    if text is None:
        return None, problems
    data, problems = parse_scheme_text(text, json_format=path.suffix.lower() == ".json")
    if isinstance(data, Mapping):
        problems = [*problems, *inline_indicator_files(data, path.parent)]
    return data, problems


def inline_indicator_files(data: Mapping[str, Any], base: Path) -> list[Problem]:
    """Replace each component's ``indicators_file`` (an Excel 量化考核表 next to the scheme)
    with the indicators it holds."""
    problems: list[Problem] = []
    components = data.get("components")
    if not isinstance(components, list):
        return problems
    for index, component in enumerate(components):
        if not isinstance(component, dict) or not isinstance(component.get("indicators_file"), str):
            continue
        location = at(at("components", index), "indicators_file")
        file = base / component["indicators_file"]
        if "indicators" in component:
            problems.append(Problem(location, "indicators 与 indicators_file 只能写一个"))
            continue
        from kaoping.formats.excel_table import read_indicator_table  # openpyxl is slow to import

        try:
            indicators = read_indicator_table(file)
        except SchemeError as error:
            problems.extend(error.problems)
            continue
        except OSError as error:
            problems.append(Problem(location, f"无法读取指标表“{file.name}”:{error.strerror or error}"))
            continue
        del component["indicators_file"]
        component["indicators"] = [indicator_to_data(i) for i in indicators]
    return problems


# -- checking --------------------------------------------------------------------------------


@cache
def scheme_schema() -> dict[str, Any]:
    """The JSON Schema of the scheme file (src/kaoping/formats/schema/scheme.schema.json)."""
    text = resources.files("kaoping.formats").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_problems(data: Any) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(scheme_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [schema_problem(error) for error in errors]


def location_of(path: Any) -> str:
    location = ""
    for part in path:
        location = at(location, part if isinstance(part, int) else str(part))
    return location


TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "array": "列表",
    "object": "“键: 值”结构",
    "boolean": "true 或 false",
    "null": "空(null)",
}
KIND_MESSAGES = {
    "number": "“{value}”不是数字",
    "rounding": "取整写法不正确:应为小数位数(如 2)、{{places: 2, mode: half_up}} 或 null(不取整)",
    "rule": "计分规则写法不正确:应写 {{kind: 规则类型, …参数}},或写 rules 中定义的规则名称、{{use: 名称, …要改的参数}}",
}


def schema_problem(error: jsonschema.ValidationError) -> Problem:
    location = location_of(error.absolute_path)
    # jsonschema types these attributes loosely (``Unset``); read them as plain values.
    value: Any = error.instance
    schema: Any = error.schema if isinstance(error.schema, Mapping) else {}
    expected: Any = error.validator_value
    keyword = str(error.validator)
    kind = schema.get("x-kind")
    if keyword == "anyOf" and kind in KIND_MESSAGES:
        return Problem(location, KIND_MESSAGES[kind].format(value=value))
    if keyword == "required":
        missing = [k for k in expected if k not in value]
        return Problem(location, f"缺少必填字段“{'、'.join(missing)}”")
    if keyword == "additionalProperties":
        known = schema.get("properties", {})
        extra = [k for k in value if k not in known]
        where = at(location, str(extra[0])) if len(extra) == 1 else location
        message = f"不认识的字段“{'、'.join(map(str, extra))}”,请检查拼写"
        if any(value[k] is None for k in extra):
            message += ";若这是一段文字里的英文逗号,请把整段文字用引号括起来"
        return Problem(where, message)
    if keyword == "type":
        wanted = expected
        names = [TYPE_NAMES.get(str(t), str(t)) for t in (wanted if isinstance(wanted, list) else [wanted])]
        return Problem(location, f"应为{'或'.join(names)},实际是“{value}”")
    if keyword == "enum":
        options = "、".join(str(v) for v in expected)
        return Problem(location, f"“{value}”不是可选的值,可选:{options}")
    messages = {
        "minItems": f"至少需要 {expected} 项",
        "minLength": "不能为空",
        "minimum": f"不能小于 {expected}",
        "maximum": f"不能大于 {expected}",
        "uniqueItems": "有重复的项",
        "anyOf": f"写法不正确:“{value}”",
    }
    return Problem(location, messages.get(keyword, f"不符合格式要求:{error.message}"))


def validate_scheme_data(data: Any, *, from_file: bool = False) -> tuple[Scheme | None, list[Problem]]:
    """Schema and semantic checks of parsed data; the Scheme is None when there are problems.

    ``from_file``: the data was read by ``read_scheme_data``, which has already replaced each
    ``indicators_file`` by its indicators or reported why it could not."""
    if not isinstance(data, Mapping):
        return None, [Problem("", "考核方案文件的顶层应为“键: 值”结构(scheme、categories、components …)")]
    try:
        problems = schema_problems(data)
        builder = SchemeBuilder(load_rule_validator(), files_read=from_file)
        scheme = builder.build(data)
    except RecursionError:
        return None, [Problem("", "指标层级嵌套过深,无法检查")]
    problems = collect(builder.problems, problems)
    return (None if problems else scheme), problems


# -- public API ------------------------------------------------------------------------------


def validate_scheme_file(path: str | Path) -> list[Problem]:
    data, problems = read_scheme_data(path)
    if data is None and problems:
        return problems
    _, more = validate_scheme_data(data, from_file=True)
    return [*problems, *_not_again(more, problems)]


def load_scheme(path: str | Path) -> Scheme:
    data, problems = read_scheme_data(path)
    if data is None and problems:
        raise SchemeError(problems)
    scheme, more = validate_scheme_data(data, from_file=True)
    if scheme is None or problems:
        raise SchemeError([*problems, *_not_again(more, problems)])
    return scheme


def _not_again(more: list[Problem], reported: list[Problem]) -> list[Problem]:
    """Later problems minus those at a place already reported while reading (a NaN is also
    "not a number" to the schema; saying it once is enough)."""
    places = {p.location for p in reported}
    return [p for p in more if p.location not in places]


def scheme_from_data(data: Mapping[str, Any]) -> Scheme:
    scheme, problems = validate_scheme_data(data)
    if scheme is None:
        raise SchemeError(problems)
    return scheme
