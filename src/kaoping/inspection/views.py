"""督查检查 pages: the campaign's groups, draw and progress board (organizer), the group's units
(members), and the on-site record of one unit, phone first."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.campaigns.access import campaign_for, organizer_access_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.campaigns.selectors import current_scheme
from kaoping.evidence import uploads
from kaoping.inspection import selectors, services
from kaoping.inspection.models import Assignment, Group, Verdict
from kaoping.orgs.access import as_int
from kaoping.orgs.models import UnitCategory


def _errors(request: HttpRequest, error: Exception) -> None:
    for message in getattr(error, "messages", [str(error)]):
        messages.error(request, message)


def _int(raw: object) -> int | None:
    """A number typed into a form, or None (a URL id goes through ``as_int``, 404 when bad)."""
    try:
        return int(str(raw))
    except ValueError:
        return None


def _date(raw: str) -> tuple[datetime.date | None, bool]:
    raw = (raw or "").strip()
    if not raw:
        return None, True
    try:
        return datetime.date.fromisoformat(raw), True
    except ValueError:
        return None, False


def _categories(campaign: Any) -> list[tuple[str, str]]:
    codes = sorted(set(CampaignUnit.objects.filter(campaign=campaign).values_list("category", flat=True)))
    names = dict(UnitCategory.objects.filter(owner=campaign.owner).values_list("code", "name"))
    scheme = current_scheme(campaign)
    if scheme is not None:
        names.update({c.id: c.name for c in scheme.categories})
    return [(code, names.get(code) or _("第 %(n)s 类单位") % {"n": n}) for n, code in enumerate(codes, start=1)]


@login_required
@require_GET
def overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access, groups = selectors.overview_for(request.user, campaign_id)
    writable = not is_archived(campaign)
    organizer = access.organizer
    progress = selectors.board(groups)
    unassigned: list[CampaignUnit] = []
    if selectors.sees_all(access):
        taken = set(Assignment.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        unassigned = [
            u
            for u in CampaignUnit.objects.filter(campaign=campaign).select_related("organization")
            if u.pk not in taken
        ]
        unassigned.sort(key=lambda u: u.organization.name)
    plan = services.plan_of(campaign)
    context = {
        "campaign": campaign,
        "access": access,
        "progress": progress,
        "groups": groups,
        "all_groups": list(Group.objects.filter(campaign=campaign)) if organizer else [],
        "unassigned": unassigned,
        "organizer": organizer and writable,
        "writable": writable,
        "leader_of": {g.pk for g in groups if g.leader_id == request.user.pk},
        "plan": plan,
        "checklist_text": "\n".join(plan.checklist),
        "categories": _categories(campaign),
        "totals": {
            key: sum(getattr(p, key) for p in progress) for key in ("visited", "scheduled", "overdue", "unscheduled")
        },
        "archived_message": archived_message() if not writable else "",
    }
    return render(request, "inspection/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_form(request: HttpRequest, campaign_id: int, number: int | None = None) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    group = None
    if number is not None:
        group = Group.objects.filter(campaign=campaign, number=as_int(number)).first()
        if group is None:
            raise Http404
    candidates = list(services.people(campaign))
    by_pk = {u.pk: u for u in candidates}
    status = 200
    values: dict[str, Any] = {
        "name": group.name
        if group
        else _("第%(n)s督查组") % {"n": Group.objects.filter(campaign=campaign).count() + 1},
        "leader": group.leader_id if group else None,
        "members": {u.pk for u in group.members.all()} if group else set(),
    }
    error_list: list[str] = []
    if request.method == "POST":
        leader = by_pk.get(_int(request.POST.get("leader")) or 0)
        chosen = [by_pk[pk] for pk in (_int(v) for v in request.POST.getlist("members")) if pk in by_pk]
        values = {
            "name": request.POST.get("name", ""),
            "leader": leader.pk if leader else None,
            "members": {u.pk for u in chosen},
        }
        if is_archived(campaign):
            error_list = [archived_message()]
            status = 409
        elif leader is None:
            error_list = [_("请选择组长")]
            status = 400
        else:
            try:
                services.save_group(
                    campaign=campaign,
                    actor=request.user,
                    data=services.GroupInput(name=str(values["name"]), leader=leader, members=chosen),
                    group=group,
                )
            except services.InspectionError as error:
                error_list = error.messages
                status = 409
            else:
                messages.success(request, _("督查组已保存"))
                return redirect("inspection:overview", campaign.pk)
    context = {"campaign": campaign, "group": group, "candidates": candidates, "values": values, "errors": error_list}
    return render(request, "inspection/group_form.html", context, status=status)


@login_required
@require_POST
def draw(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    try:
        result = services.draw(campaign=campaign, actor=request.user, category=request.POST.get("category", ""))
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("抽签完成:%(n)s 个单位已分到各督查组(抽签种子 %(seed)s)")
            % {"n": len(result.assignments), "seed": result.seed},
        )
    return redirect("inspection:overview", campaign.pk)


@login_required
@require_POST
def checklist(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    try:
        services.save_checklist(campaign=campaign, actor=request.user, text=request.POST.get("checklist", ""))
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("检查项目已保存"))
    return redirect("inspection:overview", campaign.pk)


@login_required
@require_POST
def plan(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """The organizer gives the unit to a group and a date; a group's leader sets the date only."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = (
        CampaignUnit.objects.filter(campaign=campaign, pk=as_int(unit_id))
        .select_related("organization", "campaign")
        .first()
    )
    if unit is None:
        raise Http404
    current = Assignment.objects.filter(unit=unit).select_related("group", "campaign").first()
    if not access.organizer and not (current is not None and current.group.leader_id == request.user.pk):
        raise Http404
    planned_on, valid = _date(request.POST.get("planned_on", ""))
    if not valid:
        messages.error(request, _("计划检查日期格式不正确"))
        return redirect("inspection:overview", campaign.pk)
    try:
        if access.organizer and "group" in request.POST:
            number = _int(request.POST.get("group"))
            group = Group.objects.filter(campaign=campaign, number=number).first() if number else None
            if request.POST.get("group") and group is None:
                raise services.InspectionError(_("请选择本次考核的督查组"))
            current = services.assign(unit=unit, actor=request.user, group=group)
        if current is not None:
            services.schedule(assignment=current, actor=request.user, planned_on=planned_on)
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("%(unit)s 的检查安排已保存") % {"unit": unit.organization.name})
    return redirect("inspection:overview", campaign.pk)


