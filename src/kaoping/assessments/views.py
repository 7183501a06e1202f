"""Pages of the assessment workflow. Thin: access via selectors, writes via services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaoping.assessments import cells, counting, forms, preview, selectors, services, uploads
from kaoping.assessments.models import (
    SUBMITTED_STATUSES,
    DepartmentScore,
    ReviewScore,
    SelfAssessment,
    Submission,
)
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.engine.model import Indicator
from kaoping.engine.numbers import fmt
from kaoping.engine.rules import is_computed, takes_no_score
from kaoping.orgs.selectors import campaign_people


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def dom_id(prefix: str, *parts: object) -> str:
    """An HTML id for item ids like "1.1" or "一" (hex keeps CSS selectors simple)."""
    return prefix + "-" + "-".join(str(p).encode().hex() for p in parts)


# ---- self-assessment ----------------------------------------------------------------------------


@dataclass
class ItemRow:
    ref: selectors.ItemRef
    entry: SelfAssessment | None
    dom: str
    figures: list[tuple[str, str, str]] = field(default_factory=list)  # (name, label, value)
    levels: list[str] = field(default_factory=list)
    modifier: bool = False
    source: str = ""  # the platform record the item's figures come from (the unit types none)
    error: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    back_suffix: str = ""  # query and anchor an evidence form returns to: the page stays at this item
    attachable: list[Any] = field(default_factory=list)  # the unit's files not yet linked to this item

    @property
    def item(self) -> Indicator:
        return self.ref.item

    @property
    def version(self) -> int:
        return self.entry.version if self.entry else 0

    @property
    def score_text(self) -> str:
        typed: str | None = getattr(self.entry, "typed_score", None)
        if typed is not None:
            return typed
        if self.entry is None or self.entry.self_score is None:
            return ""
        return fmt(self.entry.self_score)

    @property
    def attached_ids(self) -> set[int]:
        if self.entry is None or self.entry.pk is None:
            return set()
        return {f.pk for f in self.entry.evidence.all()}


def _item_row(unit: CampaignUnit, ref: selectors.ItemRef, entry: SelfAssessment | None) -> ItemRow:
    values = entry.figures if entry else {}
    return ItemRow(
        ref=ref,
        entry=entry,
        dom=dom_id("item", unit.pk, ref.id),
        figures=[(name, label, values.get(name, "")) for name, label in services.figure_names(ref.item)],
        levels=services.level_choices(ref.item),
        modifier=services.is_modifier(ref.item),
        source=services.figure_source_title(ref.item),
        back_suffix="?" + urlencode({"item": ref.id}) + "#" + quote(f"item-{unit.pk}-{ref.id}"),
    )


def _sections(unit: CampaignUnit) -> list[selectors.ItemRef]:
    """One ItemRef per first-level indicator (the first leaf stands for its section)."""
    scheme = selectors.scheme_for(unit.campaign)
    firsts: dict[tuple[str, str], selectors.ItemRef] = {}
    for ref in selectors.leaf_items(scheme, unit.category):
        firsts.setdefault((ref.component.id, ref.top.id), ref)
    return list(firsts.values())


def _read_only_reason(access: CampaignAccess, unit: CampaignUnit, submission: Submission) -> str | None:
    """Why this viewer cannot change the unit's self-assessment now, or None.

    A leader at the unit reads what its reporters see and changes nothing."""
    if not access.can_report_for(unit.organization):
        return _("本单位领导可以查看自评与佐证材料,填写和提交由本单位填报员完成。")
    return selectors.self_assessment_closed_reason(unit.campaign, submission)


@login_required
@require_GET
def unit_overview(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.own_unit(request.user, access, unit_id)
    scheme = selectors.scheme_for(campaign)
    submission = selectors.submission_of(unit)
    missing = services.missing_for_submission(unit, scheme)
    missing_ids = {m[0] for m in missing}
    refs = selectors.leaf_items(scheme, unit.category)
    totals = preview.self_preview(unit, scheme)
    sections: list[dict[str, Any]] = []
    item_sections: dict[str, int] = {}
    for index, first in enumerate(_sections(unit)):
        leaves = [r for r in refs if r.top.id == first.top.id and r.component.id == first.component.id]
        done = sum(1 for r in leaves if r.id not in missing_ids)
        item_sections.update((r.id, index) for r in leaves)
        sections.append(
            {
                "index": index,
                "top": first.top,
                "component": first.component,
                "done": done,
                "total": len(leaves),
                "self_total": totals.section(first.component.id, first.top.id) if totals else None,
            }
        )
    return render(
        request,
        "assessments/unit_overview.html",
        {
            "campaign": campaign,
            "unit": unit,
            "submission": submission,
            "sections": sections,
            "missing": [(mid, name, what, item_sections.get(mid)) for mid, name, what in missing],
            "preview": totals,
            "closed_reason": _read_only_reason(access, unit, submission),
            "submitted": submission.status in SUBMITTED_STATUSES,
        },
    )


def _section_context(request: HttpRequest, access: CampaignAccess, unit: CampaignUnit, index: int) -> dict[str, Any]:
    scheme = selectors.scheme_for(unit.campaign)
    sections = _sections(unit)
    if not 0 <= index < len(sections):
        raise Http404
    first = sections[index]
    refs = [
        r
        for r in selectors.leaf_items(scheme, unit.category)
        if r.top.id == first.top.id and r.component.id == first.component.id
    ]
    entries = selectors.entries_by_item(unit)
    submission = selectors.submission_of(unit)
    totals = preview.self_preview(unit, scheme, entries)
    files = list(selectors.unit_files(unit))
    rows = [_item_row(unit, r, entries.get(r.id)) for r in refs]
    for row in rows:
        row.attachable = [f for f in files if f.pk not in row.attached_ids]
    return {
        "campaign": unit.campaign,
        "unit": unit,
        "top": first.top,
        "component": first.component,
        "index": index,
        "previous": index - 1 if index > 0 else None,
        "next": index + 1 if index + 1 < len(sections) else None,
        "rows": rows,
        "files": files,
        "submission": submission,
        "closed_reason": _read_only_reason(access, unit, submission),
        "preview": totals,
        "section_total": totals.section(first.component.id, first.top.id) if totals else None,
        "focus_item": request.GET.get("item", ""),
    }


@login_required
@require_GET
def unit_section(request: HttpRequest, campaign_id: int, unit_id: int, index: int) -> HttpResponse:
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.own_unit(request.user, access, unit_id)
    return render(request, "assessments/unit_section.html", _section_context(request, access, unit, index))


@login_required
@require_POST
def entry_save(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str) -> HttpResponse:
    cell = cells.entry_cell(request.user, campaign_id, unit_id, item_id)
    access, unit, ref = cell.access, cell.unit, cell.ref
    data = forms.entry_input(request.POST, ref.item)
    context: dict[str, Any] = {"dom": dom_id("item", unit.pk, ref.id), "unit": unit, "campaign": cell.campaign}
    status = _save_cell(
        context,
        lambda: services.entry_save(
            unit=unit, item=ref.item, actor=request.user, version=forms.posted_version(request.POST), data=data
        ),
        on_saved=lambda _row: _self_totals(unit, ref),
        resent=lambda current: _resent_after_save(current, request.user, ref.item, data),
    )
    if _is_htmx(request):
        return render(request, "assessments/_entry_saved.html", context, status=status)
    return _entry_save_fallback(request, access, unit, ref, data, context, status)


def _save_cell(
    context: dict[str, Any],
    save: Callable[[], Any],
    *,
    conflict_value: str | None = None,
    on_saved: Callable[[Any], dict[str, Any]] | None = None,
    resent: Callable[[Any], bool] | None = None,
) -> int:
    """One cell's save, for the three save views (entry, department score, 核定分): runs ``save`` and
    puts its outcome into ``context`` (``saved``/``at``, or ``error`` with the stored ``current`` row on
    a conflict and the field ``errors`` on a refusal). Returns the status: 200, 409 or 422.

    ``resent`` tells a resend of a save that already landed from a conflict; ``conflict_value`` names
    the stored row's field the conflict message shows; ``on_saved`` adds to the context after a save."""
    try:
        row = save()
    except services.Conflict as exc:
        if resent is None or not resent(exc.current):
            context.update(error=exc.message, current=exc.current)
            if conflict_value is not None:
                context["current_value"] = getattr(exc.current, conflict_value, None)
            return 409
        row = exc.current
    except services.AssessmentError as exc:
        context.update(error=exc.message, errors=exc.errors)
        return 409 if isinstance(exc, services.Closed) else 422
    context.update(saved=row, at=timezone.localtime(row.updated_at))
    if on_saved is not None:
        context.update(on_saved(row))
    return 200


