"""A unit's self-evaluation report (自评报告) from its stored self-assessment, laid out as seed 004's.

Structure (seed 004, 红谷滩区's 2021 report): 主送 the organizer; an opening paragraph with the
自评总分 and 等次; 一、自查情况 with one (一) heading per first-level indicator "(分值X分,自评Y分)"
and each evaluation point numbered through the whole report with its note, figures and
"(分值X分,自评Y分)"; 二、存在问题 (every point scored below its full value or still missing); 落款
and date; and as 附件 a table of the scores (first-level indicator cells merged over their points).

Scores are the engine's: each point from the engine's tree (``engine.items.score_tree``) with the
self score as the only basis (a rule point computed from its figures, a not-applicable point by the
scheme's policy), sections and the total by ``assessments.preview.self_preview`` (the same numbers the reporter saw
while filling in), and the grade from the stored result (``results.services.stored_unit_result``:
pages and documents never compute the standings). Numbers by the engine's ``fmt``; a missing
score is written as missing, never as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.assessments import selectors as assess
from kaoping.assessments.models import SelfAssessment
from kaoping.assessments.preview import Total, self_preview
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.selectors import current_scheme
from kaoping.documents import layout
from kaoping.documents.layout import Document, PageBreak, Style, Table
from kaoping.engine.inputs import ItemInput
from kaoping.engine.items import NOT_APPLICABLE, CompiledTree, compile_tree, score_tree
from kaoping.engine.model import Component, Indicator, Scheme
from kaoping.engine.numbers import fmt
from kaoping.engine.results import ItemResult, UnitResult
from kaoping.engine.rules import RuleError, figure_names
from kaoping.results.models import StoredUnitResult
from kaoping.results.services import listed_units, stored_unit_result, unit_key


class ReportError(Exception):
    """Why no report can be written (Chinese, shown as is)."""


@dataclass(frozen=True)
class Point:
    number: int
    item: Indicator
    score: Decimal | None
    not_applicable: bool
    note: str
    figures: tuple[tuple[str, str], ...]  # (label, value as entered)


def _score(value: Decimal | None) -> str:
    return _("缺项") if value is None else _("%(n)s分") % {"n": fmt(value)}


def points_and_score(points: Decimal, score: Decimal | None) -> str:
    """(分值X分,自评Y分): seed 004's mark after every section and point."""
    if score is None:
        return _("(分值%(points)s分,自评缺项)") % {"points": fmt(points)}
    return _("(分值%(points)s分,自评%(score)s分)") % {"points": fmt(points), "score": fmt(score)}


def _figures(item: Indicator, entry: SelfAssessment | None) -> tuple[tuple[str, str], ...]:
    if entry is None or not entry.figures:
        return ()
    labels = dict(figure_names(item))
    return tuple((labels.get(name, name), str(value)) for name, value in entry.figures.items() if str(value).strip())


def _input(entry: SelfAssessment) -> ItemInput:
    """The entry as the engine reads it with the self score as the only basis (as the preview does)."""
    return ItemInput(
        unit_id="unit",
        item_id=entry.item_id,
        self_score=entry.self_score,
        figures={name: Decimal(str(value)) for name, value in (entry.figures or {}).items() if str(value).strip()},
        level=entry.level or None,
        triggered=entry.triggered,
        not_applicable=entry.not_applicable,
        note=entry.note,
    )


def _scored_leaves(results: tuple[ItemResult, ...]) -> dict[str, ItemResult]:
    leaves: dict[str, ItemResult] = {}
    for result in results:
        if result.children:
            leaves.update(_scored_leaves(result.children))
        else:
            leaves[result.item_id] = result
    return leaves


