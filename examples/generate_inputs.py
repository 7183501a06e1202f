"""Write the example campaigns' input files (deterministic: fixed seeds, sorted output).

    .venv/bin/python examples/generate_inputs.py            # all three examples
    .venv/bin/python examples/generate_inputs.py honggutan-2021

Each example's scheme.yaml decides the ids: this script reads the scheme and fills in data for
its categories, components and indicators, so the inputs always match the scheme. The figures
that the seed documents state (Honggutan's 54 self scores, item 15's 80.84%) are written as
stated; everything else is plausible invented data.
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    Indicator,
    ItemKind,
    RatingSpec,
    Scheme,
)
from kaoping.engine.rating import check_sheet
from kaoping.formats.scheme_file import load_scheme

HERE = Path(__file__).resolve().parent
ONE_PLACE = Decimal("0.1")

Row = dict[str, object]


@dataclass
class Tables:
    units: list[Row] = field(default_factory=list)
    items: list[Row] = field(default_factory=list)
    figures: list[Row] = field(default_factory=list)
    ballots: list[Row] = field(default_factory=list)
    imported: list[Row] = field(default_factory=list)


def _d(value: float | Decimal, places: Decimal = ONE_PLACE) -> Decimal:
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def _category(scheme: Scheme, *words: str) -> Category:
    for category in scheme.categories:
        if any(word in category.name or word == category.id for word in words):
            return category
    raise SystemExit(f"{scheme.id}: no category matching {words}")


def _components(scheme: Scheme, category: Category, method: ComponentMethod) -> list[Component]:
    return [scheme.component(c) for c in category.components if scheme.component(c).method is method]


# --------------------------------------------------------------------------- item data


def _rule_data(leaf: Indicator, quality: float, rng: random.Random) -> dict[str, Any]:
    """Figures / level / trigger for a rule-scored leaf, near its standard, worse for lower quality."""
    assert leaf.rule is not None
    params = leaf.rule.params
    kind = leaf.rule.kind
    at_most = params.get("direction") == "at_most"
    if kind in ("veto", "downgrade", "not_excellent"):
        return {"triggered": "否"}
    if kind in ("attainment",) or (kind == "stepped" and "levels" in params):
        levels = list(params["levels"])
        index = min(len(levels) - 1, int((1 - quality) * len(levels) + rng.random() * 0.8))
        return {"level": levels[index]}
    if kind == "deduct_per_occurrence":
        return {"figures": {params["figure"]: rng.choice([0, 0, 0, 1]) + (1 if quality < 0.4 else 0)}}
    if kind == "n_of_m":
        return {
            "figures": {
                spec["figure"]: _near(Decimal(str(spec["standard"])), quality, at_most, rng)
                for spec in params["figures"]
            }
        }
    if kind == "ratio_to_target":
        target = Decimal(str(params.get("target") or rng.choice([100, 500, 7800])))
        figures = {params["figure"]: _d(target * Decimal(str(0.6 + 0.45 * quality)), Decimal("0.01"))}
        if "target_figure" in params:
            figures[params["target_figure"]] = target
        return {"figures": figures}
    if kind == "stepped":
        steps = params["steps"]
        key = "max" if at_most else "min"
        pick = steps[min(len(steps) - 1, int((1 - quality) * len(steps)))]
        return {"figures": {params["figure"]: _near(Decimal(str(pick[key])), 0.9, at_most, rng)}}
    standard = Decimal(str(params.get("standard", 100)))
    return {"figures": {params["figure"]: _near(standard, quality, at_most, rng)}}


def _near(standard: Decimal, quality: float, at_most: bool, rng: random.Random) -> Decimal:
    """A figure that meets the standard for good units and falls short for weak ones."""
    shortfall = (0.85 - quality) * 0.25 + rng.uniform(-0.03, 0.03)
    factor = 1 + shortfall if at_most else 1 - shortfall
    return _d(standard * Decimal(str(factor)), Decimal("0.01"))


def _manual_score(leaf: Indicator, quality: float, rng: random.Random) -> Decimal:
    """A reviewer's score: full points mostly, small deductions for weaker units."""
    if rng.random() < 0.35 + 0.6 * quality:
        return leaf.points
    share = max(0.0, min(1.0, 0.55 + 0.45 * quality + rng.uniform(-0.1, 0.05)))
    return min(leaf.points, _d(leaf.points * Decimal(str(share))))


