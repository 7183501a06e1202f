"""What the charts of the results pages show, shaped from stored results (no engine run).

Each chart is a ``Chart``: labels along one axis and one or more series of exact Decimals (None is
missing, never 0). A page puts ``chart.data()`` into ``json_script`` for ``static/js/charts.js``
and draws the same numbers as a table beside it (``chart.rows``), so a screen reader, a phone and a
printer all get them. Averages are exact Decimal means rounded half up to two places; units with
a missing number are left out of an average and counted in ``Chart.note``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

from kaoping.engine.numbers import fmt
from kaoping.engine.results import UnitResult

CENT = Decimal("0.01")
BINS = 10


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Decimal | int | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """``kind`` is how charts.js draws it: "bar" (grouped bars) or "line"."""

    kind: str
    title: str
    label_heading: str  # the table's first column heading
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""
    value_axis: str = ""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())  # more table columns (heading, texts)
    horizontal: bool = False  # bars along the x axis (many long labels: the rating board)

    @property
    def empty(self) -> bool:
        return not self.labels

    @property
    def headings(self) -> list[str]:
        return [self.label_heading, *(s.name for s in self.series), *(h for h, _texts in self.extra)]

    @property
    def rows(self) -> list[list[str]]:
        """The table: one row per label, the numbers as the engine's formatter writes them."""
        return [
            [
                label,
                *(_text(s.values[i]) for s in self.series),
                *(texts[i] for _h, texts in self.extra),
            ]
            for i, label in enumerate(self.labels)
        ]

    def data(self) -> dict[str, object]:
        """For ``json_script``: exact numbers as strings (the chart parses them only to draw)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": list(self.labels),
            "axis": self.value_axis,
            "horizontal": self.horizontal,
            "integer": all(isinstance(v, int) or v is None for s in self.series for v in s.values),
            "series": [{"name": s.name, "values": [_json(v) for v in s.values]} for s in self.series],
        }


def _text(value: Decimal | int | None) -> str:
    if value is None:
        return _("缺失")
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def _json(value: Decimal | int | None) -> str | int | None:
    if isinstance(value, Decimal):
        return fmt(value)
    return value


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The exact mean rounded half up to two places (None for no values)."""
    if not values:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def _missing_note(missing: int, what: str) -> str:
    if not missing:
        return ""
    return _("%(n)d 个单位缺%(what)s,未计入") % {"n": missing, "what": what}


# -- distribution in one category ----------------------------------------------------------------


def grade_counts(units: Sequence[UnitResult], band_names: Sequence[str], title: str) -> Chart:
    """How many units got each grade: the scheme's bands best first, any other grade the engine
    gave (in order of appearance), then units without a grade."""
    counts = Counter(u.grade for u in units)
    names = list(band_names) + [g for g in dict.fromkeys(u.grade for u in units) if g and g not in band_names]
    labels = [*names, _("无等次")] if counts.get(None) else names
    values = [counts.get(n, 0) for n in names] + ([counts[None]] if counts.get(None) else [])
    return Chart(
        kind="bar",
        title=title,
        label_heading=_("等次"),
        labels=tuple(labels),
        series=(Series(_("单位数"), tuple(values)),),
        value_axis=_("单位数"),
    )


def score_bins(maximum: Decimal, count: int = BINS) -> list[tuple[Decimal, Decimal]]:
    """``count`` equal bins from 0 to ``maximum`` (exact: a tenth of a decimal always ends)."""
    width = maximum / count
    return [(width * i, maximum if i == count - 1 else width * (i + 1)) for i in range(count)]


def score_histogram(units: Sequence[UnitResult], maximum: Decimal, title: str) -> Chart:
    """Units per score band of the category's maximum. Each band holds its lower bound and not
    its upper one, the last holds the maximum; totals above the maximum (bonus) or below 0 get a
    band of their own; missing totals are counted in the note, not in a band."""
    totals = [u.total for u in units if u.total is not None]
    missing = len(units) - len(totals)
    labels: list[str] = []
    values: list[int] = []
    if maximum > 0:
        bins = score_bins(maximum)
        below = sum(1 for t in totals if t < 0)
        above = sum(1 for t in totals if t > maximum)
        if below:
            labels.append(_("低于 0"))
            values.append(below)
        for i, (low, high) in enumerate(bins):
            last = i == len(bins) - 1
            n = sum(1 for t in totals if low <= t and (t <= high if last else t < high))
            labels.append(f"{fmt(low)}–{fmt(high)}")
            values.append(n)
        if above:
            labels.append(_("高于 %(max)s") % {"max": fmt(maximum)})
            values.append(above)
    return Chart(
        kind="bar",
        title=title,
        label_heading=_("总分段"),
        labels=tuple(labels),
        series=(Series(_("单位数"), tuple(values)),),
        note=" ".join(n for n in (_("每段含下限、不含上限,最后一段含满分。"), _missing_note(missing, _("总分"))) if n),
        value_axis=_("单位数"),
    )


