"""Read a campaign's collected data (units, item scores, figures, ballots, imported scores).

Files may be CSV (UTF-8, with or without BOM), XLSX (one sheet per table) or JSON
(``{"units": [...], "ballots": [...]}`` or a bare list named by the file). Column headers
may be English or Chinese. A blank cell is missing (``None``), never 0.

Every problem is located to file, row and column and worded in Chinese, and all problems
are reported at once so a user can fix a file in one pass::

    inputs, problems = read_inputs(scheme, [Path("examples/nanchang-2018/inputs")])
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kaoping.engine.inputs import Ballot, ImportedScore, Inputs, ItemInput, Unit
from kaoping.engine.model import (
    Component,
    ComponentMethod,
    Indicator,
    ItemKind,
    RatingSpec,
    Scheme,
)
from kaoping.engine.stored import is_split
from kaoping.formats.limits import LimitExceeded, scan_json
from kaoping.formats.problems import Problem
from kaoping.formats.xlsx_guard import WorkbookRefused
from kaoping.formats.xlsx_guard import open_workbook as open_checked_workbook

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".json")

# Table kind → the names a file, sheet or JSON key may carry (matched as a prefix).
TABLE_NAMES: dict[str, tuple[str, ...]] = {
    "units": ("units", "unit", "单位"),
    "items": ("items", "item_scores", "scores", "指标得分", "得分", "评分"),
    "figures": ("figures", "data", "指标数据", "数据"),
    "ballots": ("ballots", "votes", "选票", "测评票"),
    "imported": ("imported", "imports", "导入分", "导入"),
}
TABLE_LABELS = {
    "units": "单位名单",
    "items": "指标得分",
    "figures": "指标数据",
    "ballots": "测评选票",
    "imported": "导入分数",
}

# Canonical column → accepted headers (compared after strip + lower-case, spaces removed).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "id": ("id", "unit_id", "编号", "单位编号", "代码", "单位代码"),
        "name": ("name", "名称", "单位名称"),
        "category": ("category", "类别", "单位类别", "类型"),
    },
    "items": {
        "unit": ("unit", "unit_id", "单位", "单位编号"),
        "item": ("item", "item_id", "指标", "指标编号"),
        "self": ("self", "self_score", "自评", "自评分"),
        "reviewed": ("reviewed", "reviewed_score", "复核", "复核分", "处室评分", "部门评分"),
        "confirmed": ("confirmed", "confirmed_score", "核定", "核定分"),
        "level": ("level", "等级", "档次"),
        "triggered": ("triggered", "触发", "是否触发"),
        "not_applicable": ("not_applicable", "na", "不适用", "是否不适用"),
        "department": ("department", "处室", "部门", "评分处室"),
        "note": ("note", "说明", "得失分说明", "备注"),
    },
    "figures": {
        "unit": ("unit", "unit_id", "单位", "单位编号"),
        "item": ("item", "item_id", "指标", "指标编号"),
        "figure": ("figure", "figure_name", "数据项", "数据名称"),
        "value": ("value", "数值", "值"),
    },
    "ballots": {
        "component": ("component", "component_id", "测评项目", "考核项目"),
        "rater": ("rater", "rater_id", "评委", "评委编号"),
        "rater_group": ("rater_group", "group", "评委组", "评委类别"),
        "rater_unit": ("rater_unit", "评委单位", "评委所在单位"),
        "unit": ("unit", "target", "target_unit", "被测评单位", "单位", "单位编号"),
        "grade": ("grade", "等次", "评价等次", "评价"),
        "points": ("points", "分值", "档内分"),
        "sheet": ("sheet", "票号", "选票编号"),
    },
    "imported": {
        "unit": ("unit", "unit_id", "单位", "单位编号"),
        "component": ("component", "component_id", "考核项目"),
        "raw": ("raw", "score", "原始分", "得分", "考核得分"),
        "raw_max": ("raw_max", "max", "满分", "原始满分"),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "units": ("id", "name", "category"),
    "items": ("unit", "item"),
    "figures": ("unit", "item", "figure", "value"),
    "ballots": ("component", "rater", "rater_group", "unit", "grade"),
    "imported": ("unit", "component", "raw"),
}
TRUE_WORDS = frozenset({"是", "true", "yes", "y", "1", "√", "✓", "t"})
FALSE_WORDS = frozenset({"否", "false", "no", "n", "0", "×", "f"})


InputProblem = Problem  # the same located problem the scheme loader reports


class InputsError(Exception):
    """Raised by :func:`load_inputs` when the files have problems; carries all of them."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class _Row:
    where: str  # "ballots.csv 第12行"
    values: dict[str, str | None]  # canonical column → text, None when blank
    headers: dict[str, str]  # canonical column → header as the file wrote it

    def loc(self, column: str) -> str:
        return f"{self.where} {self.headers.get(column, column)}"