def _item_rows(
    tables: Tables,
    unit_id: str,
    leaves: Iterable[Indicator],
    quality: float,
    rng: random.Random,
    departments: Sequence[str],
) -> None:
    for leaf in leaves:
        if leaf.rule is not None and leaf.rule.kind != "manual":
            data = _rule_data(leaf, quality, rng)
            for figure, value in sorted(data.get("figures", {}).items()):
                tables.figures.append({"unit": unit_id, "item": leaf.id, "figure": figure, "value": value})
            if "level" in data or "triggered" in data:
                tables.items.append(
                    {"unit": unit_id, "item": leaf.id, "level": data.get("level"), "triggered": data.get("triggered")}
                )
            continue
        if leaf.kind is ItemKind.BONUS:
            score = _d(leaf.points * Decimal(str(max(0.0, quality - 0.55) / 0.45))) if quality > 0.6 else Decimal(0)
        elif leaf.kind is ItemKind.PENALTY:
            score = _d(leaf.points * Decimal(str(min(1.0, (0.55 - quality) * 2.5)))) if quality < 0.5 else Decimal(0)
        else:
            score = _manual_score(leaf, quality, rng)
        shares = [share for share in leaf.departments if share.points is not None]
        if len(shares) > 1:  # split item: each department scores its own share
            for share in shares:
                assert share.points is not None
                part = min(share.points, _d(share.points * score / leaf.points))
                tables.items.append(
                    {"unit": unit_id, "item": leaf.id, "department": share.department, "reviewed": part}
                )
            continue
        department = leaf.departments[0].department if leaf.departments else rng.choice(departments)
        tables.items.append({"unit": unit_id, "item": leaf.id, "department": department, "reviewed": score})


# --------------------------------------------------------------------------- ballots


@dataclass(frozen=True)
class Rater:
    id: str
    group: str  # group id
    unit: str | None = None


def _ballot_sheets(
    tables: Tables,
    component: Component,
    raters: Sequence[Rater],
    sessions: Sequence[tuple[str, Sequence[str]]],
    quality: dict[str, float],
    rng: random.Random,
    spoiled: set[tuple[str, str]],
) -> None:
    """Every rater grades every unit of each session (one sheet per rater and session)."""
    assert component.rating is not None
    spec = component.rating
    names = [grade.name for grade in spec.scale.grades]
    for session, unit_ids in sessions:
        for rater in raters:
            sheet = f"{component.id}-{session}-{rater.id}"
            latent = {u: quality[u] + rng.gauss(0, 0.16) for u in unit_ids}
            if (rater.id, session) in spoiled:
                grades: dict[str, str | None] = dict.fromkeys(unit_ids, names[0])
            else:
                # The rater's own unit is not counted (nor checked against the ballot rules);
                # representatives grade it 好 all the same, as people do.
                grades = {u: _grade_for(latent[u], names) for u in unit_ids if u != rater.unit}
                if spec.scale.abstain and rater.unit is not None:
                    for unit_id in grades:
                        if rng.random() < 0.03:
                            grades[unit_id] = None
                _repair(spec, grades, latent, names)
                if rater.unit in unit_ids:
                    grades[rater.unit] = names[0]
            for unit_id in unit_ids:
                grade = grades[unit_id]
                tables.ballots.append(
                    {
                        "component": component.id,
                        "rater": rater.id,
                        "rater_group": rater.group,
                        "rater_unit": rater.unit,
                        "unit": unit_id,
                        "grade": grade if grade is not None else spec.scale.abstain,
                        "sheet": sheet,
                    }
                )


def _grade_for(latent: float, names: Sequence[str]) -> str:
    cuts = [0.78, 0.58, 0.38, 0.18]
    for index, cut in enumerate(cuts[: len(names) - 1]):
        if latent >= cut:
            return names[index]
    return names[-1]


