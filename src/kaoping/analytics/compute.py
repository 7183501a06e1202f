"""Analytics of raters and results: plain Python on plain data, no Django.

``analyse`` takes the scheme, the units, the counted ballots and the item scores per unit and
returns a JSON-ready dict (every number shown to a user is a string rounded 四舍五入 by Decimal;
a missing number is None, shown as 缺). The statistics (Kendall's W, Spearman's ρ, ICC) run on
floats inside and are rounded half up through Decimal for display. Rank robustness recomputes
the rating component with the engine's own ``engine.rating.aggregate`` (trimming, empty groups,
sheet rules as the scheme says), so no rule is written twice.

Secrecy (docs/live-rating.md): ballots carry no rater identity, so nothing here can name or link
a rater. Agreement inside a group is therefore the ICC of a one-way layout (ballots of a unit are
exchangeable), not Kendall's W over raters; outlying ballots are counted per unit and per rater
group; a rater group's leaning for one unit is shown only where that group cast at least
``MIN_GROUP_BALLOTS`` ballots for it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kaoping.engine.inputs import Ballot, Unit
from kaoping.engine.model import Component, ComponentMethod, Rounding, Scheme
from kaoping.engine.rating import aggregate, ballot_value

# A ballot reduced to what analytics reads: component id, unit id, rater group id, value.
BallotRow = tuple[str, str, str, Decimal]
# One item's score for one unit: unit id, item id, item name, score (None: missing), item max.
ItemRow = tuple[str, str, str, Decimal | None, Decimal]
Report = Callable[[int, int, str], None]

WEIGHT_SHIFT = Decimal(10)  # percentage points a rater group's weight moves
OUTLIER_SD = 2.0  # a ballot this many standard deviations from the others' mean …
OUTLIER_SPAN = 0.25  # … and more than this share of the grade scale's span is outlying
LEANING_SPAN = 0.25  # a group's mean this far above/below the other groups' (share of span)
MIN_GROUP_BALLOTS = 3  # a group's mean for one unit is compared only from this many ballots
TOP_ITEMS = 10
LISTED = 50  # rows kept per list (units with outlying ballots, leanings, moving ranks)


def _silent(done: int, total: int, step: str) -> None:
    return None


# ----------------------------------------------------------------------------- display


def shown(value: float | Decimal | None, places: int = 2) -> str | None:
    """A number for display: rounded half up by Decimal to ``places``; None stays None (缺)."""
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = Decimal(repr(value))
    quantum = Decimal(1).scaleb(-places)
    result = value.quantize(quantum, rounding=ROUND_HALF_UP)
    return format(result + 0, "f")  # + 0 turns -0.00 into 0.00


def interpret_w(w: float | None) -> str:
    """Kendall's W (0 = no agreement, 1 = the same ranking)."""
    if w is None:
        return "无法计算"
    if w >= 0.7:
        return "较高一致:各方对单位的排序基本相同"
    if w >= 0.5:
        return "中等一致:排序大体相同,个别单位有分歧"
    if w >= 0.3:
        return "一致性较弱:对不少单位的排序看法不同"
    return "基本不一致:各方的排序差别很大"


def interpret_icc(value: float | None) -> str:
    """ICC bands after Koo & Li (2016)."""
    if value is None:
        return "无法计算"
    if value >= 0.9:
        return "很好"
    if value >= 0.75:
        return "良好"
    if value >= 0.5:
        return "一般"
    return "较差"


def interpret_rho(rho: float | None) -> str:
    if rho is None:
        return "无法计算"
    size = abs(rho)
    sign = "正" if rho >= 0 else "负"
    if size >= 0.7:
        return f"强{sign}相关"
    if size >= 0.4:
        return f"中等{sign}相关"
    if size >= 0.1:
        return f"弱{sign}相关"
    return "几乎无关"


# ----------------------------------------------------------------------------- statistics


def average_ranks(values: Sequence[float]) -> tuple[list[float], float]:
    """Ranks 1…n (ties get their average rank) and the ties term Σ(t³ − t)."""
    n = len(values)
    order = sorted(range(n), key=values.__getitem__)
    ranks = [0.0] * n
    ties = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    return ranks, ties