def _self_totals(unit: CampaignUnit, ref: selectors.ItemRef) -> dict[str, Any]:
    """The self-score preview sent back with a save (out of band into the page's #self-total)."""
    totals = preview.self_preview(unit, selectors.scheme_for(unit.campaign))
    if totals is None:
        return {}
    return {"preview": totals, "section_total": totals.section(ref.component.id, ref.top.id), "oob": True}


def _resent_after_save(
    current: Any, user: Any, item: Indicator, data: services.EntryInput
) -> TypeGuard[SelfAssessment]:
    """A resend of this user's save that already landed (the answer was lost to a timeout or a dropped
    network, so the page still holds the old version): the stored row holds exactly what was posted,
    so it is saved once, not a conflict. Anyone else's write stays a conflict."""
    if not isinstance(current, SelfAssessment) or current.updated_by_id != getattr(user, "pk", None):
        return False
    try:
        values = services._entry_values(item, data)
    except services.AssessmentError:
        return False
    return all(getattr(current, name) == value for name, value in values.items())


def _entry_save_fallback(
    request: HttpRequest,
    access: CampaignAccess,
    unit: CampaignUnit,
    ref: selectors.ItemRef,
    data: services.EntryInput,
    context: dict[str, Any],
    status: int,
) -> HttpResponse:
    """Without htmx: redirect back on success, or re-render the section keeping what was typed."""
    index = next(i for i, s in enumerate(_sections(unit)) if s.top.id == ref.top.id)
    anchor = quote(f"item-{unit.pk}-{ref.id}")  # the item's <article>: the page comes back where it was
    url = reverse("assessments:unit_section", args=[unit.campaign_id, unit.pk, index]) + f"#{anchor}"
    if status == 200:
        messages.success(request, _("第 %(id)s 项已保存") % {"id": ref.id})
        return HttpResponseRedirect(url)
    page = _section_context(request, access, unit, index)
    for row in page["rows"]:
        if row.ref.id == ref.id:
            _overlay_typed(row, data)
            row.error = context.get("error", "")
            row.errors = context.get("errors", {})
    return render(request, "assessments/unit_section.html", page, status=status)