@dataclass(slots=True)
class _Table:
    kind: str
    source: str
    rows: list[_Row] = field(default_factory=list)


def read_inputs(scheme: Scheme, paths: Iterable[Path]) -> tuple[Inputs, list[InputProblem]]:
    """Read every file (directories are expanded) and check it against ``scheme``.

    Returns what could be read and the list of problems; the inputs are only safe to score
    when the list is empty.
    """
    problems: list[InputProblem] = []
    tables: list[_Table] = []
    for path in _expand(paths, problems):
        tables.extend(_read_file(path, problems))
    builder = _Builder(scheme, problems)
    for kind in ("units", "items", "figures", "ballots", "imported"):
        for table in tables:
            if table.kind == kind:
                builder.add(table)
    if not any(table.kind == "units" for table in tables):
        problems.append(InputProblem("输入文件", "缺少单位名单(units.csv,列:id, name, category)"))
    return builder.inputs(), problems


def load_inputs(scheme: Scheme, paths: Iterable[Path]) -> Inputs:
    """Like :func:`read_inputs` but raises :class:`InputsError` when there is any problem."""
    inputs, problems = read_inputs(scheme, paths)
    if problems:
        raise InputsError(problems)
    return inputs


# --------------------------------------------------------------------------- files → rows


def _expand(paths: Iterable[Path], problems: list[InputProblem]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                problems.append(InputProblem(str(path), "目录中没有 .csv/.xlsx/.json 输入文件"))
            yield from found
        elif not path.exists():
            problems.append(InputProblem(str(path), "文件不存在"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            problems.append(InputProblem(path.name, "不支持的文件类型(支持 .csv、.xlsx、.json)"))
        else:
            yield path


def _read_file(path: Path, problems: list[InputProblem]) -> list[_Table]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _tables_from_csv(path, problems)
        if suffix == ".xlsx":
            return _tables_from_xlsx(path, problems)
        return _tables_from_json(path, problems)
    except UnicodeDecodeError:
        problems.append(InputProblem(path.name, "不是 UTF-8 编码的文本文件,请另存为 UTF-8"))
    except json.JSONDecodeError as error:
        problems.append(InputProblem(f"{path.name} 第{error.lineno}行", f"JSON 格式错误({error.msg})"))
    except OSError as error:
        problems.append(InputProblem(path.name, f"无法读取文件({error.strerror or error})"))
    except WorkbookRefused as error:
        problems.append(InputProblem(path.name, error.message))
    except LimitExceeded as error:
        problems.append(InputProblem(f"{path.name} {error.location}".strip(), error.message))
    except Exception:  # a damaged file of any kind: the user gets a reason, never an exception name
        problems.append(InputProblem(path.name, "无法读取文件(内容已损坏或格式不受支持),请重新导出后再试"))
    return []


def _tables_from_csv(path: Path, problems: list[InputProblem]) -> list[_Table]:
    text = path.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    table = _table_from_records(path.stem, path.name, records, problems, row_word="行")
    return [table] if table else []


def _tables_from_xlsx(path: Path, problems: list[InputProblem]) -> list[_Table]:
    workbook = open_checked_workbook(path, read_only=True)  # DTDs, zip bombs and absurd extents refused
    tables: list[_Table] = []
    try:
        for sheet in workbook.worksheets:
            records = [[_cell_text(v) or "" for v in row] for row in sheet.iter_rows(values_only=True)]
            if not any(any(cell for cell in r) for r in records):
                continue
            source = f"{path.name} [{sheet.title}]"
            table = _table_from_records(sheet.title, source, records, problems, row_word="行")
            if table:
                tables.append(table)
    finally:
        workbook.close()
    return tables


MAX_JSON_VALUES = 5_000_000  # ballots of a large meeting are ~10**5 rows


def _json_int(digits: str) -> int | str:
    """Over-long integers stay text (reported "不是数字" at their row); int() would raise past 4,300 digits."""
    return int(digits) if len(digits) <= 100 else digits[:20] + "…"


def _tables_from_json(path: Path, problems: list[InputProblem]) -> list[_Table]:
    text = path.read_bytes().decode("utf-8-sig")
    scan_json(text, max_nodes=MAX_JSON_VALUES)  # nesting depth checked before json.loads recurses
    data = json.loads(text, parse_float=Decimal, parse_int=_json_int)
    if isinstance(data, list):
        data = {path.stem: data}
    if not isinstance(data, dict):
        problems.append(InputProblem(path.name, "JSON 顶层应为对象或数组"))
        return []
    tables: list[_Table] = []
    for key, records in data.items():
        source = f"{path.name} {key}"
        kind = _kind_from_name(str(key))
        if kind is None:
            problems.append(InputProblem(source, f"无法识别的数据表“{key}”"))
            continue
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            problems.append(InputProblem(source, "应为对象数组"))
            continue
        table = _Table(kind, source)
        tables.append(table)
        headers = _map_headers(kind, sorted({k for r in records for k in r}))
        if not _check_required(kind, source, headers, problems):
            continue
        for index, record in enumerate(records, start=1):
            values = {canon: _cell_text(record.get(header)) for canon, header in headers.items()}
            table.rows.append(_Row(f"{source} 第{index}条", values, headers))
    return tables


def _table_from_records(
    name: str, source: str, records: list[list[str]], problems: list[InputProblem], row_word: str
) -> _Table | None:
    records = [r for r in records]
    if not records:
        problems.append(InputProblem(source, "文件为空"))
        return None
    header_row = [h.strip() for h in records[0]]
    kind = _kind_from_name(name) or _kind_from_headers(header_row)
    if kind is None:
        problems.append(InputProblem(source, "无法识别的数据表:文件名应为 units/items/figures/ballots/imported"))
        return None
    positions = {h: i for i, h in enumerate(header_row) if h}
    headers = _map_headers(kind, list(positions))
    table = _Table(kind, source)
    if not _check_required(kind, source, headers, problems):
        return table  # known kind without rows: the missing column is already reported
    columns = [(canon, positions[header]) for canon, header in headers.items()]
    for line, record in enumerate(records[1:], start=2):
        if not "".join(record).strip():
            continue
        width = len(record)
        values = {canon: (record[i].strip() or None) if i < width else None for canon, i in columns}
        table.rows.append(_Row(f"{source} 第{line}{row_word}", values, headers))
    return table


def _kind_from_name(name: str) -> str | None:
    lowered = name.strip().lower()
    for kind, names in TABLE_NAMES.items():
        for candidate in names:
            if lowered == candidate or (
                lowered.startswith(candidate) and (not candidate.isascii() or lowered[len(candidate)] in "_-. ")
            ):
                return kind
    return None


def _kind_from_headers(headers: Sequence[str]) -> str | None:
    for kind in ("ballots", "figures", "imported", "units", "items"):
        if len(_map_headers(kind, headers)) >= len(REQUIRED[kind]) and all(
            c in _map_headers(kind, headers) for c in REQUIRED[kind]
        ):
            return kind
    return None


def _normal(header: str) -> str:
    return "".join(header.split()).lower()


def _map_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """canonical column → the header used in the file (first match wins; others ignored)."""
    by_normal = {_normal(h): h for h in reversed(headers)}
    found: dict[str, str] = {}
    for canon, synonyms in COLUMNS[kind].items():
        for synonym in synonyms:
            if synonym in by_normal and by_normal[synonym] not in found.values():
                found[canon] = by_normal[synonym]
                break
    return found


def _check_required(kind: str, source: str, headers: Mapping[str, str], problems: list[InputProblem]) -> bool:
    missing = [c for c in REQUIRED[kind] if c not in headers]
    for column in missing:
        synonyms = COLUMNS[kind][column]
        accepted = "/".join((column, *[s for s in synonyms if not s.isascii()][:2]))
        problems.append(InputProblem(source, f"{TABLE_LABELS[kind]}缺少必需的列“{column}”(可写作 {accepted})"))
    return not missing


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest round-trip text: 80.84 stays "80.84"
    return _blank_to_none(str(value))


def _blank_to_none(text: str) -> str | None:
    stripped = text.strip()
    return stripped or None


# --------------------------------------------------------------------------- rows → Inputs


@dataclass(slots=True)
class _ItemDraft:
    unit_id: str
    item_id: str
    where: str
    self_score: Decimal | None = None
    reviewed_score: Decimal | None = None
    confirmed_score: Decimal | None = None
    figures: dict[str, Decimal] = field(default_factory=dict)
    level: str | None = None
    triggered: bool | None = None
    not_applicable: bool = False
    department_scores: dict[str, Decimal] = field(default_factory=dict)
    note: str = ""
    has_scores: bool = False

    def freeze(self) -> ItemInput:
        return ItemInput(
            unit_id=self.unit_id,
            item_id=self.item_id,
            self_score=self.self_score,
            reviewed_score=self.reviewed_score,
            confirmed_score=self.confirmed_score,
            figures=dict(self.figures),
            level=self.level,
            triggered=self.triggered,
            not_applicable=self.not_applicable,
            department_scores=dict(self.department_scores),
            note=self.note,
        )


class _Builder:
    """Turns rows into engine inputs, checking every reference against the scheme."""

    def __init__(self, scheme: Scheme, problems: list[InputProblem]) -> None:
        self.scheme = scheme
        self.problems = problems
        self.units: dict[str, Unit] = {}
        self.unit_rows: dict[str, str] = {}
        self.items: dict[tuple[str, str], _ItemDraft] = {}
        self.ballots: list[Ballot] = []
        self.ballot_keys: dict[tuple[str, str, str, str], str] = {}
        self.imported: dict[tuple[str, str], ImportedScore] = {}
        self.imported_rows: dict[tuple[str, str], str] = {}
        self.categories = {c.id: c for c in scheme.categories}
        self.category_by_name = {c.name: c.id for c in scheme.categories}
        self.components = {c.id: c for c in scheme.components}
        self.component_by_name = {c.name: c.id for c in scheme.components}
        self.leaves: dict[str, dict[str, Indicator]] = {
            c.id: {leaf.id: leaf for top in c.indicators for leaf in top.leaves()} for c in scheme.components
        }
        self.inner: dict[str, set[str]] = {
            c.id: {node.id for top in c.indicators for node in _walk(top) if not node.is_leaf}
            for c in scheme.components
        }

    def add(self, table: _Table) -> None:
        handler = {
            "units": self._unit,
            "items": self._item,
            "figures": self._figure,
            "ballots": self._ballot,
            "imported": self._imported,
        }[table.kind]
        for row in table.rows:
            handler(row)

    def inputs(self) -> Inputs:
        return Inputs(
            units=tuple(self.units.values()),
            items=tuple(draft.freeze() for draft in self.items.values()),
            ballots=tuple(self.ballots),
            imported=tuple(self.imported.values()),
        )

    def _problem(self, row: _Row, column: str | None, message: str) -> None:
        location = row.loc(column) if column else row.where
        self.problems.append(InputProblem(location, message))

    def _required(self, row: _Row, column: str) -> str | None:
        value = row.values.get(column)
        if value is None:
            self._problem(row, column, "不能为空")
        return value

    def _decimal(self, row: _Row, column: str) -> Decimal | None:
        text = row.values.get(column)
        if text is None:
            return None
        cleaned = text.replace(",", "").rstrip("%").strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            self._problem(row, column, f"“{text}”不是数字")
            return None
        if not value.is_finite():
            self._problem(row, column, f"“{text}”不是有限的数字")
            return None
        return value

    def _bool(self, row: _Row, column: str) -> bool | None:
        text = row.values.get(column)
        if text is None:
            return None
        lowered = text.lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
        self._problem(row, column, f"“{text}”应为 是/否")
        return None

    # ---- units

    def _unit(self, row: _Row) -> None:
        unit_id = self._required(row, "id")
        name = self._required(row, "name")
        category_text = self._required(row, "category")
        if unit_id is None or name is None or category_text is None:
            return
        category = self._category(category_text)
        if category is None:
            known = "/".join(c.name for c in self.scheme.categories)
            self._problem(row, "category", f"类别“{category_text}”不在方案中({known})")
            return
        if unit_id in self.units:
            self._problem(row, "id", f"单位编号“{unit_id}”重复(已在 {self.unit_rows[unit_id]} 出现)")
            return
        self.units[unit_id] = Unit(id=unit_id, name=name, category=category)
        self.unit_rows[unit_id] = row.where

    def _category(self, text: str) -> str | None:
        if text in self.categories:
            return text
        return self.category_by_name.get(text)

    def _known_unit(self, row: _Row, column: str) -> Unit | None:
        unit_id = self._required(row, column)
        if unit_id is None:
            return None
        unit = self.units.get(unit_id)
        if unit is None:
            self._problem(row, column, f"未知单位“{unit_id}”(不在单位名单中)")
        return unit

    # ---- items and figures

    def _leaf(self, row: _Row, unit: Unit) -> Indicator | None:
        item_id = self._required(row, "item")
        if item_id is None:
            return None
        component_ids = self.categories[unit.category].components
        for component_id in component_ids:
            leaf = self.leaves.get(component_id, {}).get(item_id)
            if leaf is not None:
                return leaf
        if any(item_id in self.inner.get(c, set()) for c in component_ids):
            self._problem(row, "item", f"指标“{item_id}”不是末级指标,不能直接打分")
        elif any(item_id in leaves for leaves in self.leaves.values()):
            category = self.categories[unit.category].name
            self._problem(row, "item", f"指标“{item_id}”不属于单位“{unit.id}”的类别({category})")
        else:
            self._problem(row, "item", f"未知指标“{item_id}”(不在方案的指标体系中)")
        return None

    def _draft(self, row: _Row, unit: Unit, leaf: Indicator) -> _ItemDraft:
        key = (unit.id, leaf.id)
        if key not in self.items:
            self.items[key] = _ItemDraft(unit.id, leaf.id, row.where)
        return self.items[key]

    def _item(self, row: _Row) -> None:
        unit = self._known_unit(row, "unit")
        if unit is None:
            return
        leaf = self._leaf(row, unit)
        if leaf is None:
            return
        scores = {c: self._score(row, c, leaf) for c in ("self", "reviewed", "confirmed")}
        triggered = self._bool(row, "triggered")
        not_applicable = self._bool(row, "not_applicable")
        draft = self._draft(row, unit, leaf)
        department = row.values.get("department")
        if department is not None and is_split(leaf) and scores["reviewed"] is not None:
            # A split item (4 + 3 + 2.5 + 1.5): each department's row adds its share.
            if department in draft.department_scores:
                self._problem(row, "department", f"处室“{department}”对该指标重复评分")
                return
            draft.department_scores[department] = scores["reviewed"]
            scores["reviewed"] = None
        elif draft.has_scores:
            self._problem(row, None, f"单位“{unit.id}”指标“{leaf.id}”重复(已在 {draft.where} 给出)")
            return
        draft.has_scores = True
        draft.where = row.where
        draft.self_score = scores["self"] if scores["self"] is not None else draft.self_score
        if scores["reviewed"] is not None:
            draft.reviewed_score = scores["reviewed"]
        if scores["confirmed"] is not None:
            draft.confirmed_score = scores["confirmed"]
        draft.level = row.values.get("level") or draft.level
        draft.triggered = triggered if triggered is not None else draft.triggered
        draft.not_applicable = draft.not_applicable or bool(not_applicable)
        draft.note = row.values.get("note") or draft.note

    def _score(self, row: _Row, column: str, leaf: Indicator) -> Decimal | None:
        value = self._decimal(row, column)
        if value is None:
            return None
        if leaf.kind is not ItemKind.PENALTY and value < 0:
            self._problem(row, column, f"得分 {value} 不能为负数")
            return None
        if abs(value) > leaf.points:
            self._problem(row, column, f"得分 {value} 超过该指标分值 {leaf.points}")
            return None
        return value

    def _figure(self, row: _Row) -> None:
        unit = self._known_unit(row, "unit")
        figure = self._required(row, "figure")
        value = self._decimal(row, "value")
        if row.values.get("value") is None:
            self._problem(row, "value", "不能为空(数据缺失请不要填写该行)")
        if unit is None:
            return
        leaf = self._leaf(row, unit)
        if leaf is None or figure is None or value is None:
            return
        draft = self._draft(row, unit, leaf)
        if figure in draft.figures:
            self._problem(row, "figure", f"数据项“{figure}”重复")
            return
        draft.figures[figure] = value

    # ---- ballots

    def _ballot(self, row: _Row) -> None:
        component = self._rating_component(row)
        target = self._known_unit(row, "unit")
        rater = self._required(row, "rater")
        group_text = self._required(row, "rater_group")
        rater_unit = row.values.get("rater_unit")
        if rater_unit is not None and rater_unit not in self.units:
            self._problem(row, "rater_unit", f"未知单位“{rater_unit}”(不在单位名单中)")
        if component is None or component.rating is None:
            return
        if target is not None and not self._takes(target, component, row):
            target = None
        group = self._group(row, component.rating, group_text)
        valid, grade, points = self._grade(row, component)
        if target is None or rater is None or group is None or not valid:
            return
        sheet = row.values.get("sheet")
        key = (component.id, rater, target.id, sheet or "")
        if key in self.ballot_keys:
            self._problem(row, None, f"评委“{rater}”对单位“{target.id}”重复投票(已在 {self.ballot_keys[key]})")
            return
        self.ballot_keys[key] = row.where
        self.ballots.append(
            Ballot(
                component_id=component.id,
                rater_id=rater,
                rater_group=group,
                target_unit=target.id,
                grade=grade,
                points=points,
                rater_unit=rater_unit,
                sheet=sheet,
            )
        )

    def _component(self, row: _Row) -> Component | None:
        text = self._required(row, "component")
        if text is None:
            return None
        component_id = text if text in self.components else self.component_by_name.get(text)
        if component_id is None:
            known = "/".join(self.components)
            self._problem(row, "component", f"未知考核项目“{text}”(方案中有 {known})")
            return None
        return self.components[component_id]

    def _rating_component(self, row: _Row) -> Component | None:
        component = self._component(row)
        if component is not None and component.method is not ComponentMethod.RATING:
            self._problem(row, "component", f"考核项目“{component.id}”不是现场测评,不能投票")
            return None
        return component

    def _takes(self, unit: Unit, component: Component, row: _Row) -> bool:
        if component.id in self.categories[unit.category].components:
            return True
        self._problem(row, "unit", f"单位“{unit.id}”不参加考核项目“{component.name}”")
        return False

    def _group(self, row: _Row, rating: RatingSpec, text: str | None) -> str | None:
        if text is None:
            return None
        for group in rating.groups:
            if text in (group.id, group.name):
                return group.id
        known = "/".join(g.name for g in rating.groups)
        self._problem(row, "rater_group", f"评委组“{text}”不在方案中({known})")
        return None

    def _grade(self, row: _Row, component: Component) -> tuple[bool, str | None, Decimal | None]:
        """(valid, grade, points); grade None = abstain; invalid ones are already reported."""
        assert component.rating is not None
        scale = component.rating.scale
        text = row.values.get("grade")
        points = self._decimal(row, "points")
        if text is None or text == scale.abstain:
            return True, None, None
        for grade in scale.grades:
            if grade.name == text:
                if points is not None and points not in grade.choices:
                    choices = "/".join(str(c) for c in grade.choices) or "无"
                    self._problem(row, "points", f"{points} 不是等次“{text}”的可选分({choices})")
                    return False, None, None
                return True, text, points
        names = "/".join(g.name for g in scale.grades)
        self._problem(row, "grade", f"“{text}”不在等级表({names})中")
        return False, None, None

    # ---- imported scores

    def _imported(self, row: _Row) -> None:
        unit = self._known_unit(row, "unit")
        component = self._component(row)
        raw = self._decimal(row, "raw")
        raw_max = self._decimal(row, "raw_max")
        if row.values.get("raw") is None:
            self._problem(row, "raw", "不能为空(没有分数的单位请不要填写该行)")
        if raw_max is not None and raw_max <= 0:
            self._problem(row, "raw_max", "满分必须大于 0")
            return
        if raw is not None and raw < 0:
            self._problem(row, "raw", f"得分 {raw} 不能为负数")
            return
        if component is not None and component.method is not ComponentMethod.IMPORTED:
            self._problem(row, "component", f"考核项目“{component.id}”不是导入分数的项目")
            return
        if unit is None or component is None or raw is None:
            return
        if not self._takes(unit, component, row):
            return
        key = (unit.id, component.id)
        if key in self.imported:
            self._problem(
                row,
                None,
                f"单位“{unit.id}”的“{component.name}”分数重复(已在 {self.imported_rows[key]})",
            )
            return
        self.imported[key] = ImportedScore(unit.id, component.id, raw, raw_max)
        self.imported_rows[key] = row.where


def _walk(node: Indicator) -> Iterator[Indicator]:
    yield node
    for child in node.children:
        yield from _walk(child)