def kendall_w(judges: Sequence[Sequence[float]]) -> float | None:
    """Kendall's coefficient of concordance with the ties correction.

    ``judges``: m lists of n scores (one per object, the same objects in the same order).
    W = 12·S / (m²(n³ − n) − m·ΣT). None for fewer than 2 judges or objects, or when every
    judge ties every object.
    """
    m = len(judges)
    n = len(judges[0]) if m else 0
    if m < 2 or n < 2:
        return None
    sums = [0.0] * n
    ties = 0.0
    for scores in judges:
        ranks, judge_ties = average_ranks(scores)
        ties += judge_ties
        for index, rank in enumerate(ranks):
            sums[index] += rank
    mean = m * (n + 1) / 2
    s = sum((total - mean) ** 2 for total in sums)
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        return None
    return 12 * s / denominator


def spearman(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Spearman's ρ: Pearson's r of the average ranks."""
    if len(a) < 3:
        return None
    ra, _ = average_ranks(a)
    rb, _ = average_ranks(b)
    mean = (len(a) + 1) / 2
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb, strict=True))
    va = sum((x - mean) ** 2 for x in ra)
    vb = sum((y - mean) ** 2 for y in rb)
    if va == 0 or vb == 0:
        return None
    return cov / math.sqrt(va * vb)


def icc_oneway(samples: Iterable[Sequence[float]]) -> tuple[float | None, float | None]:
    """ICC(1) and ICC(1,k) of a one-way random-effects layout (targets × anonymous ratings,
    unequal counts: k is k₀ = (N − Σnᵢ²/N)/(a − 1)). Targets with one rating add nothing to the
    within-target spread but count for the between-target one."""
    groups = [values for values in samples if values]
    a = len(groups)
    total_n = sum(len(values) for values in groups)
    if a < 2 or total_n <= a:
        return None, None
    grand = sum(sum(values) for values in groups) / total_n
    between = 0.0
    within = 0.0
    for values in groups:
        mean = sum(values) / len(values)
        between += len(values) * (mean - grand) ** 2
        within += sum((v - mean) ** 2 for v in values)
    msb = between / (a - 1)
    msw = within / (total_n - a)
    k0 = (total_n - sum(len(values) ** 2 for values in groups) / total_n) / (a - 1)
    single_den = msb + (k0 - 1) * msw
    single = (msb - msw) / single_den if single_den > 0 else None
    average = (msb - msw) / msb if msb > 0 else None
    return single, average


def _sd(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


# ----------------------------------------------------------------------------- ratings


def ballot_rows(component: Component, ballots: Iterable[Ballot]) -> list[BallotRow]:
    """The counted value of each ballot of ``component`` (abstentions and unknown grades left out)."""
    assert component.rating is not None
    scale = component.rating.scale
    grades = {grade.name: grade for grade in scale.grades}
    rows: list[BallotRow] = []
    for ballot in ballots:
        if ballot.component_id != component.id or ballot.grade is None or ballot.grade == scale.abstain:
            continue
        grade = grades.get(ballot.grade)
        if grade is None:
            continue
        rows.append((component.id, ballot.target_unit, ballot.rater_group, ballot_value(grade, ballot.points)))
    return rows


def analyse_rating(component: Component, rows: Sequence[BallotRow], names: Mapping[str, str]) -> dict[str, Any]:
    """Agreement within and between rater groups, outlying ballots and group leanings."""
    assert component.rating is not None
    spec = component.rating
    values = [float(grade.value) for grade in spec.scale.grades] + [
        float(choice) for grade in spec.scale.grades for choice in grade.choices
    ]
    span = (max(values) - min(values)) if values else 0.0
    places = 4 if span <= 2 else 2
    group_ids = [group.id for group in spec.groups]
    # unit → group → values
    table: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _component, unit_id, rater_group, grade_value in rows:
        table[unit_id][rater_group].append(float(grade_value))

    groups_out: list[dict[str, Any]] = []
    group_means: dict[str, dict[str, float]] = {g: {} for g in group_ids}
    for group in spec.groups:
        samples = [by_group[group.id] for by_group in table.values() if by_group.get(group.id)]
        single, average = icc_oneway(samples)
        count = sum(len(s) for s in samples)
        for unit, by_group in table.items():
            if by_group.get(group.id):
                group_means[group.id][unit] = sum(by_group[group.id]) / len(by_group[group.id])
        all_values = [v for s in samples for v in s]
        groups_out.append(
            {
                "name": group.name,
                "weight": shown(group.weight, 2),
                "ballots": count,
                "units": len(samples),
                "mean": shown(sum(all_values) / len(all_values), places) if all_values else None,
                "icc1": shown(single, 2),
                "icc1_text": interpret_icc(single),
                "icck": shown(average, 2),
                "icck_text": interpret_icc(average),
                "high": 0,
                "low": 0,
                "leaning": None,
                "leaning_units_high": 0,
                "leaning_units_low": 0,
            }
        )

    # Between groups: the groups' unit means as judges, over units every group rated.
    common = [u for u in table if all(u in group_means[g] for g in group_ids)]
    judges = [[group_means[g][u] for u in common] for g in group_ids]
    w = kendall_w(judges) if len(group_ids) >= 2 else None
    pairs = []
    for i, first in enumerate(spec.groups):
        for second in spec.groups[i + 1 :]:
            rho = spearman(judges[group_ids.index(first.id)], judges[group_ids.index(second.id)])
            pairs.append({"first": first.name, "second": second.name, "rho": shown(rho, 2), "text": interpret_rho(rho)})

    # Outlying ballots: far from the mean of the unit's other ballots.
    gap_min = OUTLIER_SPAN * span
    outlier_units = []
    by_group_index = {g: i for i, g in enumerate(group_ids)}
    total_outliers = 0
    for unit, by_group in table.items():
        flat = [(g, v) for g, vs in by_group.items() for v in vs]
        n = len(flat)
        if n < 3:
            continue
        total = sum(v for _g, v in flat)
        squares = sum(v * v for _g, v in flat)
        high = low = 0
        for group_id, value in flat:
            others_mean = (total - value) / (n - 1)
            others_var = max(0.0, (squares - value * value) / (n - 1) - others_mean**2)
            gap = value - others_mean
            if abs(gap) > gap_min and abs(gap) > OUTLIER_SD * math.sqrt(others_var):
                index = by_group_index.get(group_id)
                if gap > 0:
                    high += 1
                    if index is not None:
                        groups_out[index]["high"] += 1
                else:
                    low += 1
                    if index is not None:
                        groups_out[index]["low"] += 1
        if high or low:
            total_outliers += high + low
            outlier_units.append((high + low, unit, n, total / n, high, low))
    outlier_units.sort(key=lambda row: (-row[0], names.get(row[1], row[1])))

    # A group's leaning: its mean for a unit against the other groups' ballots for that unit.
    lean_min = LEANING_SPAN * span
    leanings: list[dict[str, Any]] = []
    for index, group in enumerate(spec.groups):
        gaps = []
        listed = []
        for unit, by_group in table.items():
            mine = by_group.get(group.id) or []
            others = [v for g, vs in by_group.items() if g != group.id for v in vs]
            if len(mine) < MIN_GROUP_BALLOTS or not others:
                continue
            gap = sum(mine) / len(mine) - sum(others) / len(others)
            gaps.append(gap)
            if gap > lean_min:
                groups_out[index]["leaning_units_high"] += 1
                listed.append((gap, unit, sum(mine) / len(mine), sum(others) / len(others), len(mine)))
            elif gap < -lean_min:
                groups_out[index]["leaning_units_low"] += 1
        groups_out[index]["leaning"] = shown(sum(gaps) / len(gaps), places) if gaps else None
        listed.sort(key=lambda row: (-row[0], names.get(row[1], row[1])))
        leanings.extend(
            {
                "group": group.name,
                "unit": names.get(unit, unit),
                "group_mean": shown(mine_mean, places),
                "others_mean": shown(others_mean, places),
                "gap": shown(gap, places),
                "ballots": count,
            }
            for gap, unit, mine_mean, others_mean, count in listed[:LISTED]
        )

    return {
        "name": component.name,
        "ballots": len(rows),
        "units": len(table),
        "span": shown(span, places),
        "outlier_gap": shown(gap_min, places),
        "leaning_gap": shown(lean_min, places),
        "groups": groups_out,
        "w": shown(w, 2),
        "w_text": interpret_w(w),
        "w_units": len(common),
        "pairs": pairs,
        "outliers": total_outliers,
        "outlier_units_count": len(outlier_units),
        "outlier_units": [
            {
                "unit": names.get(unit, unit),
                "ballots": n,
                "mean": shown(mean, places),
                "high": high,
                "low": low,
            }
            for _count, unit, n, mean, high, low in outlier_units[:LISTED]
        ],
        "leanings": leanings,
    }


# ----------------------------------------------------------------------------- rank robustness


def shifted_weights(component: Component, group_id: str, shift: Decimal) -> Component | None:
    """The component with ``group_id``'s weight moved by ``shift`` points (kept within 0…100) and
    the other groups scaled in proportion so the weights add up to 100; None when nothing moves."""
    assert component.rating is not None
    groups = component.rating.groups
    total = sum((g.weight for g in groups), Decimal(0))
    target = next(g for g in groups if g.id == group_id)
    new = min(total, max(Decimal(0), target.weight + shift))
    rest = total - target.weight
    if new == target.weight or rest <= 0:
        return None
    factor = (total - new) / rest
    moved = tuple(dataclasses.replace(g, weight=new if g.id == group_id else g.weight * factor) for g in groups)
    return dataclasses.replace(component, rating=dataclasses.replace(component.rating, groups=moved))


def _ranks_by_category(scores: Mapping[str, Decimal | None], category: Mapping[str, str]) -> dict[str, int]:
    """Competition ranks (1, 1, 3) per category, best score first; units without a score get none."""
    by_category: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)
    for unit, value in scores.items():
        if value is not None:
            by_category[category[unit]].append((value, unit))
    ranks: dict[str, int] = {}
    for rows in by_category.values():
        rows.sort(key=lambda row: row[0], reverse=True)
        previous: Decimal | None = None
        rank = 0
        for position, (value, unit) in enumerate(rows, start=1):
            if value != previous:
                rank, previous = position, value
            ranks[unit] = rank
    return ranks


def robustness(
    scheme: Scheme,
    component: Component,
    ballots: Sequence[Ballot],
    units: Sequence[Unit],
    report: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Each unit's rank on ``component`` (within its category) under the scheme's weights and under
    every rater group's weight ±10 points; and ranks decided by less than the rounding step."""
    assert component.rating is not None
    taking = {c.id for c in scheme.categories if component.id in c.components}
    units = [u for u in units if u.category in taking]
    category = {u.id: u.category for u in units}
    names = {u.id: u.name for u in units}
    category_names = {c.id: c.name for c in scheme.categories}
    unrounded_policy = dataclasses.replace(scheme.rounding, rating=None)
    step_rounding = scheme.rounding.rating or scheme.rounding.component or Rounding(2)
    step = step_rounding.quantum

    def scores_for(variant: Component) -> tuple[dict[str, Decimal | None], dict[str, Decimal | None]]:
        outcome = aggregate(variant, ballots, units, unrounded_policy)
        raw = {unit: result.score for unit, result in outcome.results.items()}
        rounded = {unit: (step_rounding.apply(v) if v is not None else None) for unit, v in raw.items()}
        return raw, rounded

    base_raw, base_rounded = scores_for(component)
    base_ranks = _ranks_by_category(base_rounded, category)
    low = dict(base_ranks)
    high = dict(base_ranks)
    scenarios = []
    for group in component.rating.groups:
        for shift in (WEIGHT_SHIFT, -WEIGHT_SHIFT):
            variant = shifted_weights(component, group.id, shift)
            if variant is None:
                continue
            if report is not None:
                report(f"{group.name}权重{'+' if shift > 0 else '−'}{WEIGHT_SHIFT}")
            _raw, rounded = scores_for(variant)
            ranks = _ranks_by_category(rounded, category)
            moved = 0
            for unit, rank in ranks.items():
                base = base_ranks.get(unit)
                if base is not None and rank != base:
                    moved += 1
                low[unit] = min(low.get(unit, rank), rank)
                high[unit] = max(high.get(unit, rank), rank)
            assert variant.rating is not None
            scenarios.append(
                {
                    "label": f"{group.name} {'+' if shift > 0 else '−'}{WEIGHT_SHIFT} 个百分点",
                    "weights": "、".join(f"{g.name} {shown(g.weight, 2)}%" for g in variant.rating.groups),
                    "moved": moved,
                }
            )

    moving = sorted(
        (unit for unit in base_ranks if high[unit] != low[unit]),
        key=lambda unit: (-(high[unit] - low[unit]), category[unit], base_ranks[unit]),
    )
    # Adjacent units whose unrounded scores differ by less than the rounding step.
    close = []
    by_category: dict[str, list[tuple[Decimal, str]]] = defaultdict(list)
    for unit, value in base_raw.items():
        if value is not None:
            by_category[category[unit]].append((value, unit))
    for category_id, rows in by_category.items():
        rows.sort(key=lambda row: row[0], reverse=True)
        for (upper, above), (lower, below) in itertools.pairwise(rows):
            gap = upper - lower
            if gap < step and upper != lower:
                tied = base_rounded[above] == base_rounded[below]
                close.append(
                    {
                        "category": category_names.get(category_id, ""),
                        "upper": names[above],
                        "upper_rank": base_ranks[above],
                        "lower": names[below],
                        "lower_rank": base_ranks[below],
                        "gap": format(gap.quantize(Decimal("1E-6"), rounding=ROUND_HALF_UP).normalize(), "f"),
                        "tied": tied,
                    }
                )
    close.sort(key=lambda row: (row["category"], row["upper_rank"]))
    return {
        "name": component.name,
        "units": len(base_ranks),
        "step": format(step, "f"),
        "scenarios": scenarios,
        "moving_count": len(moving),
        "max_move": max((high[u] - low[u] for u in moving), default=0),
        "moving": [
            {
                "unit": names[unit],
                "category": category_names.get(category[unit], ""),
                "score": shown(base_rounded[unit], step_rounding.places),
                "rank": base_ranks[unit],
                "best": low[unit],
                "worst": high[unit],
            }
            for unit in moving[:LISTED]
        ],
        "close_count": len(close),
        "close": close[:LISTED],
    }


# ----------------------------------------------------------------------------- items


def item_discrimination(rows: Iterable[ItemRow]) -> dict[str, Any]:
    """Per item the spread of score rates (score ÷ max) across units; items every unit has full
    marks on. A missing score is left out (and counted), never taken as 0."""
    rates: dict[str, list[float]] = defaultdict(list)
    full: dict[str, bool] = {}
    missing: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    maxima: dict[str, Decimal] = {}
    order: list[str] = []
    for _unit, item, name, score, maximum in rows:
        if item not in names:
            names[item] = name
            maxima[item] = maximum
            full[item] = True
            order.append(item)
        if maximum <= 0:
            continue
        if score is None:
            missing[item] += 1
            continue
        rates[item].append(float(score / maximum))
        if score < maximum:
            full[item] = False
    stats: list[tuple[float, int, dict[str, Any]]] = []
    for position, item in enumerate(order):
        values = rates.get(item, [])
        if not values:
            continue
        sd = _sd(values)
        row = {
            "name": names[item],
            "max": shown(maxima[item], 2),
            "units": len(values),
            "missing": missing.get(item, 0),
            "mean": shown(100 * sum(values) / len(values), 1),
            "sd": shown(100 * sd, 1),
            "min": shown(100 * min(values), 1),
            "high": shown(100 * max(values), 1),
            "full": full[item],
        }
        stats.append((sd, position, row))
    top = [row for sd, _position, row in sorted((s for s in stats if s[0] > 0), key=lambda s: (-s[0], s[1]))]
    full_items = [row for _sd, _position, row in stats if row["full"]]
    return {"items": len(stats), "top": top[:TOP_ITEMS], "full": full_items, "full_count": len(full_items)}


# ----------------------------------------------------------------------------- everything


def analyse(
    scheme: Scheme,
    units: Sequence[Unit],
    ballots: Sequence[Ballot],
    items: Iterable[ItemRow],
    report: Report = _silent,
) -> dict[str, Any]:
    """The whole analysis of one campaign (see the module docstring)."""
    names = {u.id: u.name for u in units}
    ratings = [c for c in scheme.components if c.method is ComponentMethod.RATING and c.rating is not None]
    steps = sum(1 + 2 * len(c.rating.groups) for c in ratings if c.rating is not None) + 1
    done = 0
    out: dict[str, Any] = {"ratings": [], "robustness": []}
    for component in ratings:
        assert component.rating is not None
        of_component = [b for b in ballots if b.component_id == component.id]
        if not of_component:
            continue
        report(done, steps, f"评委一致性:{component.name}")
        out["ratings"].append(analyse_rating(component, ballot_rows(component, of_component), names))
        done += 1

        def step(label: str, component: Component = component) -> None:
            nonlocal done
            done += 1
            report(done, steps, f"名次稳健性:{component.name} {label}")

        out["robustness"].append(robustness(scheme, component, of_component, units, step))
    report(done, steps, "指标区分度")
    out["items"] = item_discrimination(items)
    report(steps, steps, "")
    return out