def _overlay_typed(row: ItemRow, data: services.EntryInput) -> None:
    typed = SelfAssessment(
        item_id=row.ref.id,
        self_score=None,
        note=data.note,
        not_applicable=data.not_applicable,
        level=data.level,
        triggered=data.triggered,
        version=row.version,
    )
    typed.typed_score = data.self_score  # type: ignore[attr-defined]
    row.entry = typed
    row.figures = [(name, label, str(data.figures.get(name, ""))) for name, label, _v in row.figures]


@login_required
@require_POST
def submission_submit(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    try:
        services.submission_submit(unit=unit, actor=request.user, scheme=selectors.scheme_for(campaign))
        messages.success(request, _("自评已提交"))
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assessments:unit_overview", args=[campaign.pk, unit.pk]))


# ---- evidence ---------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    scheme = selectors.scheme_for(campaign)
    item_ids = [i for i in request.POST.getlist("item_id") if i]
    for item_id in item_ids:
        selectors.item_ref(scheme, unit.category, item_id)
    upload = request.FILES.get("file")
    back = request.POST.get("back", "")
    if is_archived(campaign):
        messages.error(request, archived_message())  # before "no file chosen": the archive is the reason
    elif upload is None:
        messages.error(request, _("请选择要上传的文件"))
    else:
        try:
            evidence = services.evidence_upload(
                unit=unit, actor=request.user, upload=upload, original_name=upload.name or "", item_ids=item_ids
            )
            messages.success(request, _("已上传:%(name)s") % {"name": evidence.original_name})
        except (uploads.UploadRejected, services.AssessmentError) as exc:
            messages.error(request, str(exc))
    return HttpResponseRedirect(_safe_back(back, campaign.pk, unit.pk))


def _safe_back(back: str, campaign_id: int, unit_id: int) -> str:
    prefix = reverse("assessments:unit_overview", args=[campaign_id, unit_id])
    return back if back.startswith(prefix) else prefix


@login_required
@require_POST
def evidence_link(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    selectors.item_ref(selectors.scheme_for(campaign), unit.category, item_id)
    evidence = selectors.unit_files(unit).filter(pk=_int(request.POST.get("file_id"))).first()
    if evidence is None:
        raise Http404
    try:
        services.evidence_link(
            unit=unit, item_id=item_id, evidence=evidence, actor=request.user, attach=request.POST.get("attach") == "1"
        )
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_safe_back(request.POST.get("back", ""), campaign.pk, unit.pk))


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@login_required
@require_GET
def evidence_download(request: HttpRequest, campaign_id: int, file_id: int) -> FileResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    evidence = selectors.evidence_file_for(request.user, access, file_id, selectors.scheme_for(campaign))
    return uploads.stored_file_response(evidence.stored_name, evidence.content_type, evidence.original_name)


# ---- history ----------------------------------------------------------------------------------


@login_required
@require_GET
def item_history(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.visible_unit(request.user, access, unit_id)
    ref = selectors.item_ref(selectors.scheme_for(campaign), unit.category, item_id)
    if access.department_ids and not (
        access.can_review_unit(unit.organization) or access.can_read_as_unit(unit.organization) or access.leader
    ):
        names = selectors.department_scheme_names(access)
        if not any(s.department in names for s in ref.item.departments):
            raise Http404
        if selectors.awaiting_submission(unit):
            raise Http404  # departments do not see drafts (the history holds the unit's draft entries)
    # the unit itself sees department and review scores only once results are published
    scores_too = campaign.results_published or access.can_review_unit(unit.organization) or access.leader
    scores_too = scores_too or bool(access.department_ids)
    events = selectors.item_history(unit, ref.id, scores_too=scores_too)
    template = "assessments/_history.html" if _is_htmx(request) else "assessments/history.html"
    return render(request, template, {"campaign": campaign, "unit": unit, "item": ref.item, "events": events})


# ---- department scoring -------------------------------------------------------------------------


@dataclass
class Cell:
    unit: CampaignUnit
    row: DepartmentScore | None
    self_score: Any
    dom: str
    submitted: bool
    scorable: bool
    entry: SelfAssessment | None = None  # what the unit entered for the item (shown beside the cell)
    figures: list[tuple[str, str]] = field(default_factory=list)  # (label, value) of the item's figures
    by_rule: counting.Counted | None = None  # a computed item: what the rule gives from the unit's figures
    confirmed: Any = None  # a reviewer's 核定分: it counts instead of the department's score


@login_required
@require_GET
def department_grid(request: HttpRequest, campaign_id: int, department_id: int, item_id: str) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    department = selectors.department_for(access, department_id)
    scheme = selectors.scheme_for(campaign)
    ref = next((r for r in selectors.department_items(campaign, department) if r.id == item_id), None)
    if ref is None:
        raise Http404
    categories = selectors.units_taking_item(scheme, item_id)
    units = (
        selectors.visible_units(request.user, access)
        .filter(category__in=categories)
        .order_by("category", "organization__name")
    )
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    page_units = list(page.object_list)
    submitted = selectors.submitted_unit_ids(u.pk for u in page_units)
    awaiting = selectors.awaiting_unit_ids(page_units)
    grid = cells.grid_rows(page_units, item_id, department, set(submitted))
    scores = grid.scores
    unit_entries = grid.entries  # the unit's own entry, shown beside the cell (figures, note, evidence)
    selfs = {unit_id: row.self_score for unit_id, row in unit_entries.items()}
    grid_cells = [
        Cell(
            u, scores.get(u.pk), selfs.get(u.pk), dom_id("cell", u.pk, item_id), u.pk in submitted, u.pk not in awaiting
        )
        for u in page_units
    ]
    if is_computed(ref.item.rule):
        for cell in grid_cells:
            if cell.submitted:
                cell.by_rule = counting.counted(
                    scheme, ref.item, entry=unit_entries.get(cell.unit.pk), department_scores={}
                )
    _attach_unit_entries(grid_cells, ref.item, unit_entries)
    for cell in grid_cells:
        cell.confirmed = grid.confirmed.get(cell.unit.pk)
    return render(
        request,
        "assessments/department_grid.html",
        {
            "campaign": campaign,
            "department": department,
            "item": ref.item,
            "share": selectors.department_share_for(campaign, ref.item, department)[1],
            "computed": is_computed(ref.item.rule),
            "no_score": takes_no_score(ref.item.rule),
            "cells": grid_cells,
            "page": page,
            "closed_reason": selectors.scoring_closed_reason(campaign),
        },
    )


def _attach_unit_entries(grid_cells: list[Cell], item: Indicator, entries: dict[int, SelfAssessment]) -> None:
    """What each submitted unit entered for ``item`` (figures, level, not-applicable claim, note and
    evidence), so the department scores it with the unit's own account beside the cell."""
    names = services.figure_names(item)
    for cell in grid_cells:
        entry = entries.get(cell.unit.pk)
        if entry is None:
            continue
        cell.entry = entry
        cell.figures = [(label, str(entry.figures[name])) for name, label in names if name in (entry.figures or {})]


@login_required
@require_POST
def department_cell_save(
    request: HttpRequest, campaign_id: int, department_id: int, item_id: str, unit_id: int
) -> HttpResponse:
    cell = cells.department_cell(request.user, campaign_id, department_id, unit_id, item_id)
    campaign, department, unit, ref = cell.campaign, cell.department, cell.unit, cell.ref
    context: dict[str, Any] = {"dom": dom_id("cell", unit.pk, item_id), "unit": unit, "campaign": campaign}
    status = _save_cell(
        context,
        lambda: services.department_score_save(
            unit=unit,
            item=ref.item,
            department=department,
            actor=request.user,
            version=forms.posted_version(request.POST),
            score=request.POST.get("score", ""),
            note=request.POST.get("note", ""),
        ),
        conflict_value="score",
    )
    if _is_htmx(request):
        return render(request, "assessments/_save_status.html", context, status=status)
    if status != 200:
        messages.error(request, context["error"])
    return HttpResponseRedirect(
        reverse("assessments:department_grid", args=[campaign.pk, department.pk, item_id])
        + f"?page={_int(request.POST.get('page')) or 1}"
    )


# ---- review -----------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    ref: selectors.ItemRef
    entry: SelfAssessment | None
    department_scores: list[DepartmentScore]
    review: ReviewScore | None
    dom: str
    basis: Any = None  # what counts without a 核定分: a different 核定分 needs a reason
    counts: counting.Counted | None = None  # what the standings count now


@login_required
@require_GET
def review_unit(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reviewable_unit(request.user, access, unit_id)
    scheme = selectors.scheme_for(campaign)
    submission = selectors.submission_of(unit)
    visible = submission.status in SUBMITTED_STATUSES or access.organizer
    entries = selectors.entries_by_item(unit) if visible else {}
    dept = selectors.department_scores_by_item(unit)
    reviews = selectors.review_scores_by_item(unit)
    rows = []
    for ref in selectors.leaf_items(scheme, unit.category):
        scores = dept.get(ref.id, [])
        entry, review = entries.get(ref.id), reviews.get(ref.id)
        by_department = {s.scheme_department: s.score for s in scores}
        basis = counting.counted(scheme, ref.item, entry=entry, department_scores=by_department)
        counts = basis
        if review is not None and review.confirmed_score is not None:
            counts = counting.counted(
                scheme,
                ref.item,
                entry=entry,
                department_scores=by_department,
                confirmed=review.confirmed_score,
                review_note=review.reason,
            )
        dom = dom_id("review", unit.pk, ref.id)
        rows.append(ReviewRow(ref, entry, scores, review, dom, basis.score, counts))
    return render(
        request,
        "assessments/review_unit.html",
        {
            "campaign": campaign,
            "access": access,
            "unit": unit,
            "submission": submission,
            "rows": rows,
            "spot_checks": cells.spot_checks(unit),
            "recusals": cells.active_recusals(unit),
            "closed_reason": selectors.scoring_closed_reason(campaign),
            "archived": is_archived(campaign),
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def review_save(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str) -> HttpResponse:
    cell = cells.review_cell(request.user, campaign_id, unit_id, item_id)
    campaign, unit, ref = cell.campaign, cell.unit, cell.ref
    context: dict[str, Any] = {"dom": dom_id("review", unit.pk, item_id), "unit": unit, "campaign": campaign}
    status = _save_cell(
        context,
        lambda: services.review_save(
            unit=unit,
            item=ref.item,
            actor=request.user,
            version=forms.posted_version(request.POST),
            score=request.POST.get("score", ""),
            reason=request.POST.get("reason", ""),
        ),
        conflict_value="confirmed_score",
        on_saved=lambda _row: {"counts": counting.counted_now(unit, ref.item)},
    )
    if _is_htmx(request):
        return render(request, "assessments/_save_status.html", context, status=status)
    if status != 200:
        messages.error(request, context["error"])
    else:
        messages.success(request, _("第 %(id)s 项核定分已保存") % {"id": item_id})
    return HttpResponseRedirect(reverse("assessments:review_unit", args=[campaign.pk, unit.pk]))


@login_required
@require_POST
def review_action(request: HttpRequest, campaign_id: int, unit_id: int, action: str) -> HttpResponse:
    """Return / lock a submission, record a spot check, add or revoke a recusal."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reviewable_unit(request.user, access, unit_id)
    post = request.POST
    if action not in ("return", "lock", "spot_check") and not (action in ("recuse", "revoke") and access.organizer):
        raise Http404
    if is_archived(campaign):
        # before the form is read (a blank reason or unknown user name is not the reason); services refuse too
        messages.error(request, archived_message())
        return HttpResponseRedirect(reverse("assessments:review_unit", args=[campaign.pk, unit.pk]))
    try:
        if action == "return":
            services.submission_return(unit=unit, actor=request.user, reason=post.get("reason", ""))
            messages.success(request, _("已退回,单位可以修改后重新提交"))
        elif action == "lock":
            services.submission_lock(unit=unit, actor=request.user)
            messages.success(request, _("自评已锁定"))
        elif action == "spot_check":
            services.spot_check_record(
                unit=unit,
                actor=request.user,
                checked_on=forms.posted_date(post.get("checked_on", "")),
                inspectors=post.get("inspectors", ""),
                findings=post.get("findings", ""),
                item_ids=[i.strip() for i in post.get("item_ids", "").replace(",", ",").split(",") if i.strip()],
            )
            messages.success(request, _("抽查记录已保存"))
        elif action in ("recuse", "revoke") and access.organizer:
            _recusal_action(request, unit, action)
        else:
            raise Http404
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("assessments:review_unit", args=[campaign.pk, unit.pk]))


def _recusal_action(request: HttpRequest, unit: CampaignUnit, action: str) -> None:
    if action == "recuse":
        username = request.POST.get("username", "").strip()
        # Only people of the campaign's bureau (and its reviewers above): a foreign user is neither
        # recorded nor confirmed to exist, and the answer for it is the same as for a name nobody has.
        user = campaign_people(unit.campaign.owner).filter(username=username).first()
        if user is None:
            raise services.AssessmentError(_("本局及下属单位中没有用户名为“%(name)s”的用户") % {"name": username})
        services.recusal_add(unit=unit, user=user, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("已登记回避:%(user)s") % {"user": user})
    else:
        recusal = cells.active_recusal(unit, _int(request.POST.get("recusal_id")))
        services.recusal_revoke(recusal=recusal, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("已撤销回避"))