def _repair(spec: RatingSpec, grades: dict[str, str | None], latent: dict[str, float], names: list[str]) -> None:
    """Bring a sheet within the scheme's ballot rules, as a careful rater would."""
    graded = [u for u, g in grades.items() if g is not None]
    for quota in spec.ballot_rules.quotas:
        limits = [quota.max_count] if quota.max_count is not None else []
        if quota.max_share is not None:
            limits.append(int(Decimal(len(graded)) * quota.max_share / 100))
        if limits:
            holders = sorted((u for u in graded if grades[u] in quota.grades), key=lambda u: latent[u])
            below = next((n for n in names if n not in quota.grades and names.index(n) > 0), names[-1])
            for unit_id in holders[: max(0, len(holders) - min(limits))]:
                grades[unit_id] = below
        needs = [quota.min_count] if quota.min_count is not None else []
        if quota.min_share is not None:
            needs.append(-int(-Decimal(len(graded)) * quota.min_share / 100))
        if needs:
            holders = [u for u in graded if grades[u] in quota.grades]
            others = sorted((u for u in graded if grades[u] not in quota.grades), key=lambda u: latent[u])
            for unit_id in others[: max(0, max(needs) - len(holders))]:
                grades[unit_id] = quota.grades[0]
    if spec.ballot_rules.all_identical_invalid and len({grades[u] for u in graded}) == 1 and len(graded) > 1:
        worst = min(graded, key=lambda u: latent[u])
        current = grades[worst]
        assert current is not None
        grades[worst] = names[min(len(names) - 1, names.index(current) + 1)]
    problems = check_sheet(spec, grades)
    if problems:
        raise SystemExit(f"could not repair a {spec} sheet: {problems}")


# --------------------------------------------------------------------------- Nanchang 2018

NANCHANG_COUNTIES = [
    ("nanchangxian", "南昌县"),
    ("jinxian", "进贤县"),
    ("anyi", "安义县"),
    ("donghu", "东湖区"),
    ("xihu", "西湖区"),
    ("qingyunpu", "青云谱区"),
    ("qingshanhu", "青山湖区"),
    ("xinjian", "新建区"),
    ("honggutan", "红谷滩区"),
    ("wanli", "湾里管理局"),
    ("jingkai", "经开区"),
    ("gaoxin", "高新区"),
]
NANCHANG_SCHOOLS = [
    ("nc1z", "南昌一中"),
    ("nc2z", "南昌二中"),
    ("nc3z", "南昌三中"),
    ("nc5z", "南昌五中"),
    ("nc8z", "南昌八中"),
    ("nc9z", "南昌九中"),
    ("nc10z", "南昌十中"),
    ("nc12z", "南昌十二中"),
    ("nc13z", "南昌十三中"),
    ("nc14z", "南昌十四中"),
    ("nc15z", "南昌十五中"),
    ("nc16z", "南昌十六中"),
    ("nc17z", "南昌十七中"),
    ("nc18z", "南昌十八中"),
    ("nc19z", "南昌十九中"),
    ("nc20z", "南昌二十中"),
    ("nc21z", "南昌二十一中"),
    ("nc22z", "南昌二十二中"),
    ("nc23z", "南昌二十三中"),
    ("nc26z", "南昌二十六中"),
    ("nc27z", "南昌二十七中"),
    ("nc28z", "南昌二十八中"),
    ("ncwgy", "南昌外国语学校"),
    ("ncsyzx", "南昌市实验中学"),
    ("ncyx", "南昌市育新学校"),
    ("nchd", "南昌市洪都中学"),
    ("nctl1z", "南昌市铁路第一中学"),
    ("ncqy", "南昌市启音学校"),
    ("ncpz", "南昌市培智学校"),
    ("nczy1", "南昌市第一中等专业学校"),
]
NANCHANG_PROVINCIAL = [
    ("sdfz", "江西师大附中"),
    ("ndfz", "南昌大学附属中学"),
    ("kjsdfz", "江西科技师范大学附属中学"),
    ("hjdfz", "华东交通大学附属中学"),
]
NANCHANG_PRIVATE = [
    ("xinyuan", "南昌心远中学"),
    ("xinmin", "南昌新民外语学校"),
    ("ldcy", "南昌立德朝阳中学"),
    ("yinghua", "南昌英华外国语学校"),
]
NANCHANG_DEPARTMENTS = [
    "办公室",
    "组织人事处",
    "宣传思政处",
    "计划财务处",
    "基础教育处",
    "职业教育与成人教育处",
    "民办教育处",
    "体卫艺处",
    "督导室",
    "教育考试院",
    "教研室",
    "电教站",
    "安全稳定处",
    "法规处",
    "学生资助中心",
]


