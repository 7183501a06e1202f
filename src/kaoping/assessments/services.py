"""Writes of the assessment workflow. Every change is audited in the same transaction.

Edits that span requests use optimistic locking: the caller passes the ``version`` it read
(0 = "there was no row yet"); a stale version raises ``Conflict`` carrying the row as it is now,
so nothing is silently overwritten.

Every write first calls ``_require_writable``: an archived campaign is read-only for everyone
(``kaoping.campaigns.readonly``), whatever page, API call or command asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.assessments import counting, selectors, uploads
from kaoping.assessments.models import (
    EDITABLE_STATUSES,
    DepartmentScore,
    EvidenceFile,
    Recusal,
    ReviewScore,
    SelfAssessment,
    SpotCheck,
    Submission,
    SubmissionStatus,
)
from kaoping.audit.services import audit_record
from kaoping.campaigns.models import CampaignUnit
from kaoping.campaigns.readonly import require_writable
from kaoping.engine.model import Indicator, Scheme
from kaoping.engine.numbers import fmt
from kaoping.engine.rules import figure_names as rule_figure_names
from kaoping.engine.rules import is_computed, takes_no_score
from kaoping.engine.sources import source_key, source_of, title_of
from kaoping.inbox import services as inbox
from kaoping.orgs.models import Department, Role, User

CONFLICT_MESSAGE = "该评分已被他人修改,请刷新后再改"


class AssessmentError(Exception):
    """A refusal with a Chinese message; ``errors`` maps form fields to messages."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class Closed(AssessmentError):
    """The phase, deadline or submission status does not allow this change."""


class Conflict(AssessmentError):
    """Someone saved a newer version; ``current`` is the row as stored now (None if absent)."""

    def __init__(self, current: models.Model | None) -> None:
        super().__init__(_(CONFLICT_MESSAGE))
        self.current = current


class Incomplete(AssessmentError):
    """Submission refused; ``missing`` lists (item id, item name, what is missing)."""

    def __init__(self, missing: Sequence[tuple[str, str, str]]) -> None:
        super().__init__(_("还有 %(n)d 项未完成,不能提交。") % {"n": len(missing)})
        self.missing = list(missing)


# ---- parsing ----------------------------------------------------------------------------------


def parse_score(raw: object, *, maximum: Decimal, label: str) -> Decimal | None:
    """A score typed by a person: blank → None; must be a number in [0, maximum]."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise AssessmentError(_("%(label)s“%(text)s”不是数字") % {"label": label, "text": text[:20]}) from None
    if not value.is_finite():
        raise AssessmentError(_("%(label)s“%(text)s”不是数字") % {"label": label, "text": text[:20]})
    if value < 0:
        raise AssessmentError(_("%(label)s不能为负数") % {"label": label})
    if value > maximum:
        raise AssessmentError(
            _("%(label)s %(value)s 超过了该项分值 %(max)s") % {"label": label, "value": value, "max": _fmt(maximum)}
        )
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise AssessmentError(_("%(label)s最多保留 4 位小数") % {"label": label})
    return value


def parse_figures(raw: Mapping[str, object], names: Sequence[tuple[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Figures named by the item's rule → ({name: Decimal string}, {field: error})."""
    figures: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, label in names:
        text = str(raw.get(name) or "").strip().rstrip("%")
        if not text:
            continue
        try:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[f"figure_{name}"] = _("数据“%(label)s”应为数字,收到“%(text)s”") % {"label": label, "text": text[:20]}
            continue
        figures[name] = str(value)
    return figures, errors


def figure_names(item: Indicator) -> list[tuple[str, str]]:
    """(figure name, label) pairs the unit reports for the item's rule, in the rule's order (the
    engine's rule). None for a rule whose figures come from a platform record (``source``)."""
    return [] if source_of(item.rule) is not None else rule_figure_names(item)


def figure_source_title(item: Indicator) -> str:
    """Where the item's figures come from when the platform fills them in ("" when the unit does)."""
    source = source_of(item.rule)
    return title_of(source, source_key(item.rule)) if source is not None else ""


def level_choices(item: Indicator) -> list[str]:
    levels = item.rule.params.get("levels") if item.rule else None
    return [str(name) for name in levels] if isinstance(levels, Mapping) else []


def needs_self_score(item: Indicator) -> bool:
    """Manual items need a self score; rule items are computed from their figures or level."""
    return item.rule is None or item.rule.kind == "manual"


