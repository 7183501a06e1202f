"""Bulk self-assessment from the unit's own Excel 自评表: template, preview, confirm.

The workbook format is ``kaoping.formats.self_assessment_xlsx`` (no database there). This module
builds the template's rows from the unit's scheme and entries, checks a filled file against them
and saves through ``services.entry_save`` — the web form's own path: audited field by field,
refused in an archived campaign, outside the self-assessment phase, after the deadline or once
submitted. The preview writes nothing; the confirmation saves every changed row in one
transaction, so a file is imported whole or not at all. Between the two, the rows travel signed
(``django.core.signing``) in the confirmation form, bound to the unit and the user, for an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from kaoping.assessments import selectors, services
from kaoping.assessments.models import SelfAssessment
from kaoping.campaigns.models import CampaignUnit
from kaoping.formats import self_assessment_xlsx as xlsx

SALT = "kaoping.assessments.self_import"
MAX_AGE = 3600


@dataclass(frozen=True)
class Change:
    row: int
    item_id: str
    name: str
    fields: list[tuple[str, str, str]]  # (label, old, new)


@dataclass
class Preview:
    problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    payload: str = ""


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _refs(unit: CampaignUnit) -> list[selectors.ItemRef]:
    return selectors.leaf_items(selectors.scheme_for(unit.campaign), unit.category)


def _place(ref: selectors.ItemRef) -> str:
    return ref.item.name if ref.top.id == ref.item.id else f"{ref.top.name} / {ref.item.name}"


def template_items(unit: CampaignUnit) -> list[xlsx.TemplateItem]:
    entries = selectors.entries_by_item(unit)
    items = []
    for ref in _refs(unit):
        entry = entries.get(ref.id)
        items.append(
            xlsx.TemplateItem(
                item_id=ref.id,
                name=_place(ref),
                points=ref.item.points,
                figures=tuple(services.figure_names(ref.item)),
                scored=not services.is_modifier(ref.item),
                score=entry.self_score if entry else None,
                figure_values=dict(entry.figures or {}) if entry else {},
                note=entry.note if entry else "",
            )
        )
    return items


def template_bytes(unit: CampaignUnit) -> bytes:
    info = xlsx.TemplateInfo(
        campaign_id=str(unit.campaign_id),
        unit_id=str(unit.pk),
        unit_name=unit.organization.name,
        title=_("%(unit)s · %(campaign)s · 自评表") % {"unit": unit.organization.name, "campaign": unit.campaign.name},
    )
    return xlsx.write_template(template_items(unit), info)


def template_filename(unit: CampaignUnit) -> str:
    return _("自评表-%(unit)s.xlsx") % {"unit": unit.organization.name}


def closed_reason(unit: CampaignUnit) -> str | None:
    return selectors.self_assessment_closed_reason(unit.campaign, selectors.submission_of(unit))


def _input(entry: SelfAssessment | None, row: xlsx.FilledRow) -> services.EntryInput:
    """The file's values; what the file does not carry (level, triggered, not applicable) is kept."""
    return services.EntryInput(
        self_score=row.score,
        note=row.note,
        figures=row.figures,
        not_applicable=entry.not_applicable if entry else False,
        level=entry.level if entry else "",
        triggered=entry.triggered if entry else None,
    )