def nanchang(scheme: Scheme, rng: random.Random) -> Tables:
    tables = Tables()
    groups: dict[str, str] = {}
    for component in scheme.components:
        for group in component.rating.groups if component.rating else ():
            groups.setdefault(_group_role(group.name), group.id)
    categories = [
        (_category(scheme, "县"), NANCHANG_COUNTIES),
        (_category(scheme, "局属"), NANCHANG_SCHOOLS),
        (_category(scheme, "省属"), NANCHANG_PROVINCIAL),
        (_category(scheme, "民办"), NANCHANG_PRIVATE),
    ]
    quality: dict[str, float] = {}
    for category, units in categories:
        for unit_id, name in units:
            tables.units.append({"id": unit_id, "name": name, "category": category.id})
            quality[unit_id] = rng.uniform(0.25, 0.98)

    raters = [Rater(f"L{n:02d}", groups["leaders"]) for n in range(1, 9)]
    raters += [Rater(f"H{n:02d}", groups["heads"]) for n in range(1, 31)]
    raters += [Rater(f"U-{unit['id']}", groups["units"], str(unit["id"])) for unit in tables.units]
    sessions = [(category.id, [u for u, _ in units]) for category, units in categories]
    spoiled = {(f"U-{NANCHANG_COUNTIES[3][0]}", sessions[0][0])}  # one all-好 sheet: invalid
    for component in scheme.components:
        if component.method is ComponentMethod.RATING:
            _ballot_sheets(tables, component, raters, sessions, quality, rng, spoiled)

    for category, units in categories:
        for component in _components(scheme, category, ComponentMethod.IMPORTED):
            raw_max = component.conversion.raw_max if component.conversion else None
            for unit_id, _ in units:
                top = raw_max or Decimal(100)
                raw = _d(top * Decimal(str(0.78 + 0.2 * quality[unit_id] + rng.uniform(-0.02, 0.02))))
                tables.imported.append({"unit": unit_id, "component": component.id, "raw": min(raw, top)})
        for component in _components(scheme, category, ComponentMethod.INDICATORS):
            leaves = [leaf for top in component.indicators for leaf in top.leaves()]
            for unit_id, _ in units:
                _item_rows(tables, unit_id, leaves, quality[unit_id], rng, NANCHANG_DEPARTMENTS)
    return tables


def _group_role(name: str) -> str:
    if "领导" in name:
        return "leaders"
    if "处室" in name or "负责人" in name:
        return "heads"
    return "units"


# --------------------------------------------------------------------------- Honggutan 2021

HONGGUTAN_SELF = [
    # (points, self score) of items 1–54 as the district's report states them
    *[(1, 1), (2, 2), (2, 2), (1, 1), (1, 1), (2, 2), (2, 2)],
    *[(3.5, 3.5), (3.5, 3.5), (1.5, 1.5), (1, 1), (3, 3), (1, 1)],
    *[(2, 2), (4, 3.1), (1.5, 1.5), (1.5, 1.5), (1.5, 1.5), (1, 1), (1.5, 1.5), (1, 1)],
    *[(2.2, 2.2), (3, 3), (3, 3), (2, 2), (2, 2)],
    *[(2, 2), (0.5, 0.5), (1.5, 1.5), (2, 2), (9.5, 9.5), (0.5, 0.5), (2, 2), (2, 2), (1, 1)],
    *[(2, 2), (1.5, 1.5), (2, 2), (2, 2), (1.8, 1.8), (1, 1), (2, 2), (1, 1), (0.5, 0.5), (0.5, 0.5)],
    *[(1, 1), (3, 3), (0.5, 0.5), (2, 2), (2, 2)],
    *[(1.5, 1.5), (1.5, 1.5), (1, 1), (1.5, 1.5)],
]
HONGGUTAN_NOT_APPLICABLE = {
    10: "红谷滩区暂无职业教育学校",
    33: "我区暂无普通高中",
    34: "我区暂无普通高中",
    35: "我区暂无普通高中",
    38: "我区暂无普通高中和中职学校",
    39: "我区暂无中职学校",
    40: "我区暂无中职学校",
    45: "我区暂无特殊教育学校",
}
HONGGUTAN_DATA_ITEM = 15
HONGGUTAN_STANDARD_CLASS_RATIO = Decimal("80.84")