def is_modifier(item: Indicator) -> bool:
    return takes_no_score(item.rule)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _jsonable(value: Any) -> Any:
    return fmt(value) if isinstance(value, Decimal) else value


# ---- optimistic locking -----------------------------------------------------------------------


def _versioned_write[M: models.Model](
    model: type[M], *, lookup: Mapping[str, Any], version: int, values: Mapping[str, Any]
) -> tuple[M, M | None]:
    """Create (version 0) or update (version v) the row at ``lookup``; return (new row, old row).

    Raises Conflict when the stored version is not the one the caller read.
    """
    old = model._default_manager.filter(**lookup).first()
    if version == 0:
        if old is not None:
            raise Conflict(old)
        try:
            with transaction.atomic():
                row = model._default_manager.create(**lookup, **values, version=1)
        except IntegrityError:
            raise Conflict(model._default_manager.filter(**lookup).first()) from None
        return row, None
    if old is None:
        raise Conflict(None)
    updated = model._default_manager.filter(**lookup, version=version).update(**values, version=F("version") + 1)
    if updated == 0:
        raise Conflict(model._default_manager.filter(**lookup).first())
    return model._default_manager.get(**lookup), old


def _blank(value: Any) -> bool:
    """Nothing entered yet. Not ``value in (None, "", {}, False)``: Decimal(0) == False, and a first
    score of 0 is a change that must be audited."""
    return value is None or value is False or (isinstance(value, str | dict) and not value)


def _audit_changes(
    *,
    unit: CampaignUnit,
    object_type: str,
    item_id: str,
    actor: Any,
    old: models.Model | None,
    new: models.Model,
    fields: Iterable[str],
    reason: str = "",
    label: str = "",
) -> int:
    changed = 0
    for name in fields:
        before = getattr(old, name) if old is not None else None
        after = getattr(new, name)
        if old is None and _blank(after):
            continue
        if before == after:
            continue
        audit_record(
            chain=f"campaign:{unit.campaign_id}",
            action="create" if old is None else "update",
            object_type=object_type,
            object_id=selectors.item_key(unit, item_id),
            actor=actor,
            field=f"{name}[{label}]" if label else name,
            old=_jsonable(before),
            new=_jsonable(after),
            reason=reason,
        )
        changed += 1
    return changed


# ---- self-assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    self_score: str = ""
    note: str = ""
    figures: Mapping[str, object] = field(default_factory=dict)
    not_applicable: bool = False
    level: str = ""
    triggered: bool | None = None


def entry_save(*, unit: CampaignUnit, item: Indicator, actor: Any, version: int, data: EntryInput) -> SelfAssessment:
    """Save the unit's entry for ``item`` (autosave). Raises Closed, AssessmentError or Conflict."""
    with transaction.atomic():
        _require_writable(unit)
        submission = _submission_locked(unit)
        reason = selectors.self_assessment_closed_reason(unit.campaign, submission)
        if reason:
            raise Closed(reason)
        values = _entry_values(item, data)
        row, old = _versioned_write(
            SelfAssessment,
            lookup={"unit": unit, "item_id": item.id},
            version=version,
            values={**values, "updated_by": actor, "updated_at": timezone.now()},
        )
        _audit_changes(
            unit=unit, object_type="self_assessment", item_id=item.id, actor=actor, old=old, new=row, fields=values
        )
    return row