# -- a unit against its category ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentAverage:
    component_id: str
    name: str
    maximum: Decimal
    average: Decimal | None
    counted: int
    missing: int


def component_averages(
    units: Iterable[UnitResult], components: Sequence[tuple[str, str, Decimal]]
) -> list[ComponentAverage]:
    """Each component's mean score over the units that have one. ``components``: (id, name, points)."""
    scores: dict[str, list[Decimal]] = {cid: [] for cid, _n, _p in components}
    missing: Counter[str] = Counter()
    for unit in units:
        by_id = {c.component_id: c.score for c in unit.components}
        for cid, _name, _points in components:
            score = by_id.get(cid)
            if score is None:
                missing[cid] += 1
            else:
                scores[cid].append(score)
    return [
        ComponentAverage(cid, name, points, mean(scores[cid]), len(scores[cid]), missing[cid])
        for cid, name, points in components
    ]


def unit_against_category(unit: UnitResult, averages: Sequence[ComponentAverage], category_name: str) -> Chart:
    by_id = {c.component_id: c.score for c in unit.components}
    missing = max((a.missing for a in averages), default=0)
    return Chart(
        kind="bar",
        title=_("各部分得分与%(category)s平均") % {"category": category_name},
        label_heading=_("考核部分"),
        labels=tuple(a.name for a in averages),
        series=(
            Series(_("本单位"), tuple(by_id.get(a.component_id) for a in averages)),
            Series(_("类别平均"), tuple(a.average for a in averages)),
        ),
        note=_missing_note(missing, _("该部分得分")) if missing else "",
        value_axis=_("分"),
        extra=(
            (_("满分"), tuple(fmt(a.maximum) for a in averages)),
            (_("计入平均的单位数"), tuple(str(a.counted) for a in averages)),
        ),
    )


# -- year over year ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearPoint:
    year: int
    campaign: str
    value: Decimal | None
    maximum: Decimal | None = None
    grade: str | None = None
    counted: int | None = None  # units in an average
    missing: int = 0


def unit_years(points: Sequence[YearPoint], unit_name: str) -> Chart:
    ordered = sorted(points, key=lambda p: p.year)
    return Chart(
        kind="line",
        title=_("%(unit)s历年总分") % {"unit": unit_name},
        label_heading=_("年度"),
        labels=tuple(str(p.year) for p in ordered),
        series=(Series(_("总分"), tuple(p.value for p in ordered)),),
        value_axis=_("分"),
        extra=(
            (_("考核活动"), tuple(p.campaign for p in ordered)),
            (_("满分"), tuple(fmt(p.maximum) if p.maximum is not None else "" for p in ordered)),
            (_("等次"), tuple(p.grade or "—" for p in ordered)),
        ),
    )


def category_years(points: Sequence[YearPoint], category_name: str) -> Chart:
    ordered = sorted(points, key=lambda p: p.year)
    missing = sum(p.missing for p in ordered)
    return Chart(
        kind="line",
        title=_("%(category)s历年平均总分") % {"category": category_name},
        label_heading=_("年度"),
        labels=tuple(str(p.year) for p in ordered),
        series=(Series(_("平均总分"), tuple(p.value for p in ordered)),),
        note=_missing_note(missing, _("总分")),
        value_axis=_("分"),
        extra=(
            (_("考核活动"), tuple(p.campaign for p in ordered)),
            (_("计入平均的单位数"), tuple(str(p.counted or 0) for p in ordered)),
        ),
    )


def category_point(units: Sequence[UnitResult], year: int, campaign: str) -> YearPoint:
    totals = [u.total for u in units if u.total is not None]
    return YearPoint(year, campaign, mean(totals), counted=len(totals), missing=len(units) - len(totals))