def _record_page(request: HttpRequest, assignment: Assignment, access: Any, status: int = 200) -> HttpResponse:
    labels = services.checklist_for(assignment)
    saved = {row.get("label"): row for row in assignment.checks}
    member = services.is_member(request.user, assignment.group)
    writable = not is_archived(assignment.campaign) and not assignment.submitted
    items = [
        {
            "index": i,
            "label": label,
            "verdict": saved.get(label, {}).get("verdict", ""),
            "note": saved.get(label, {}).get("note", ""),
        }
        for i, label in enumerate(labels)
    ]
    may_problem = (member or access.organizer) and not is_archived(assignment.campaign)
    context = {
        "campaign": assignment.campaign,
        "a": assignment,
        "unit": assignment.unit,
        "items": items,
        "verdicts": Verdict.choices,
        "verdict_names": dict(Verdict.choices),
        "photos": list(assignment.photos.all()),
        "findings": list(assignment.findings.select_related("problem")),
        "can_write": member and writable,
        "can_submit": writable and assignment.group.leader_id == request.user.pk,
        "can_reopen": access.organizer and assignment.submitted and not is_archived(assignment.campaign),
        "can_problem": may_problem,
        "status": selectors.status_label(selectors.status(assignment)),
        "sees_board": selectors.sees_all(access) or member,
    }
    return render(request, "inspection/record.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    assignment, access = selectors.assignment_for(request.user, campaign_id, unit_id)
    if request.method == "GET":
        return _record_page(request, assignment, access)
    if not services.is_member(request.user, assignment.group):
        raise Http404
    visited_on, valid = _date(request.POST.get("visited_on", ""))
    if not valid:
        messages.error(request, _("检查日期格式不正确"))
        return _record_page(request, assignment, access, status=400)
    labels = services.checklist_for(assignment)
    checks = [
        services.CheckInput(verdict=request.POST.get(f"verdict-{i}", ""), note=request.POST.get(f"note-{i}", ""))
        for i in range(len(labels))
    ]
    try:
        services.save_record(
            assignment=assignment,
            actor=request.user,
            visited_on=visited_on,
            checks=checks,
            comment=request.POST.get("comment", ""),
        )
    except services.InspectionError as error:
        _errors(request, error)
        return _record_page(request, assignment, access, status=409)
    messages.success(request, _("检查记录已保存"))
    return redirect("inspection:record", assignment.campaign_id, assignment.unit_id)


def _member_assignment(request: HttpRequest, campaign_id: int, unit_id: int) -> Assignment:
    assignment, _access = selectors.assignment_for(request.user, campaign_id, unit_id)
    if not services.is_member(request.user, assignment.group):
        raise Http404
    return assignment


@login_required
@require_POST
def photo(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    assignment = _member_assignment(request, campaign_id, unit_id)
    upload = request.FILES.get("photo")
    if is_archived(assignment.campaign):
        messages.error(request, archived_message())
    elif upload is None:
        messages.error(request, _("请选择要上传的照片"))
    else:
        try:
            services.add_photo(
                assignment=assignment, actor=request.user, upload=upload, original_name=upload.name or ""
            )
        except (services.InspectionError, uploads.UploadRejected) as error:
            _errors(request, error)
        else:
            messages.success(request, _("照片已上传"))
    return redirect("inspection:record", campaign_id, unit_id)


@login_required
@require_GET
def photo_file(request: HttpRequest, campaign_id: int, unit_id: int, photo_id: int) -> FileResponse:
    assignment, _access = selectors.assignment_for(request.user, campaign_id, unit_id)
    found = assignment.photos.filter(pk=as_int(photo_id)).first()
    if found is None:
        raise Http404
    return uploads.stored_file_response(found.stored, found.content_type, found.name)


@login_required
@require_POST
def finding(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    assignment = _member_assignment(request, campaign_id, unit_id)
    try:
        services.add_finding(assignment=assignment, actor=request.user, text=request.POST.get("text", ""))
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("发现的问题已记录"))
    return redirect("inspection:record", campaign_id, unit_id)


@login_required
@require_POST
def finding_problem(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    assignment, access = selectors.assignment_for(request.user, campaign_id, unit_id)
    if not (services.is_member(request.user, assignment.group) or access.organizer):
        raise Http404
    found = assignment.findings.filter(number=as_int(number)).first()
    if found is None:
        raise Http404
    try:
        problem = services.finding_to_problem(finding=found, actor=request.user)
    except services.InspectionError as error:
        _errors(request, error)
        return redirect("inspection:record", campaign_id, unit_id)
    messages.success(request, _("已登记为整改问题,请补充整改措施与责任科室"))
    return redirect("rectification:problem", campaign_id, unit_id, problem.number)


@login_required
@require_POST
def submit(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    assignment, _access = selectors.assignment_for(request.user, campaign_id, unit_id)
    if assignment.group.leader_id != request.user.pk:
        raise Http404
    try:
        services.submit(assignment=assignment, actor=request.user)
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("检查记录已提交"))
    return redirect("inspection:record", campaign_id, unit_id)


@login_required
@require_POST
def reopen(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    assignment, access = selectors.assignment_for(request.user, campaign_id, unit_id)
    if not access.organizer:
        raise Http404
    try:
        services.reopen(assignment=assignment, actor=request.user, reason=request.POST.get("reason", ""))
    except services.InspectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("检查记录已退回,督查组可以修改后重新提交"))
    return redirect("inspection:record", campaign_id, unit_id)