def _entry_values(item: Indicator, data: EntryInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    score: Decimal | None = None
    try:
        score = parse_score(data.self_score, maximum=item.points, label=_("自评分"))
    except AssessmentError as exc:
        errors["self_score"] = exc.message
    figures, figure_errors = parse_figures(data.figures, figure_names(item))
    errors.update(figure_errors)
    level = data.level.strip()
    if level and level not in level_choices(item):
        errors["level"] = _("等级“%(level)s”不在可选等级中") % {"level": level[:20]}
    if len(data.note) > 5000:
        errors["note"] = _("得失分说明不能超过 5000 字")
    if errors:
        raise AssessmentError(_("第 %(id)s 项填写有误:") % {"id": item.id} + ";".join(errors.values()), errors)
    return {
        "self_score": score,
        "note": data.note.strip(),
        "figures": figures,
        "not_applicable": data.not_applicable,
        "level": level,
        "triggered": data.triggered if is_modifier(item) else None,
    }


def _require_writable(unit: CampaignUnit) -> None:
    """Refuse any change in an archived campaign (call it first, inside the write's transaction)."""
    require_writable(unit.campaign_id, error=Closed)


def _submission_locked(unit: CampaignUnit) -> Submission:
    """The unit's submission row, locked for the transaction (PostgreSQL) so status checks hold."""
    Submission.objects.get_or_create(unit=unit)
    return Submission.objects.select_for_update().get(unit=unit)


def missing_for_submission(unit: CampaignUnit, scheme: Scheme) -> list[tuple[str, str, str]]:
    """(item id, name, what is missing) for every leaf item not ready to submit."""
    entries = selectors.entries_by_item(unit)
    missing: list[tuple[str, str, str]] = []
    for ref in selectors.leaf_items(scheme, unit.category):
        item = ref.item
        entry = entries.get(item.id)
        needs = _missing_parts(item, entry)
        if needs:
            missing.append((item.id, item.name, "、".join(needs)))
    return missing


def _missing_parts(item: Indicator, entry: SelfAssessment | None) -> list[str]:
    if entry is not None and entry.not_applicable:
        return []
    needs: list[str] = []
    if is_modifier(item):
        if entry is None or entry.triggered is None:
            needs.append(_("是否发生"))
        return needs
    if needs_self_score(item) and (entry is None or entry.self_score is None):
        needs.append(_("自评分"))
    for name, label in figure_names(item):
        if entry is None or name not in (entry.figures or {}):
            needs.append(_("数据“%(label)s”") % {"label": label})
    if level_choices(item) and (entry is None or not entry.level):
        needs.append(_("达成等级"))
    if item.evidence.required and (entry is None or not any(not f.withdrawn for f in entry.evidence.all())):
        needs.append(_("佐证材料"))
    return needs


def submission_submit(*, unit: CampaignUnit, actor: Any, scheme: Scheme) -> Submission:
    with transaction.atomic():
        _require_writable(unit)
        submission = _submission_locked(unit)
        reason = selectors.self_assessment_closed_reason(unit.campaign, submission)
        if reason:
            raise Closed(reason)
        missing = missing_for_submission(unit, scheme)
        if missing:
            raise Incomplete(missing)
        new_status = (
            SubmissionStatus.RESUBMITTED
            if submission.status == SubmissionStatus.RETURNED
            else (SubmissionStatus.SUBMITTED)
        )
        return _set_status(submission, new_status, actor=actor, submitted_at=timezone.now())


def submission_return(*, unit: CampaignUnit, actor: Any, reason: str) -> Submission:
    reason = reason.strip()
    with transaction.atomic():
        _require_writable(unit)
        if not reason:
            raise AssessmentError(_("退回时必须写明原因"), {"reason": _("请填写退回原因")})
        submission = _submission_locked(unit)
        if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED):
            raise Closed(_("只有已提交的自评才能退回(当前:%(s)s)") % {"s": submission.get_status_display()})
        submission = _set_status(
            submission, SubmissionStatus.RETURNED, actor=actor, reason=reason, return_reason=reason
        )
        _tell_returned(unit, submission, reason)
        return submission


def _tell_returned(unit: CampaignUnit, submission: Submission, reason: str) -> None:
    """The unit's reporters read the return and its reason in their inbox (kaoping.inbox)."""
    campaign = unit.campaign
    people = User.objects.filter(
        memberships__organization_id=unit.organization_id, memberships__role=Role.REPORTER, is_active=True
    ).distinct()
    names = {"c": campaign.name, "u": unit.organization.name}
    inbox.notify(
        people,
        inbox.Kind.RETURNED,
        _("「%(c)s」%(u)s的自评被退回修改") % names,
        _("考核活动「%(c)s」中%(u)s的自评材料被退回,请修改后重新提交。退回原因:%(r)s") % {**names, "r": reason},
        reverse("assessments:unit_overview", args=[campaign.pk, unit.pk]),
        key=f"returned:{unit.pk}:{submission.version}",
    )


def submission_lock(*, unit: CampaignUnit, actor: Any) -> Submission:
    with transaction.atomic():
        _require_writable(unit)
        submission = _submission_locked(unit)
        if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.RESUBMITTED):
            raise Closed(_("只有已提交的自评才能锁定(当前:%(s)s)") % {"s": submission.get_status_display()})
        return _set_status(submission, SubmissionStatus.LOCKED, actor=actor)


def _set_status(submission: Submission, status: str, *, actor: Any, reason: str = "", **extra: Any) -> Submission:
    old = submission.status
    Submission.objects.filter(pk=submission.pk).update(status=status, version=F("version") + 1, **extra)
    audit_record(
        chain=f"campaign:{submission.unit.campaign_id}",
        action="status",
        object_type="submission",
        object_id=submission.unit_id,
        actor=actor,
        field="status",
        old=old,
        new=status,
        reason=reason,
    )
    submission.refresh_from_db()
    return submission