def collect_points(
    scheme: Scheme,
    component: Component,
    entries: Mapping[str, SelfAssessment],
    *,
    start: int = 0,
    trees: dict[str, CompiledTree] | None = None,
) -> dict[str, list[Point]]:
    """Each first-level indicator's points scored by the engine's tree (rule points from their
    figures, not-applicable points by the scheme's policy), numbered on from ``start``."""
    tree = trees.get(component.id) if trees is not None else None
    if tree is None:
        try:
            tree = compile_tree(component, scheme)
        except RuleError as error:
            raise ReportError(_("考核方案的计分规则有误,无法计算单位的自评分。")) from error
        if trees is not None:
            trees[component.id] = tree
    scored = _scored_leaves(score_tree(tree, {k: _input(v) for k, v in entries.items()}).items)
    number = start
    result: dict[str, list[Point]] = {}
    for section in component.indicators:
        points: list[Point] = []
        for item in section.leaves():
            number += 1
            entry = entries.get(item.id)
            leaf = scored.get(item.id)
            points.append(
                Point(
                    number=number,
                    item=item,
                    score=leaf.score if leaf is not None else None,
                    not_applicable=leaf is not None and leaf.basis == NOT_APPLICABLE,
                    note=(entry.note.strip() if entry else ""),
                    figures=_figures(item, entry),
                )
            )
        result[section.id] = points
    return result


def _point_text(point: Point) -> str:
    text = f"{point.number}.{point.item.name}。"
    if point.not_applicable:
        text += _("本单位不适用。")
    if point.note:
        text += point.note.rstrip("。") + "。"
    if point.figures:
        text += _("数据:") + ";".join(f"{label} {value}" for label, value in point.figures) + "。"
    return text + points_and_score(point.item.points, point.score)


def _opening(unit: CampaignUnit, scheme: Scheme, total: Total, stored: UnitResult | None) -> str:
    organizer = scheme.organizer or unit.campaign.owner.name
    text = _(
        "根据%(organizer)s关于开展%(campaign)s工作的有关文件精神,对照评价指标体系,"
        "我单位组织相关部门,逐条逐项进行了自评,"
    ) % {"organizer": organizer, "campaign": unit.campaign.name}
    if total.score is None:
        text += _("目前尚有%(n)d个评价要点未自评,已自评部分合计%(filled)s分。") % {
            "n": len(total.missing),
            "filled": fmt(total.filled),
        }
    else:
        text += _("自评总分%(total)s分") % {"total": fmt(total.score)}
        if stored is not None and stored.grade and stored.total == total.score:
            text += _(",自评等次为“%(grade)s”。") % {"grade": stored.grade}
        elif stored is not None and stored.total is not None and stored.grade:
            text += _("。按考核计分规则(含复核、核定),当前总分%(total)s分,等次为“%(grade)s”。") % {
                "total": fmt(stored.total),
                "grade": stored.grade,
            }
        else:
            text += "。"
    return text + _("现将自评情况报告如下:")


def _problems(points: list[Point]) -> list[str]:
    lines: list[str] = []
    for point in points:
        if point.score is None:
            lines.append(_("%(n)d.%(name)s:尚未自评。") % {"n": point.number, "name": point.item.name})
        elif point.score < point.item.points:
            text = _("%(n)d.%(name)s:扣%(lost)s分。") % {
                "n": point.number,
                "name": point.item.name,
                "lost": fmt(point.item.points - point.score),
            }
            if point.note:
                text += point.note.rstrip("。") + "。"
            lines.append(text)
    return lines


def _summary_table(scheme_sections: list[Indicator], points: dict[str, list[Point]], total: Total) -> Table:
    rows: list[tuple[str, ...]] = []
    merges: list[tuple[int, int, int, int]] = []
    for section in scheme_sections:
        first = len(rows)
        for point in points[section.id]:
            rows.append(
                (
                    section.name,
                    f"{point.number}.{point.item.name}",
                    fmt(point.item.points),
                    _("缺项") if point.score is None else fmt(point.score),
                )
            )
        if len(rows) - first > 1:
            merges.append((first, 0, len(rows) - 1, 0))
    rows.append(
        (
            _("合计"),
            _("合计"),
            fmt(total.points),
            _("缺项") if total.score is None else fmt(total.score),
        )
    )
    merges.append((len(rows) - 1, 0, len(rows) - 1, 1))
    return Table(
        header=(_("一级指标"), _("评价要点"), _("分值"), _("自评分")),
        rows=tuple(rows),
        widths=(38.0, 78.0, 18.0, 20.0),
        merges=tuple(merges),
        numeric=frozenset({2, 3}),
    )