def preview(unit: CampaignUnit, upload: IO[bytes], actor: Any) -> Preview:
    """Check a filled file; nothing is written. ``payload`` is set only when there is no problem."""
    result = Preview()
    reason = closed_reason(unit)
    if reason:
        result.problems.append(reason)
        return result
    items = template_items(unit)
    try:
        read = xlsx.read_filled(upload, items)
    except xlsx.WorkbookRefused as exc:
        result.problems.append(exc.message)
        return result
    if read.info is not None and (read.info.campaign_id, read.info.unit_id) != (str(unit.campaign_id), str(unit.pk)):
        result.problems.append(
            _("这是“%(other)s”的自评表,不是本单位(%(unit)s)的。请在本页下载本单位的模板后填写")
            % {"other": read.info.unit_name[:50] or _("其他考核"), "unit": unit.organization.name}
        )
        return result
    result.problems.extend(read.problems)
    if result.problems:
        return result
    refs = {ref.id: ref for ref in _refs(unit)}
    entries = selectors.entries_by_item(unit)
    rows: list[list[Any]] = []
    for row in read.rows:
        ref = refs[row.item_id]
        entry = entries.get(row.item_id)
        try:
            values = services._entry_values(ref.item, _input(entry, row))
        except services.AssessmentError as exc:
            messages = exc.errors.values() or [exc.message]
            result.problems.extend(_("第 %(row)d 行 %(text)s") % {"row": row.row, "text": m} for m in messages)
            continue
        changed = _changes(ref, entry, values)
        if not changed:
            result.unchanged += 1
            continue
        result.changes.append(Change(row.row, ref.id, ref.item.name, changed))
        rows.append([row.item_id, entry.version if entry else 0, row.score, row.figures, row.note])
    if not result.problems and rows:
        result.payload = signing.dumps({"u": unit.pk, "by": actor.pk, "rows": rows}, salt=SALT, compress=True)
    if result.problems:
        result.changes = []
    return result


def _changes(
    ref: selectors.ItemRef, entry: SelfAssessment | None, values: dict[str, Any]
) -> list[tuple[str, str, str]]:
    old_score = entry.self_score if entry else None
    changed: list[tuple[str, str, str]] = []
    if old_score != values["self_score"]:
        changed.append((_("自评分"), _fmt(old_score), _fmt(values["self_score"])))
    old_figures = dict(entry.figures or {}) if entry else {}
    for name, label in services.figure_names(ref.item):
        before, after = old_figures.get(name, ""), values["figures"].get(name, "")
        if (Decimal(before) if before else None) != (Decimal(after) if after else None):
            changed.append((_("数据“%(label)s”") % {"label": label}, before, after))
    old_note = entry.note if entry else ""
    if old_note != values["note"]:
        changed.append((_("说明"), _short(old_note), _short(values["note"])))
    return changed


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"


def apply(unit: CampaignUnit, payload: str, actor: Any) -> int:
    """Save a confirmed preview: every row or none. Returns how many items were saved.

    Raises services.AssessmentError (Closed, a changed entry, an expired preview) with the reason."""
    reason = closed_reason(unit)
    if reason:
        raise services.Closed(reason)  # the services refuse too; this comes before the payload's checks
    try:
        data = signing.loads(payload, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise services.AssessmentError(_("预览已超过 1 小时,请重新上传文件")) from None
    except signing.BadSignature:
        raise services.AssessmentError(_("预览数据无效,请重新上传文件")) from None
    if not isinstance(data, dict) or data.get("u") != unit.pk or data.get("by") != getattr(actor, "pk", None):
        raise services.AssessmentError(_("预览数据无效,请重新上传文件"))
    refs = {ref.id: ref for ref in _refs(unit)}
    with transaction.atomic():
        entries = selectors.entries_by_item(unit)
        for item_id, version, score, figures, note in data["rows"]:
            ref = refs.get(item_id)
            if ref is None:
                raise services.AssessmentError(_("考核方案已更新,请重新下载模板"))
            entry = entries.get(item_id)
            row = xlsx.FilledRow(0, item_id, score, dict(figures), note)
            try:
                services.entry_save(unit=unit, item=ref.item, actor=actor, version=version, data=_input(entry, row))
            except services.Conflict:
                raise services.AssessmentError(
                    _("第 %(id)s 项在预览之后已被修改(可能是在网页上),为免覆盖,本次没有导入任何内容。请重新上传文件")
                    % {"id": item_id}
                ) from None
    return len(data["rows"])
