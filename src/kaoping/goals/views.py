"""目标任务 and 重点工作 pages. Objects come through ``campaigns.access`` and ``goals.selectors``;
who may do what is ``goals.access``; every write goes through ``goals.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.campaigns.access import CampaignAccess, campaign_for, campaigns_for, organizer_access_for
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.evidence import uploads
from kaoping.goals import access as goal_access
from kaoping.goals import dashboard, selectors, services
from kaoping.goals.forms import MEASURES, MilestoneForm, TargetForm, TargetReportForm, TaskForm, TaskReportForm
from kaoping.goals.models import KeyTask, Target, TaskArea
from kaoping.orgs.access import as_int


def _errors(form: Any, error: services.GoalError) -> None:
    for message in error.messages:
        form.add_error(None, message)


def _bureau(request: HttpRequest, campaign_id: int) -> tuple[Campaign, CampaignAccess]:
    campaign, access = campaign_for(request.user, campaign_id)
    if not goal_access.sees_bureau(access):
        raise Http404
    return campaign, access


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    campaigns = list(campaigns_for(request.user).order_by("-year", "-created_at"))
    return render(request, "goals/index.html", {"campaigns": campaigns})


@login_required
@require_GET
def overview(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    rows = selectors.target_rows(campaign, access)
    bureau = goal_access.sees_bureau(access)
    blocks = selectors.task_blocks(campaign) if bureau else []
    for block in blocks:
        for task in block.tasks:
            task.late = selectors.overdue_task(task)  # type: ignore[attr-defined]
    context = {
        "campaign": campaign,
        "rows": rows,
        "blocks": blocks,
        "bureau": bureau,
        "organizer": access.organizer and not is_archived(campaign),
        "archived": is_archived(campaign),
    }
    return render(request, "goals/overview.html", context)


# -- targets -----------------------------------------------------------------------------------------


def _target(request: HttpRequest, campaign_id: int, number: int) -> tuple[Target, CampaignAccess]:
    campaign, access = campaign_for(request.user, campaign_id)
    target = selectors.target(campaign, number)
    if target is None or not goal_access.sees_target(access, target):
        raise Http404
    return target, access


def _owners(campaign: Campaign) -> list[tuple[str, Any]]:
    departments = [(f"d{d.pk}", d.name) for d in selectors.departments(campaign)]
    units = [(f"u{u.pk}", u.organization.name) for u in selectors.units(campaign)]
    choices: list[tuple[str, Any]] = []
    if departments:
        choices.append((_("局机关处室"), departments))
    if units:
        choices.append((_("参评单位"), units))
    return choices


def _owner(campaign: Campaign, code: str) -> dict[str, Any]:
    pk = as_int(code[1:]) if code[:1] in ("d", "u") else None
    if code.startswith("d"):
        return {"department": next((d for d in selectors.departments(campaign) if d.pk == pk), None)}
    return {"unit": next((u for u in selectors.units(campaign) if u.pk == pk), None)}


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, campaign_id: int, number: int | None = None) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    target = None
    if number is not None:
        target = selectors.target(campaign, number)
        if target is None:
            raise Http404
    initial = {}
    if target is not None:
        owner = f"u{target.unit_id}" if target.unit_id else f"d{target.department_id}"
        initial = {
            "name": target.name,
            "area": target.area,
            "measure": target.measure,
            "target_value": target.target_value.normalize(),
            "owner": owner,
            "source": target.source,
        }
    form = TargetForm(request.POST or None, initial=initial, owners=_owners(campaign))
    status = 200
    if request.method == "POST":
        if is_archived(campaign):
            messages.error(request, archived_message())
            return redirect("goals:overview", campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            fields = services.TargetFields(
                name=data["name"],
                measure=data["measure"],
                target_value=data["target_value"],
                area=data["area"],
                source=data["source"],
                **_owner(campaign, data["owner"]),
            )
            try:
                saved = services.target_save(campaign=campaign, actor=request.user, fields=fields, target=target)
            except services.GoalError as error:
                _errors(form, error)
                status = 409
            else:
                messages.success(request, _("目标任务已保存"))
                return redirect("goals:target", campaign.pk, saved.number)
        else:
            status = 400
    context = {
        "campaign": campaign,
        "form": form,
        "target": target,
        "measures": MEASURES,
        "archived": is_archived(campaign),
    }
    return render(request, "goals/target_form.html", context, status=status)


def _target_page(
    request: HttpRequest,
    target: Target,
    access: CampaignAccess,
    form: TargetReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = target.campaign
    reports = selectors.target_reports(target)
    from kaoping.goals.rates import rate_of

    may_report = goal_access.may_report_target(access, target) and not is_archived(campaign)
    context = {
        "campaign": campaign,
        "target": target,
        "rate": rate_of(target.target_value, reports[0] if reports else None),
        "reports": reports,
        "may_report": may_report,
        "may_edit": access.organizer and not is_archived(campaign),
        "form": form or (TargetReportForm() if may_report else None),
    }
    return render(request, "goals/target.html", context, status=status)


@login_required
@require_GET
def target_detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    target, access = _target(request, campaign_id, number)
    return _target_page(request, target, access)


@login_required
@require_POST
def target_report(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    target, access = _target(request, campaign_id, number)
    if not goal_access.may_report_target(access, target):
        raise Http404
    if is_archived(target.campaign):
        messages.error(request, archived_message())
        return redirect("goals:target", campaign_id, number)
    form = TargetReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _target_page(request, target, access, form, status=400)
    data = form.cleaned_data
    upload = data.get("evidence")
    try:
        services.target_report(
            target=target,
            actor=request.user,
            on=data["on"],
            done=data["done"],
            stated_rate=data["stated_rate"],
            note=data["note"],
            upload=upload or None,
            original_name=upload.name if upload else "",
        )
    except services.GoalError as error:
        _errors(form, error)
        return _target_page(request, target, access, form, status=409)
    messages.success(request, _("完成情况已报送"))
    return redirect("goals:target", campaign_id, number)


@login_required
@require_GET
def target_evidence(request: HttpRequest, campaign_id: int, number: int, report_id: int) -> FileResponse:
    target, _access = _target(request, campaign_id, number)
    report = next((r for r in selectors.target_reports(target) if r.pk == report_id), None)
    if report is None or not report.evidence_stored:
        raise Http404
    return uploads.stored_file_response(report.evidence_stored, report.evidence_type, report.evidence_name)


# -- key tasks ---------------------------------------------------------------------------------------


def _task(request: HttpRequest, campaign_id: int, number: int) -> tuple[KeyTask, CampaignAccess]:
    campaign, access = _bureau(request, campaign_id)
    task = selectors.task(campaign, number)
    if task is None:
        raise Http404
    return task, access


def _supporting(task: KeyTask) -> set[int]:
    return {d.pk for d in task.supporting.all()}


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, campaign_id: int, number: int | None = None) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    task = None
    if number is not None:
        task = selectors.task(campaign, number)
        if task is None:
            raise Http404
    areas = selectors.areas(campaign)
    departments = selectors.departments(campaign)
    initial: dict[str, Any] = {}
    if task is not None:
        initial = {
            "area": str(task.area_id),
            "title": task.title,
            "description": task.description,
            "lead": str(task.lead_id),
            "supporting": [str(pk) for pk in _supporting(task)],
            "due_on": task.due_on,
            "status": task.status,
        }
    form = TaskForm(
        request.POST or None,
        initial=initial,
        areas=[(str(a.pk), f"{a.number}. {a.name}") for a in areas],
        departments=[(str(d.pk), d.name) for d in departments],
    )
    status = 200
    if request.method == "POST":
        if is_archived(campaign):
            messages.error(request, archived_message())
            return redirect("goals:overview", campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {str(d.pk): d for d in departments}
            try:
                area = _area(campaign, request.user, areas, data)
                fields = services.TaskFields(
                    area=area,
                    title=data["title"],
                    description=data["description"],
                    lead=by_pk[data["lead"]],
                    supporting=tuple(by_pk[pk] for pk in data["supporting"]),
                    due_on=data["due_on"],
                    status=data["status"],
                )
                saved = services.task_save(campaign=campaign, actor=request.user, fields=fields, task=task)
            except services.GoalError as error:
                _errors(form, error)
                status = 409
            else:
                messages.success(request, _("重点工作已保存"))
                return redirect("goals:task", campaign.pk, saved.number)
        else:
            status = 400
    context = {"campaign": campaign, "form": form, "task": task, "archived": is_archived(campaign)}
    return render(request, "goals/task_form.html", context, status=status)


def _area(campaign: Campaign, actor: Any, areas: list[TaskArea], data: dict[str, Any]) -> TaskArea:
    name = (data.get("new_area") or "").strip()
    if name:
        number = max((a.number for a in areas), default=0) + 1
        return services.area_save(campaign=campaign, actor=actor, number=number, name=name)
    return next(a for a in areas if str(a.pk) == data["area"])


def _task_page(
    request: HttpRequest,
    task: KeyTask,
    access: CampaignAccess,
    form: TaskReportForm | None = None,
    milestone_form: MilestoneForm | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = task.area.campaign
    writable = not is_archived(campaign)
    may_report = writable and goal_access.may_report_task(access, task, _supporting(task))
    milestones = selectors.milestones(task)
    context = {
        "campaign": campaign,
        "task": task,
        "supporting": list(task.supporting.all()),
        "milestones": [{"m": m, "late": selectors.overdue_milestone(m)} for m in milestones],
        "reports": selectors.task_reports(task),
        "late": selectors.overdue_task(task),
        "may_report": may_report,
        "may_tick": writable and goal_access.may_tick_milestone(access, task),
        "may_edit": writable and access.organizer,
        "form": form or (TaskReportForm(initial={"status": task.status}) if may_report else None),
        "milestone_form": milestone_form or (MilestoneForm() if writable and access.organizer else None),
    }
    return render(request, "goals/task.html", context, status=status)


@login_required
@require_GET
def task_detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    task, access = _task(request, campaign_id, number)
    return _task_page(request, task, access)


@login_required
@require_POST
def task_report(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    task, access = _task(request, campaign_id, number)
    if not goal_access.may_report_task(access, task, _supporting(task)):
        raise Http404
    if is_archived(task.area.campaign):
        messages.error(request, archived_message())
        return redirect("goals:task", campaign_id, number)
    form = TaskReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _task_page(request, task, access, form=form, status=400)
    data = form.cleaned_data
    upload = data.get("evidence")
    try:
        services.task_report(
            task=task,
            actor=request.user,
            on=data["on"],
            text=data["text"],
            status=data["status"],
            upload=upload or None,
            original_name=upload.name if upload else "",
        )
    except services.GoalError as error:
        _errors(form, error)
        return _task_page(request, task, access, form=form, status=409)
    messages.success(request, _("进展已报送"))
    return redirect("goals:task", campaign_id, number)


@login_required
@require_POST
def milestone_add(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    task, access = _task(request, campaign_id, number)
    if not access.organizer:
        raise Http404
    if is_archived(task.area.campaign):
        messages.error(request, archived_message())
        return redirect("goals:task", campaign_id, number)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _task_page(request, task, access, milestone_form=form, status=400)
    try:
        services.milestone_add(
            task=task, actor=request.user, name=form.cleaned_data["name"], due_on=form.cleaned_data["due_on"]
        )
    except services.GoalError as error:
        _errors(form, error)
        return _task_page(request, task, access, milestone_form=form, status=409)
    messages.success(request, _("节点已添加"))
    return redirect("goals:task", campaign_id, number)


@login_required
@require_POST
def milestone_done(request: HttpRequest, campaign_id: int, number: int, milestone_id: int) -> HttpResponse:
    task, access = _task(request, campaign_id, number)
    milestone = next((m for m in selectors.milestones(task) if m.pk == milestone_id), None)
    if milestone is None or not goal_access.may_tick_milestone(access, task):
        raise Http404
    if is_archived(task.area.campaign):
        messages.error(request, archived_message())
        return redirect("goals:task", campaign_id, number)
    from django.utils import timezone

    undo = request.POST.get("undo") == "1"
    try:
        services.milestone_done(milestone=milestone, actor=request.user, done_on=None if undo else timezone.localdate())
    except services.GoalError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤销完成") if undo else _("节点已完成"))
    return redirect("goals:task", campaign_id, number)


@login_required
@require_GET
def task_evidence(request: HttpRequest, campaign_id: int, number: int, report_id: int) -> FileResponse:
    task, _access = _task(request, campaign_id, number)
    report = next((r for r in selectors.task_reports(task) if r.pk == report_id), None)
    if report is None or not report.evidence_stored:
        raise Http404
    return uploads.stored_file_response(report.evidence_stored, report.evidence_type, report.evidence_name)


# -- dashboard ---------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = _bureau(request, campaign_id)
    rows = selectors.target_rows(campaign, access)
    tasks = selectors.tasks_of(campaign)
    department_rows = [r for r in rows if r.target.department_id is not None]
    unit_rows = [r for r in rows if r.target.unit_id is not None]
    charts = [
        dashboard.status_chart(tasks, by="area"),
        dashboard.status_chart(tasks, by="lead"),
        dashboard.rate_chart(rows, key="area", title=_("目标任务完成率(按类别)"), heading=_("类别")),
        dashboard.rate_chart(department_rows, key="owner", title=_("目标任务完成率(按处室)"), heading=_("处室")),
        dashboard.rate_chart(unit_rows, key="owner", title=_("目标任务完成率(按单位)"), heading=_("单位")),
    ]
    context = {
        "campaign": campaign,
        "charts": [(f"goal-chart-{i}", c) for i, c in enumerate(charts) if not c.empty],
        "overdue": selectors.overdue(campaign),
        "tasks": len(tasks),
        "targets": len(rows),
        "missing": sum(1 for r in rows if r.rate.missing),
    }
    return render(request, "goals/dashboard.html", context)