@dataclass
class Batch:
    """What a batch of reports reads once for all its units (documents.tasks): every unit's
    entries in one query, the stored results' heads in one, each component's compiled tree."""

    entries: dict[int, dict[str, SelfAssessment]] = field(default_factory=dict)
    stored: dict[str, UnitResult] = field(default_factory=dict)
    trees: dict[str, CompiledTree] = field(default_factory=dict)

    @classmethod
    def load(cls, campaign: Campaign) -> Batch:
        batch = cls()
        for entry in SelfAssessment.objects.filter(unit__campaign=campaign).order_by("pk"):
            batch.entries.setdefault(entry.unit_id, {})[entry.item_id] = entry
        rows = StoredUnitResult.objects.filter(campaign=campaign)
        batch.stored = {result.unit_id: result for result in listed_units(rows)}
        return batch


def self_report(unit: CampaignUnit, *, today: date | None = None, batch: Batch | None = None) -> Document:
    campaign = unit.campaign
    scheme = current_scheme(campaign)
    if scheme is None:
        raise ReportError(_("考核“%(campaign)s”还没有考核方案,无法生成自评报告。") % {"campaign": campaign.name})
    if batch is None:
        entries = {row.item_id: row for row in SelfAssessment.objects.filter(unit=unit)}
        stored = stored_unit_result(unit)
    else:
        entries = batch.entries.get(unit.pk, {})
        stored = batch.stored.get(unit_key(unit))
    preview = self_preview(unit, scheme, entries)
    if preview is None:
        raise ReportError(_("考核方案的计分规则有误,无法计算单位的自评分。"))
    components = assess.indicator_components(scheme, unit.category)
    name = unit.organization.name
    day = today or timezone.localdate()
    doc = Document(
        title=_("%(unit)s关于%(campaign)s自评的报告") % {"unit": name, "campaign": campaign.name}, author=name
    )
    doc.add(Style.TITLE, doc.title)
    doc.add(Style.RECIPIENT, (scheme.organizer or campaign.owner.name) + ":")
    doc.add(Style.BODY, _opening(unit, scheme, preview.total, stored))
    doc.add(Style.HEADING_1, _("一、自查情况"))
    all_sections: list[Indicator] = []
    by_section: dict[str, list[Point]] = {}
    section_index = 0
    for component in components:
        sections = list(component.indicators)
        start = sum(map(len, by_section.values()))
        by_section.update(collect_points(scheme, component, entries, start=start, trees=batch.trees if batch else None))
        all_sections.extend(sections)
        if len(components) > 1:
            doc.add(Style.BODY, component.name)
        for section in sections:
            section_index += 1
            shown = preview.section(component.id, section.id)
            doc.add(
                Style.HEADING_2,
                f"({layout.chinese_number(section_index)}){section.name}"
                + points_and_score(section.points, shown.score if shown else None),
            )
            for point in by_section[section.id]:
                doc.add(Style.BODY, _point_text(point))
    all_points = [point for section in all_sections for point in by_section[section.id]]
    doc.add(Style.HEADING_1, _("二、存在问题"))
    problems = _problems(all_points)
    for line in problems or [_("对照评价指标体系,本单位各评价要点均自评满分,未发现扣分事项。")]:
        doc.add(Style.BODY, line)
    doc.add(Style.ATTACHMENT_NOTE, _("附件:%(title)s自评得分汇总表") % {"title": name})
    doc.add(Style.SIGNATURE, name)
    doc.add(Style.DATE, layout.chinese_date(day))
    doc.blocks.append(PageBreak())
    doc.add(Style.ATTACHMENT_LABEL, _("附件"))
    doc.add(Style.TABLE_CAPTION, _("%(title)s自评得分汇总表") % {"title": name})
    doc.blocks.append(_summary_table(all_sections, by_section, preview.total))
    return doc