def entries_editable(submission: Submission) -> bool:
    return submission.status in EDITABLE_STATUSES


# ---- department scores and review ----------------------------------------------------------------


def department_score_save(
    *,
    unit: CampaignUnit,
    item: Indicator,
    department: Department,
    actor: Any,
    version: int,
    score: object,
    note: str = "",
) -> DepartmentScore:
    scheme_name, share = selectors.department_share_for(unit.campaign, item, department)
    with transaction.atomic():
        _require_scorable(unit)
        _refuse_score_for_triggered_item(item, "score")
        try:
            value = parse_score(score, maximum=share, label=_("处室评分"))
        except AssessmentError as exc:
            raise AssessmentError(exc.message, {"score": exc.message}) from None
        values = {"score": value, "note": note.strip()[:2000]}
        row, old = _versioned_write(
            DepartmentScore,
            lookup={"unit": unit, "item_id": item.id, "department": department},
            version=version,
            values={**values, "scheme_department": scheme_name, "updated_by": actor, "updated_at": timezone.now()},
        )
        _audit_changes(
            unit=unit,
            object_type="department_score",
            item_id=item.id,
            actor=actor,
            old=old,
            new=row,
            fields=values,
            label=department.name,
        )
    return row


def _require_scorable(unit: CampaignUnit) -> None:
    _require_writable(unit)
    reason = selectors.scoring_closed_reason(unit.campaign)
    if reason:
        raise Closed(reason)
    _submission_locked(unit)  # serialise with a concurrent submit/return of the unit
    if selectors.awaiting_submission(unit):
        raise Closed(_("该单位尚未提交自评,提交后才能评分"))


def basis_before_review(unit: CampaignUnit, item: Indicator) -> Decimal | None:
    """What counts for the item without a 核定分, as the engine counts it: the departments' score
    when all shares are in, else the self score, or for a computed item the rule's result from the
    unit's figures (a penalty item's as its deduction). A reviewer confirms it or adjusts it."""
    return counting.counted_now(unit, item, with_review=False).score


def _refuse_score_for_triggered_item(item: Indicator, field: str) -> None:
    """Veto, downgrade and not-excellent items are decided by whether they were triggered: a
    score entered for one would be stored and never count, so it is refused when entered."""
    if takes_no_score(item.rule):
        message = _("该指标按是否触发认定(一票否决、降等或不得评优),不录入分数;如情况有误,请退回单位更正“是否触发”")
        raise AssessmentError(message, {field: message})


def review_save(
    *, unit: CampaignUnit, item: Indicator, actor: Any, version: int, score: object, reason: str = ""
) -> ReviewScore:
    """Confirm (same as the department/self score) or adjust (needs a reason) one item's score."""
    reason = reason.strip()
    with transaction.atomic():
        _require_scorable(unit)
        _refuse_score_for_triggered_item(item, "score")
        try:
            value = parse_score(score, maximum=item.points, label=_("核定分"))
        except AssessmentError as exc:
            raise AssessmentError(exc.message, {"score": exc.message}) from None
        basis = basis_before_review(unit, item)
        if value is not None and value != basis and not reason:
            message = _("核定分与%(what)s(%(basis)s)不同,必须填写调整理由") % {
                "what": _("按规则计算的得分/处室评分") if is_computed(item.rule) else _("处室评分/自评分"),
                "basis": _("缺失") if basis is None else _fmt(basis),
            }
            raise AssessmentError(message, {"reason": message})
        values = {"confirmed_score": value, "reason": reason[:2000]}
        row, old = _versioned_write(
            ReviewScore,
            lookup={"unit": unit, "item_id": item.id},
            version=version,
            values={**values, "updated_by": actor, "updated_at": timezone.now()},
        )
        _audit_changes(
            unit=unit,
            object_type="review_score",
            item_id=item.id,
            actor=actor,
            old=old,
            new=row,
            fields=["confirmed_score"],
            reason=reason,
        )
    return row


