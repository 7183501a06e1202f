"""The dashboard's charts: the same shape as ``results.charts.Chart`` (which sits above goals), so
the page reuses ``results/_chart.html`` and ``static/js/charts.js`` — data through json_script, the
SVG renderer, and a captioned table with the same numbers beside each chart.

Average completion rates are exact Decimal means of the rates that exist, 四舍五入 to one decimal;
a target with nothing reported is left out of the mean and counted as 未报送, never as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

from kaoping.goals.models import KeyTask, TaskStatus
from kaoping.goals.rates import TENTH, Rate
from kaoping.goals.selectors import TargetRow, group_rates


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | int | None, ...]


@dataclass(frozen=True)
class Chart:
    kind: str
    title: str
    label_heading: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""
    value_axis: str = ""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    horizontal: bool = False

    @property
    def empty(self) -> bool:
        return not self.labels

    @property
    def headings(self) -> list[str]:
        return [self.label_heading, *(s.name for s in self.series), *(h for h, _t in self.extra)]

    @property
    def rows(self) -> list[list[str]]:
        return [
            [label, *(_cell(s.values[i]) for s in self.series), *(texts[i] for _h, texts in self.extra)]
            for i, label in enumerate(self.labels)
        ]

    def data(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": list(self.labels),
            "axis": self.value_axis,
            "horizontal": self.horizontal,
            "integer": all(isinstance(v, int) or v is None for s in self.series for v in s.values),
            "series": [
                {"name": s.name, "values": [None if v is None else str(v) for v in s.values]} for s in self.series
            ],
        }


def _cell(value: Decimal | int | None) -> str:
    if value is None:
        return _("未报送")
    return str(value) if isinstance(value, int) else f"{value:f}"


def mean_rate(rates: Sequence[Rate]) -> Decimal | None:
    present = [r.rate for r in rates if r.rate is not None]
    if not present:
        return None
    with localcontext() as context:
        context.prec = 50
        return (sum(present, Decimal(0)) / len(present)).quantize(TENTH, rounding=ROUND_HALF_UP)


def rate_chart(rows: Sequence[TargetRow], *, key: str, title: str, heading: str) -> Chart:
    grouped = group_rates(rows, key)
    labels = tuple(name or _("未分类") for name in grouped)
    means = tuple(mean_rate(rates) for rates in grouped.values())
    counts = tuple(str(len(rates)) for rates in grouped.values())
    missing = tuple(str(sum(1 for r in rates if r.rate is None)) for rates in grouped.values())
    return Chart(
        kind="bar",
        title=title,
        label_heading=heading,
        labels=labels,
        series=(Series(_("平均完成率(%)"), means),),
        value_axis="%",
        extra=((_("目标数"), counts), (_("未报送"), missing)),
        note=_("平均完成率只计已报送的目标;未报送的不计为 0。"),
        horizontal=len(labels) > 6,
    )


def status_chart(tasks: Sequence[KeyTask], *, by: str) -> Chart:
    """Key tasks per area (``by="area"``) or lead department (``"lead"``), counted by status."""
    order: dict[str, dict[str, int]] = {}
    for task in tasks:
        name = f"{task.area.number}. {task.area.name}" if by == "area" else task.lead.name
        counts = order.setdefault(name, dict.fromkeys(TaskStatus.values, 0))
        counts[task.status] += 1
    labels = tuple(order)
    series = tuple(
        Series(str(label), tuple(order[name][value] for name in labels)) for value, label in TaskStatus.choices
    )
    done = tuple(f"{order[n][TaskStatus.DONE]}/{sum(order[n].values())}" for n in labels)
    return Chart(
        kind="bar",
        title=_("重点工作进展(按领域)") if by == "area" else _("重点工作进展(按牵头处室)"),
        label_heading=_("领域") if by == "area" else _("牵头处室"),
        labels=labels,
        series=series,
        value_axis=_("项"),
        extra=((_("已完成/总数"), done),),
        horizontal=True,
    )