def honggutan(scheme: Scheme, rng: random.Random) -> Tables:
    tables = Tables()
    category = scheme.categories[0]
    tables.units.append({"id": "honggutan", "name": "红谷滩区", "category": category.id})
    component = _components(scheme, category, ComponentMethod.INDICATORS)[0]
    leaves = [leaf for top in component.indicators for leaf in top.leaves()]
    if len(leaves) != len(HONGGUTAN_SELF):
        raise SystemExit(f"honggutan scheme has {len(leaves)} items, the report has {len(HONGGUTAN_SELF)}")
    for number, (leaf, (points, self_score)) in enumerate(zip(leaves, HONGGUTAN_SELF, strict=True), start=1):
        if leaf.points != Decimal(str(points)):
            raise SystemExit(f"item {number} ({leaf.id}) is worth {leaf.points} in the scheme, {points} in the report")
        row: Row = {"unit": "honggutan", "item": leaf.id}
        if number == HONGGUTAN_DATA_ITEM:
            assert leaf.rule is not None, "item 15 must be scored by its rule"
            tables.figures.append(
                {
                    "unit": "honggutan",
                    "item": leaf.id,
                    "figure": leaf.rule.params["figure"],
                    "value": HONGGUTAN_STANDARD_CLASS_RATIO,
                }
            )
            continue
        if number in HONGGUTAN_NOT_APPLICABLE:
            row.update(not_applicable="是", note=HONGGUTAN_NOT_APPLICABLE[number])
        else:
            row["self"] = Decimal(str(self_score))
        tables.items.append(row)
    return tables


# --------------------------------------------------------------------------- Linhai stars

LINHAI_ORGANISATIONS = [
    ("lhzx", "临海市回浦中学党委"),
    ("dyzx", "临海市第一中学党总支"),
    ("lhsz", "台州市实验中学党支部"),
    ("dxzx", "临海市大洋小学党支部"),
    ("hpsx", "临海市回浦实验小学党支部"),
    ("gczx", "临海市古城中学党支部"),
    ("dzzx", "临海市东塍镇中学党支部"),
    ("djzx", "临海市杜桥中学党总支"),
    ("xzzx", "临海市小芝中学党支部"),
    ("zjdx", "临海市职业技术教育中心党委"),
    ("tmxx", "临海市涌泉镇中心小学党支部"),
    ("lhyey", "临海市机关幼儿园党支部"),
]


def linhai(scheme: Scheme, rng: random.Random) -> Tables:
    tables = Tables()
    category = scheme.categories[0]
    component = _components(scheme, category, ComponentMethod.INDICATORS)[0]
    leaves = [leaf for top in component.indicators for leaf in top.leaves()]
    count = len(LINHAI_ORGANISATIONS)
    for index, (unit_id, name) in enumerate(LINHAI_ORGANISATIONS):
        tables.units.append({"id": unit_id, "name": name, "category": category.id})
        quality = 1.0 - index * 0.8 / (count - 1)  # spread from the best to clearly weaker ones
        _item_rows(tables, unit_id, leaves, quality, rng, ["督查组"])
    return tables


# --------------------------------------------------------------------------- writing

EXAMPLES: dict[str, tuple[Callable[[Scheme, random.Random], Tables], int]] = {
    "nanchang-2018": (nanchang, 2018),
    "honggutan-2021": (honggutan, 2021),
    "linhai-stars": (linhai, 2010),
}
COLUMNS = {
    "units": ["id", "name", "category"],
    "items": ["unit", "item", "department", "self", "reviewed", "level", "triggered", "not_applicable", "note"],
    "figures": ["unit", "item", "figure", "value"],
    "ballots": ["component", "rater", "rater_group", "rater_unit", "unit", "grade", "sheet"],
    "imported": ["unit", "component", "raw"],
}
# Honggutan's files are filled in by people at the district: Chinese headers.
CHINESE_HEADERS = {
    "id": "单位编号",
    "name": "单位名称",
    "category": "类别",
    "unit": "单位编号",
    "item": "指标编号",
    "self": "自评分",
    "not_applicable": "不适用",
    "note": "得失分说明",
    "figure": "数据项",
    "value": "数值",
}


def write_tables(folder: Path, tables: Tables, chinese: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    written = []
    for kind, columns in COLUMNS.items():
        rows: list[Row] = getattr(tables, kind)
        if not rows:
            continue
        used = [c for c in columns if any(row.get(c) not in (None, "") for row in rows)]
        path = folder / f"{kind}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([CHINESE_HEADERS.get(c, c) if chinese else c for c in used])
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row[c] for c in used])
        written.append(path)
    return written


def main(names: Sequence[str]) -> None:
    for name in names or list(EXAMPLES):
        generate, seed = EXAMPLES[name]
        scheme = load_scheme(HERE / name / "scheme.yaml")
        tables = generate(scheme, random.Random(seed))
        for path in write_tables(HERE / name / "inputs", tables, chinese=name == "honggutan-2021"):
            lines = sum(1 for _ in path.open(encoding="utf-8-sig")) - 1
            print(f"{path.relative_to(HERE)}: {lines} 行")


if __name__ == "__main__":
    main(sys.argv[1:])
