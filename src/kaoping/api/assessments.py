"""Assessment API: the same access rules and services as the pages (foreign objects → 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from kaoping.api.errors import errors_for
from kaoping.assessments import cells, selectors, services
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.campaigns.access import campaign_for
from kaoping.engine.numbers import fmt

router = Router(auth=django_auth, tags=["assessments"])


def _num(value: Any) -> str | None:
    return None if value is None else fmt(value)


class EntryOut(Schema):
    item_id: str
    self_score: str | None
    note: str
    figures: dict[str, str]
    not_applicable: bool
    version: int
    evidence: list[int]


class EntryIn(Schema):
    version: int
    self_score: str = ""
    note: str = ""
    figures: dict[str, str] = {}
    not_applicable: bool = False
    level: str = ""
    triggered: bool | None = None


class ScoreIn(Schema):
    version: int
    score: str = ""
    note: str = ""
    reason: str = ""


class ScoreOut(Schema):
    item_id: str
    score: str | None
    version: int


def _entry_out(row: SelfAssessment) -> dict[str, Any]:
    return {
        "item_id": row.item_id,
        "self_score": _num(row.self_score),
        "note": row.note,
        "figures": dict(row.figures or {}),
        "not_applicable": row.not_applicable,
        "version": row.version,
        "evidence": [f.pk for f in row.evidence.all() if not f.withdrawn],
    }


def _problem(exc: services.AssessmentError) -> tuple[int, dict[str, Any]]:
    if isinstance(exc, services.Conflict):
        current = exc.current
        value = None
        if current is not None:
            value = getattr(current, "self_score", getattr(current, "score", getattr(current, "confirmed_score", None)))
        snapshot = None if current is None else {"value": _num(value), "version": getattr(current, "version", None)}
        return 409, {"message": exc.message, "current": snapshot}
    status = 409 if isinstance(exc, services.Closed) else 422
    return status, {"message": exc.message, "errors": exc.errors}


@router.get("/{campaign_id}/units/{unit_id}/entries", response={200: list[EntryOut], **errors_for()})
def list_entries(request: HttpRequest, campaign_id: int, unit_id: int) -> list[dict[str, Any]]:
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.visible_unit(request.user, access, unit_id)
    # the unit itself (its reporters and leaders) and its reviewers; departments use their own grid
    if not (access.can_read_as_unit(unit.organization) or access.can_review_unit(unit.organization)):
        raise _not_found()
    return [_entry_out(row) for row in selectors.entries_by_item(unit).values()]


@router.put("/{campaign_id}/units/{unit_id}/entries/{item_id}", response={200: EntryOut, **errors_for(write=True)})
def put_entry(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str, body: EntryIn) -> Any:
    cell = cells.entry_cell(request.user, campaign_id, unit_id, item_id)
    unit, ref = cell.unit, cell.ref
    data = services.EntryInput(
        self_score=body.self_score,
        note=body.note,
        figures=body.figures,
        not_applicable=body.not_applicable,
        level=body.level,
        triggered=body.triggered,
    )
    try:
        row = services.entry_save(unit=unit, item=ref.item, actor=request.user, version=body.version, data=data)
    except services.AssessmentError as exc:
        return _problem(exc)
    return 200, _entry_out(row)


@router.put(
    "/{campaign_id}/departments/{department_id}/items/{item_id}/units/{unit_id}",
    response={200: ScoreOut, **errors_for(write=True)},
)
def put_department_score(
    request: HttpRequest, campaign_id: int, department_id: int, item_id: str, unit_id: int, body: ScoreIn
) -> Any:
    cell = cells.department_cell(request.user, campaign_id, department_id, unit_id, item_id)
    try:
        row: DepartmentScore = services.department_score_save(
            unit=cell.unit,
            item=cell.ref.item,
            department=cell.department,
            actor=request.user,
            version=body.version,
            score=body.score,
            note=body.note,
        )
    except services.AssessmentError as exc:
        return _problem(exc)
    return 200, {"item_id": row.item_id, "score": _num(row.score), "version": row.version}


@router.put(
    "/{campaign_id}/reviews/units/{unit_id}/items/{item_id}", response={200: ScoreOut, **errors_for(write=True)}
)
def put_review(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str, body: ScoreIn) -> Any:
    cell = cells.review_cell(request.user, campaign_id, unit_id, item_id)
    try:
        row: ReviewScore = services.review_save(
            unit=cell.unit,
            item=cell.ref.item,
            actor=request.user,
            version=body.version,
            score=body.score,
            reason=body.reason,
        )
    except services.AssessmentError as exc:
        return _problem(exc)
    return 200, {"item_id": row.item_id, "score": _num(row.confirmed_score), "version": row.version}


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    kind: str


@router.get("/{campaign_id}/evidence/{file_id}", response={200: EvidenceOut, **errors_for()})
def evidence_meta(request: HttpRequest, campaign_id: int, file_id: int) -> dict[str, Any]:
    campaign, access = campaign_for(request.user, campaign_id)
    evidence = selectors.evidence_file_for(request.user, access, file_id, selectors.scheme_for(campaign))
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "kind": evidence.kind,
    }


def _not_found() -> Exception:
    from django.http import Http404

    return Http404()