def spot_check_record(
    *, unit: CampaignUnit, actor: Any, checked_on: date, inspectors: str, findings: str, item_ids: Sequence[str]
) -> SpotCheck:
    with transaction.atomic():
        _require_writable(unit)
        if not findings.strip() or not inspectors.strip():
            raise AssessmentError(_("请填写抽查人员和抽查发现"))
        check = SpotCheck.objects.create(
            unit=unit,
            checked_on=checked_on,
            inspectors=inspectors.strip()[:300],
            findings=findings.strip(),
            item_ids=list(item_ids),
            recorded_by=actor,
        )
        audit_record(
            chain=f"campaign:{unit.campaign_id}",
            action="create",
            object_type="spot_check",
            object_id=check.pk,
            actor=actor,
            new={"unit": unit.pk, "on": str(checked_on), "inspectors": check.inspectors, "items": list(item_ids)},
            reason=check.findings,
        )
    return check


def recusal_add(*, unit: CampaignUnit, user: Any, actor: Any, reason: str) -> Recusal:
    with transaction.atomic():
        _require_writable(unit)
        if not reason.strip():
            raise AssessmentError(_("请填写回避原因"))
        recusal = Recusal.objects.create(
            campaign_id=unit.campaign_id, unit=unit, user=user, reason=reason.strip()[:300], created_by=actor
        )
        audit_record(
            chain=f"campaign:{unit.campaign_id}",
            action="recuse",
            object_type="recusal",
            object_id=recusal.pk,
            actor=actor,
            new={"unit": unit.pk, "user": getattr(user, "pk", None)},
            reason=recusal.reason,
        )
    return recusal


def recusal_revoke(*, recusal: Recusal, actor: Any, reason: str) -> None:
    with transaction.atomic():
        require_writable(recusal.campaign_id, error=Closed)
        Recusal.objects.filter(pk=recusal.pk).update(active=False)
        audit_record(
            chain=f"campaign:{recusal.campaign_id}",
            action="revoke",
            object_type="recusal",
            object_id=recusal.pk,
            actor=actor,
            old=True,
            new=False,
            reason=reason,
        )


# ---- evidence ---------------------------------------------------------------------------------


def evidence_upload(
    *, unit: CampaignUnit, actor: Any, upload: object, original_name: str, item_ids: Sequence[str] = ()
) -> EvidenceFile:
    """Check and store a file for the unit and attach it to ``item_ids``. Raises UploadRejected."""
    with transaction.atomic():
        _require_editable(unit)
    stored_name, facts = uploads.store_upload(upload, original_name)
    try:
        with transaction.atomic():
            evidence = EvidenceFile.objects.create(
                unit=unit,
                stored_name=stored_name,
                original_name=facts.original_name,
                content_type=facts.content_type,
                kind=facts.kind,
                size=facts.size,
                sha256=facts.sha256,
                uploaded_by=actor,
            )
            audit_record(
                chain=f"campaign:{unit.campaign_id}",
                action="upload",
                object_type="evidence_file",
                object_id=evidence.pk,
                actor=actor,
                new={"name": facts.original_name, "sha256": facts.sha256, "size": facts.size, "kind": facts.kind},
            )
            _require_editable(unit)
            for item_id in item_ids:
                _link(unit, item_id, evidence, actor, attach=True)
    except BaseException:
        uploads.stored_path(stored_name).unlink(missing_ok=True)
        raise
    return evidence


def evidence_link(*, unit: CampaignUnit, item_id: str, evidence: EvidenceFile, actor: Any, attach: bool) -> None:
    with transaction.atomic():
        _require_editable(unit)
        if evidence.unit_id != unit.pk or evidence.withdrawn:
            raise AssessmentError(_("该文件不属于本单位或已撤回"))
        _link(unit, item_id, evidence, actor, attach=attach)


def _link(unit: CampaignUnit, item_id: str, evidence: EvidenceFile, actor: Any, *, attach: bool) -> None:
    entry, _created = SelfAssessment.objects.get_or_create(unit=unit, item_id=item_id)
    present = entry.evidence.filter(pk=evidence.pk).exists()
    if attach == present:
        return
    if attach:
        entry.evidence.add(evidence)
    else:
        entry.evidence.remove(evidence)
    audit_record(
        chain=f"campaign:{unit.campaign_id}",
        action="attach" if attach else "detach",
        object_type="evidence_link",
        object_id=selectors.item_key(unit, item_id),
        actor=actor,
        field="evidence",
        old=None if attach else {"file": evidence.pk, "name": evidence.original_name},
        new={"file": evidence.pk, "name": evidence.original_name} if attach else None,
    )


def _require_editable(unit: CampaignUnit) -> None:
    _require_writable(unit)
    submission = _submission_locked(unit)
    reason = selectors.self_assessment_closed_reason(unit.campaign, submission)
    if reason:
        raise Closed(reason)
