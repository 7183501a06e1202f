"""Import an existing self-evaluation report (自评报告, Word or text) as a unit's self-assessment.

The file is read by ``kaoping.formats.report_text`` (no database there). Each parsed item is
matched to the campaign's scheme item — by item number when the scheme numbers its items the
same way, else by order within the same section, else by order in the whole report, else by the
likeness of the words — and the preview shows one row per scheme item with the report's line,
an editable self score (or the figure a rule item is computed from) and note. Lines that failed,
report items matched to nothing and scheme items the report does not mention are listed with
their line numbers.

The preview writes nothing. The confirmation carries the parsed rows signed
(``django.core.signing``, bound to the unit and the user, for an hour) plus the person's edits;
every included row is checked with the web form's own checks first and, if any fails, nothing is
written and the preview comes back with each problem on its row. Otherwise every row is saved
through ``services.entry_save`` in one transaction: audited field by field, refused in an archived
campaign, outside the self-assessment phase, after the deadline or once submitted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.assessments import selectors, services
from kaoping.assessments.counting import counted
from kaoping.assessments.models import SelfAssessment
from kaoping.assessments.preview import Total, self_preview
from kaoping.campaigns.models import CampaignUnit
from kaoping.engine.model import Scheme
from kaoping.engine.numbers import fmt
from kaoping.formats import report_text

SALT = "kaoping.assessments.report_import"
MAX_AGE = 3600
EXCERPT = 80
STRONG, MARGIN = 0.6, 0.2  # a report item's words name a scheme item outright


@dataclass
class Row:
    """One scheme item in the preview, with what the report says about it (if anything)."""

    index: int  # position among the scheme's leaf items (form field names use it)
    item_id: str
    place: str  # "一级指标 / 指标"
    name: str
    points: Decimal
    scored: bool  # the person types a self score (False: computed from figures, or a yes/no item)
    figure_labels: list[tuple[str, str]]  # (name, label) the item's rule reads
    line: int | None = None  # the report's line, None when the report does not mention the item
    excerpt: str = ""
    stated_points: Decimal | None = None
    stated_score: Decimal | None = None
    how: str = ""  # how it was matched (Chinese)
    score: str = ""
    note: str = ""
    figures: dict[str, str] = field(default_factory=dict)
    include: bool = False
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    computed: Decimal | None = None  # a rule item's score from the figures, for comparison

    @property
    def figure_fields(self) -> list[tuple[str, str, str]]:
        return [(name, label, self.figures.get(name, "")) for name, label in self.figure_labels]


@dataclass
class SectionCheck:
    title: str
    stated: Decimal | None
    computed: Total | None


@dataclass
class ReportPreview:
    problems: list[str] = field(default_factory=list)  # the file could not be used at all
    rows: list[Row] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # "第 12 行:……未能识别分值", located
    stated_total: Decimal | None = None
    stated_grade: str = ""
    parsed_total: Decimal | None = None
    total: Total | None = None  # what the self-assessment total will be after saving
    sections: list[SectionCheck] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    payload: str = ""
    file_name: str = ""

    @property
    def errors(self) -> list[str]:
        return [text for _index, text in self.located_errors]

    @property
    def located_errors(self) -> list[tuple[int, str]]:
        """(row index, "2 学校意识形态工作:…") for every problem, to link each to its row."""
        return [(row.index, f"{row.item_id} {row.name}:{e}") for row in self.rows for e in row.errors]

    @property
    def included(self) -> int:
        return sum(1 for row in self.rows if row.include)


def closed_reason(unit: CampaignUnit) -> str | None:
    return selectors.self_assessment_closed_reason(unit.campaign, selectors.submission_of(unit))


def _place(ref: selectors.ItemRef) -> str:
    return ref.item.name if ref.top.id == ref.item.id else f"{ref.top.name} / {ref.item.name}"


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s\d.,,。;;、:()()“”\"%]+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def likeness(a: str | set[str], b: str | set[str]) -> float:
    """Share of b's character pairs found in a (0..1): cheap and good enough for Chinese."""
    pa = a if isinstance(a, set) else _bigrams(a)
    pb = b if isinstance(b, set) else _bigrams(b)
    return len(pa & pb) / len(pb) if pb else 0.0


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _num(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def _line_message(line: int, text: str, reason: str) -> str:
    return _("第 %(line)d 行:%(text)s——%(reason)s") % {"line": line, "text": _excerpt(text), "reason": reason}


# -- matching ----------------------------------------------------------------------------------------


def match(
    report: report_text.ParsedReport, refs: list[selectors.ItemRef]
) -> dict[int, tuple[report_text.ParsedItem, str]]:
    """ref index → (parsed item, how). Each parsed item and each scheme item is used once."""
    found: dict[int, tuple[report_text.ParsedItem, str]] = {}
    used: set[int] = set()  # parsed item positions

    def take(ref_index: int, item_index: int, how: str) -> None:
        if ref_index not in found and item_index not in used:
            found[ref_index] = (report.items[item_index], how)
            used.add(item_index)

    items = report.items
    words = [_bigrams(f"{ref.item.name}{ref.item.standard or ''}") for ref in refs]
    texts = [_bigrams(item.text) for item in items]
    # 0. words that clearly name one scheme item (same points, far likelier than any other)
    for n, item in enumerate(items):
        ranked = sorted(((likeness(texts[n], w), r) for r, w in enumerate(words)), reverse=True)
        if not ranked:
            break
        best, r = ranked[0]
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best >= STRONG and best - runner_up >= MARGIN and refs[r].item.points == item.points:
            take(r, n, _("按文字相似"))
    # 1. the scheme numbers its items as the report does ("15" ↔ "15.")
    by_id = {ref.id: i for i, ref in enumerate(refs)}
    for n, item in enumerate(items):
        ref_index = by_id.get(str(item.number))
        if ref_index is not None and refs[ref_index].item.points == item.points:
            take(ref_index, n, _("按编号"))
    # 2. the same count of items in the same section: by order
    tops: list[str] = []
    for ref in refs:
        if ref.top.id not in tops:
            tops.append(ref.top.id)
    numbers = sorted({i.section for i in items if i.section})
    if len(numbers) == len(tops):
        for section_number, top_id in zip(numbers, tops, strict=True):
            in_report = [n for n, i in enumerate(items) if i.section == section_number]
            in_scheme = [r for r, ref in enumerate(refs) if ref.top.id == top_id]
            if len(in_report) == len(in_scheme):
                for n, r in zip(in_report, in_scheme, strict=True):
                    take(r, n, _("按章节和顺序"))
    # 3. the same count of items overall: by order
    if len(items) == len(refs):
        for n in range(len(items)):
            take(n, n, _("按顺序"))
    # 4. by the likeness of the words (and the same points)
    for n, item in enumerate(items):
        if n in used:
            continue
        best, best_ref = 0.0, None
        for r, ref in enumerate(refs):
            if r in found:
                continue
            value = likeness(texts[n], words[r])
            if ref.item.points == item.points:
                value += 0.1
            if value > best:
                best, best_ref = value, r
        if best_ref is not None and best >= 0.35:
            take(best_ref, n, _("按文字相似"))
    return found


def _figure_guess(item: report_text.ParsedItem, label: str, unit: str) -> str:
    best, value = 0.0, ""
    for figure in item.figures:
        if unit and figure.unit != unit:
            continue
        score = likeness(figure.label, label)
        if score > best:
            best, value = score, format(figure.value, "f")
    return value if best >= 0.5 else ""


# -- preview -----------------------------------------------------------------------------------------


def _rows(
    unit: CampaignUnit, report: report_text.ParsedReport, refs: list[selectors.ItemRef]
) -> tuple[list[Row], list[str]]:
    entries = selectors.entries_by_item(unit)
    matched = match(report, refs)
    rows: list[Row] = []
    for index, ref in enumerate(refs):
        item = ref.item
        entry = entries.get(ref.id)
        scored = services.needs_self_score(item) and not services.is_modifier(item)
        row = Row(
            index=index,
            item_id=ref.id,
            place=_place(ref),
            name=item.name,
            points=item.points,
            scored=scored,
            figure_labels=services.figure_names(item),
            score=_num(entry.self_score) if entry else "",
            note=entry.note if entry else "",
            figures=dict(entry.figures or {}) if entry else {},
        )
        hit = matched.get(index)
        if hit is not None:
            parsed, how = hit
            row.line, row.excerpt, row.how = parsed.line, _excerpt(parsed.text), how
            row.stated_points, row.stated_score = parsed.points, parsed.self_score
            row.include = True
            if scored:
                row.score = _num(parsed.self_score)
            note = parsed.text if not parsed.note else f"{parsed.text}({parsed.note})"
            row.note = note[:5000]
            rule_unit = str(item.rule.params.get("unit", "")) if item.rule else ""
            for name, label in row.figure_labels:
                guess = _figure_guess(parsed, label, rule_unit)
                if guess:
                    row.figures[name] = guess
            if parsed.points != item.points:
                row.warnings.append(
                    _("报告中分值为 %(stated)s 分,考核方案中为 %(points)s 分")
                    % {"stated": fmt(parsed.points), "points": fmt(item.points)}
                )
        rows.append(row)
    used_lines = {row.line for row in rows if row.line is not None}
    leftovers = [
        _line_message(
            i.line,
            i.text,
            _("未能对应到考核方案中的指标(分值 %(p)s 分,自评 %(s)s 分)") % {"p": fmt(i.points), "s": fmt(i.self_score)},
        )
        for i in report.items
        if i.line not in used_lines
    ]
    return rows, leftovers


def _entries_after(unit: CampaignUnit, rows: list[Row]) -> dict[str, SelfAssessment]:
    """The unit's entries as they would be after saving the included rows (unsaved objects)."""
    entries = dict(selectors.entries_by_item(unit))
    for row in rows:
        if not row.include or row.errors:
            continue
        old = entries.get(row.item_id)
        entries[row.item_id] = SelfAssessment(
            unit=unit,
            item_id=row.item_id,
            self_score=Decimal(row.score) if row.scored and row.score else None,
            note=row.note,
            figures={k: v for k, v in row.figures.items() if v},
            not_applicable=old.not_applicable if old else False,
            level=old.level if old else "",
            triggered=old.triggered if old else None,
        )
    return entries


def _check(unit: CampaignUnit, scheme: Scheme, refs: list[selectors.ItemRef], result: ReportPreview) -> None:
    """Validate every included row with the web form's checks; compute the totals after saving."""
    entries = selectors.entries_by_item(unit)
    for row, ref in zip(result.rows, refs, strict=True):
        row.errors = []
        if not row.include:
            continue
        try:
            values = services._entry_values(ref.item, _input(entries.get(ref.id), row))
        except services.AssessmentError as exc:
            row.errors.extend(exc.errors.values() or [exc.message])
            continue
        row.figures = dict(values["figures"])
        if not row.scored and row.figure_labels:
            after = _entries_after(unit, [row])
            row.computed = counted(scheme, ref.item, entry=after.get(ref.id), department_scores={}).score
            if row.stated_score is not None and row.computed is not None and row.computed != row.stated_score:
                row.warnings.append(
                    _("按数据计算为 %(computed)s 分,报告中自评 %(stated)s 分")
                    % {"computed": fmt(row.computed), "stated": fmt(row.stated_score)}
                )
    preview = self_preview(unit, scheme, _entries_after(unit, result.rows))
    if preview is not None:
        result.total = preview.total


def _input(entry: SelfAssessment | None, row: Row) -> services.EntryInput:
    """The row's values; what a report does not carry (not applicable, level, triggered) is kept."""
    return services.EntryInput(
        self_score=row.score if row.scored else (_num(entry.self_score) if entry else ""),
        note=row.note,
        figures=row.figures,
        not_applicable=entry.not_applicable if entry else False,
        level=entry.level if entry else "",
        triggered=entry.triggered if entry else None,
    )


def _sections(unit: CampaignUnit, scheme: Scheme, stated: list[str], result: ReportPreview) -> None:
    """Each first-level indicator: the report's stated self score next to the total after saving."""
    after = self_preview(unit, scheme, _entries_after(unit, result.rows))
    tops = [(c, top) for c in selectors.indicator_components(scheme, unit.category) for top in c.indicators]
    for n, (component, top) in enumerate(tops):
        said = _decimal_or_none(stated[n]) if n < len(stated) else None
        result.sections.append(SectionCheck(top.name, said, after.section(component.id, top.id) if after else None))


def _stated_sections(report: report_text.ParsedReport) -> list[str]:
    numbers = {s.number: s.self_score for s in report.sections}
    last = max(numbers, default=0)
    return [_num(numbers.get(n)) for n in range(1, last + 1)]


def preview(unit: CampaignUnit, name: str, data: bytes, actor: Any) -> ReportPreview:
    """Read and match a report; nothing is written. ``payload`` carries the parsed rows."""
    result = ReportPreview(file_name=name[:200])
    reason = closed_reason(unit)
    if reason:
        result.problems.append(reason)
        return result
    try:
        text = report_text.read_report(name, data)
    except report_text.ReportRefused as exc:
        result.problems.append(exc.message)
        return result
    report = report_text.parse_report(text)
    if not report.items:
        result.problems.append(_("文件中没有找到带“(分值X分,自评Y分)”的评价要点,不像一份自评报告。请检查上传的文件。"))
        result.unparsed = [_line_message(u.line, u.text, u.reason) for u in report.unparsed]
        return result
    scheme = selectors.scheme_for(unit.campaign)
    refs = selectors.leaf_items(scheme, unit.category)
    result.rows, leftovers = _rows(unit, report, refs)
    result.unparsed = [_line_message(u.line, u.text, u.reason) for u in report.unparsed] + leftovers
    result.stated_total, result.stated_grade = report.stated_total, report.stated_grade
    result.parsed_total = report.items_total
    result.counts = {
        "lines": report.lines,
        "sections": len(report.sections),
        "items": len(report.items),
        "matched": sum(1 for r in result.rows if r.line is not None),
        "skipped": report.skipped,
    }
    _check(unit, scheme, refs, result)
    stated = _stated_sections(report)
    _sections(unit, scheme, stated, result)
    result.payload = _sign(unit, actor, result, stated)
    return result


def _sign(unit: CampaignUnit, actor: Any, result: ReportPreview, stated: list[str]) -> str:
    versions = {item_id: entry.version for item_id, entry in selectors.entries_by_item(unit).items()}
    data = {
        "u": unit.pk,
        "by": actor.pk,
        "v": versions,
        "f": result.file_name,
        "t": [_num(result.stated_total), result.stated_grade, _num(result.parsed_total)],
        "x": result.unparsed,
        "c": result.counts,
        "s": stated,
        "r": [
            [
                r.item_id,
                r.line,
                r.excerpt,
                _num(r.stated_points),
                _num(r.stated_score),
                r.how,
                r.score,
                r.note,
                r.figures,
                r.include,
            ]
            for r in result.rows
        ],
    }
    return signing.dumps(data, salt=SALT, compress=True)


def _unsign(unit: CampaignUnit, payload: str, actor: Any) -> dict[str, Any]:
    try:
        data = signing.loads(payload, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise services.AssessmentError(_("预览已超过 1 小时,请重新上传文件")) from None
    except signing.BadSignature:
        raise services.AssessmentError(_("预览数据无效,请重新上传文件")) from None
    if not isinstance(data, dict) or data.get("u") != unit.pk or data.get("by") != getattr(actor, "pk", None):
        raise services.AssessmentError(_("预览数据无效,请重新上传文件"))
    return data


def _decimal_or_none(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def review(
    unit: CampaignUnit, payload: str, edits: Mapping[str, Any], actor: Any
) -> tuple[ReportPreview, dict[str, Any]]:
    """The signed preview with the person's edits applied and checked (nothing written)."""
    data = _unsign(unit, payload, actor)
    scheme = selectors.scheme_for(unit.campaign)
    refs = selectors.leaf_items(scheme, unit.category)
    if [ref.id for ref in refs] != [r[0] for r in data["r"]]:
        raise services.AssessmentError(_("考核方案已更新,请重新上传文件"))
    stated_total, grade, parsed_total = data["t"]
    result = ReportPreview(
        file_name=data["f"],
        unparsed=list(data["x"]),
        stated_total=_decimal_or_none(stated_total),
        stated_grade=grade,
        parsed_total=_decimal_or_none(parsed_total),
        counts=dict(data["c"]),
    )
    for index, (ref, saved) in enumerate(zip(refs, data["r"], strict=True)):
        item_id, line, excerpt, stated_points, stated_score, how, score, note, figures, include = saved
        scored = services.needs_self_score(ref.item) and not services.is_modifier(ref.item)
        row = Row(
            index=index,
            item_id=item_id,
            place=_place(ref),
            name=ref.item.name,
            points=ref.item.points,
            scored=scored,
            figure_labels=services.figure_names(ref.item),
            line=line,
            excerpt=excerpt,
            stated_points=_decimal_or_none(stated_points),
            stated_score=_decimal_or_none(stated_score),
            how=how,
            score=score,
            note=note,
            figures=dict(figures),
            include=include,
        )
        if edits:
            row.score = str(edits.get(f"score_{index}", "")).strip() if scored else row.score
            row.note = str(edits.get(f"note_{index}", ""))
            for name, _label in row.figure_labels:
                row.figures[name] = str(edits.get(f"figure_{index}_{name}", "")).strip()
            typed = bool(row.score or any(row.figures.values()))
            row.include = bool(edits.get(f"include_{index}")) or (line is None and typed)
            if row.stated_points is not None and row.stated_points != ref.item.points:
                row.warnings.append(
                    _("报告中分值为 %(stated)s 分,考核方案中为 %(points)s 分")
                    % {"stated": stated_points, "points": fmt(ref.item.points)}
                )
        result.rows.append(row)
    _check(unit, scheme, refs, result)
    _sections(unit, scheme, list(data["s"]), result)
    result.payload = payload
    return result, data


def apply(unit: CampaignUnit, payload: str, edits: Mapping[str, Any], actor: Any) -> tuple[ReportPreview, int]:
    """Check the edited preview; when every row passes, save them all (one transaction) and return
    how many; otherwise return the preview with the problems and 0, having written nothing.

    Raises services.AssessmentError (closed, expired or foreign preview, a row changed meanwhile)."""
    reason = closed_reason(unit)
    if reason:
        raise services.Closed(reason)
    result, data = review(unit, payload, edits, actor)
    if result.errors or not result.included:
        return result, 0
    refs = {ref.id: ref for ref in selectors.leaf_items(selectors.scheme_for(unit.campaign), unit.category)}
    versions: dict[str, int] = data["v"]
    saved = 0
    with transaction.atomic():
        entries = selectors.entries_by_item(unit)
        for row in result.rows:
            if not row.include:
                continue
            ref = refs[row.item_id]
            entry = entries.get(row.item_id)
            try:
                services.entry_save(
                    unit=unit,
                    item=ref.item,
                    actor=actor,
                    version=versions.get(row.item_id, 0),
                    data=_input(entry, row),
                )
            except services.Conflict:
                raise services.AssessmentError(
                    _("第 %(id)s 项在预览之后已被修改(可能是在网页上),为免覆盖,本次没有导入任何内容。请重新上传文件")
                    % {"id": row.item_id}
                ) from None
            saved += 1
    return result, saved
