"""问题整改 pages: the ledger (整改台账) of the bureau or one unit, registering a problem (by hand, or
in one click from a review or an accepted objection), one problem with its requirements, progress
reports, re-checks and evidence, and the campaign's deadline setting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.assessments import counting, uploads
from kaoping.assessments import selectors as assessment_selectors
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.campaigns.selectors import current_scheme
from kaoping.rectification import selectors, services
from kaoping.rectification.forms import ProblemForm, RecheckForm, ReportForm, RequirementsForm, SettingsForm
from kaoping.rectification.models import Problem, Source

# responsibility by function, as bureaus assign it: funding to finance, staffing to personnel …
FUNCTION_OFFICES = ("财务科", "人事科", "办公室", "教务处", "德育处", "总务处", "安全办", "教研室")


def _ledger_unit(request: HttpRequest, access: CampaignAccess) -> CampaignUnit | None:
    raw = request.GET.get("unit", "")
    if not raw:
        return None
    return selectors.unit_of(access, raw)


@login_required
@require_GET
def ledger(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = _ledger_unit(request, access)
    units = [unit] if unit else selectors.visible_units(access)
    rows = selectors.visible_problems(access, unit)
    book = selectors.ledger(rows, units)
    writable = not is_archived(campaign)
    show = request.GET.get("show", "")
    shown = [p for p in rows if selectors.matches(p, show)] if show in selectors.SHOW else rows
    context = {
        "campaign": campaign,
        "access": access,
        "unit": unit,
        "units": units,
        "book": book,
        "rows": [{"p": p, "status": selectors.status_label(p), "overdue": selectors.overdue(p)} for p in shown],
        "show": show if show in selectors.SHOW else "",
        "filters": selectors.show_choices(),
        "can_create": writable and [u for u in units if _may_create(request.user, access, u)],
        "settings": services.settings_of(campaign),
        "settings_form": SettingsForm(initial=_settings_initial(campaign)) if access.organizer and writable else None,
        "query": f"?unit={unit.pk}" if unit else "",
    }
    return render(request, "rectification/ledger.html", context)


def _settings_initial(campaign: Campaign) -> dict[str, Any]:
    setting = services.settings_of(campaign)
    return {"concluded_on": setting.concluded_on, "days": setting.days}


def _may_create(user: Any, access: CampaignAccess, unit: CampaignUnit) -> bool:
    """A unit's reporter (单位自查), or its reviewers and the organizers unless recused (the recusals are
    read once per request and campaign)."""
    if access.can_report_for(unit.organization):
        return True
    recused = assessment_selectors.recused_unit_ids(user, access.campaign)
    return access.can_review_unit(unit.organization) and unit.pk not in recused


def _items(campaign: Campaign, unit: CampaignUnit) -> list[tuple[str, str]]:
    scheme = current_scheme(campaign)
    if scheme is None:
        return []
    try:
        refs = assessment_selectors.leaf_items(scheme, unit.category)
    except Http404:
        return []
    return [(ref.id, f"{ref.id} {ref.item.name}") for ref in refs]


def _offices(campaign: Campaign) -> list[str]:
    names = selectors.department_names(campaign)
    return [*FUNCTION_OFFICES, *(n for n in names if n not in FUNCTION_OFFICES)]


@login_required
@require_POST
def settings(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    form = SettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("rectification:ledger", campaign.pk)
    try:
        services.save_settings(
            campaign=campaign,
            actor=request.user,
            concluded_on=form.cleaned_data["concluded_on"],
            days=form.cleaned_data["days"],
        )
    except services.RectificationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("整改期限设置已保存,之后登记的问题按新设置计算期限"))
    return redirect("rectification:ledger", campaign.pk)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.unit_of(access, unit_id)
    manager = services.may_manage(request.user, unit)
    if not (manager or access.can_report_for(unit.organization)):
        raise Http404
    choices = Source.choices if manager else [(Source.SELF_ASSESSMENT.value, Source.SELF_ASSESSMENT.label)]
    sources = [(str(value), str(label)) for value, label in choices]
    items = _items(campaign, unit)
    initial = {"deadline": services.default_deadline(campaign), "source": sources[0][0]}
    if request.GET.get("source") in dict(sources):
        initial["source"] = request.GET["source"]
    form = ProblemForm(request.POST or None, items=items, sources=sources, initial=initial)
    status = 200
    refusal = archived_message() if is_archived(campaign) else ""
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect("rectification:ledger", campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            names = dict(items)
            try:
                problem = services.create(
                    unit=unit,
                    actor=request.user,
                    data=services.ProblemInput(
                        description=data["description"],
                        source=data["source"],
                        source_note=data["source_note"],
                        item_id=data["item"],
                        item_name=names.get(data["item"], ""),
                        points_lost=data["points_lost"],
                        responsible_unit=data["responsible_unit"],
                        responsible_person=data["responsible_person"],
                        measures=data["measures"],
                        deadline=data["deadline"],
                    ),
                )
            except services.RectificationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 409
            else:
                messages.success(request, _("问题已登记,整改期限 %(on)s") % {"on": problem.deadline.isoformat()})
                return redirect("rectification:problem", campaign.pk, unit.pk, problem.number)
        else:
            status = 400
    context = {"campaign": campaign, "unit": unit, "form": form, "refusal": refusal, "offices": _offices(campaign)}
    return render(request, "rectification/new.html", context, status=status)


@login_required
@require_POST
def from_review(request: HttpRequest, campaign_id: int, unit_id: int, item_id: str) -> HttpResponse:
    """One click on the review page: the item, the points it lost and the reviewer's reason."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = assessment_selectors.reviewable_unit(request.user, access, unit_id)
    ref = assessment_selectors.item_ref(assessment_selectors.scheme_for(campaign), unit.category, item_id)
    review = assessment_selectors.review_scores_by_item(unit).get(ref.id)
    try:
        problem = services.create_from_review(
            unit=unit,
            actor=request.user,
            item=ref.item,
            counted=counting.counted_now(unit, ref.item),
            reason=review.reason if review is not None else "",
        )
    except services.RectificationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("assessments:review_unit", campaign.pk, unit.pk)
    messages.success(request, _("已登记为整改问题,请补充整改措施与责任科室"))
    return redirect("rectification:problem", campaign.pk, unit.pk, problem.number)


@login_required
@require_POST
def from_spot_check(request: HttpRequest, campaign_id: int, unit_id: int, spot_check_id: int) -> HttpResponse:
    """One click under a spot check on the review page: its findings, date, inspectors and items."""
    campaign, access = campaign_for(request.user, campaign_id)
    unit = assessment_selectors.reviewable_unit(request.user, access, unit_id)
    spot_check = selectors.spot_check_of(unit, spot_check_id)
    try:
        problem = services.create_from_spot_check(spot_check=spot_check, actor=request.user)
    except services.RectificationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("assessments:review_unit", campaign.pk, unit.pk)
    messages.success(request, _("已登记为整改问题,请补充整改措施与责任科室"))
    return redirect("rectification:problem", campaign.pk, unit.pk, problem.number)


@login_required
@require_POST
def from_objection(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    unit = selectors.unit_of(access, unit_id)
    objection = selectors.objection_of(unit, number)
    if objection is None:
        raise Http404
    try:
        problem = services.create_from_objection(objection=objection, actor=request.user)
    except services.RectificationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("publication:objection", campaign.pk, unit.pk, number)
    messages.success(request, _("已登记为整改问题,请补充整改措施与责任科室"))
    return redirect("rectification:problem", campaign.pk, unit.pk, problem.number)


def _problem(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> tuple[Problem, CampaignAccess]:
    _campaign, access = campaign_for(request.user, campaign_id)
    return selectors.problem_of(access, unit_id, number), access


@login_required
@require_GET
def detail(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    problem, access = _problem(request, campaign_id, unit_id, number)
    return _detail_page(request, problem, access)


def _detail_page(
    request: HttpRequest,
    problem: Problem,
    access: CampaignAccess,
    *,
    requirements: RequirementsForm | None = None,
    report: ReportForm | None = None,
    recheck: RecheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    campaign = problem.campaign
    writable = not is_archived(campaign) and not problem.closed
    manager = services.may_manage(request.user, problem.unit)
    reporter = access.can_report_for(problem.unit.organization)
    initial = {
        "responsible_unit": problem.responsible_unit,
        "responsible_person": problem.responsible_person,
        "measures": problem.measures,
        "deadline": problem.deadline,
    }
    context = {
        "campaign": campaign,
        "p": problem,
        "status_label": selectors.status_label(problem),
        "overdue": selectors.overdue(problem),
        "reports": list(problem.reports.select_related("reported_by")),
        "rechecks": list(problem.rechecks.select_related("checked_by")),
        "requirements": (requirements or RequirementsForm(initial=initial)) if writable and manager else None,
        "report_form": (report or ReportForm()) if writable and reporter else None,
        "recheck_form": (recheck or RecheckForm()) if writable and manager else None,
        "offices": _offices(campaign),
        "archived": is_archived(campaign),
    }
    return render(request, "rectification/detail.html", context, status=status)


def _refuse_archived(request: HttpRequest, problem: Problem) -> HttpResponse | None:
    if is_archived(problem.campaign):
        messages.error(request, archived_message())
        return redirect("rectification:problem", problem.campaign_id, problem.unit_id, problem.number)
    return None


@login_required
@require_POST
def edit(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    problem, access = _problem(request, campaign_id, unit_id, number)
    if not services.may_manage(request.user, problem.unit):
        raise Http404
    refused = _refuse_archived(request, problem)
    if refused:
        return refused
    form = RequirementsForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, problem, access, requirements=form, status=400)
    try:
        services.update(problem=problem, actor=request.user, **form.cleaned_data)
    except services.RectificationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail_page(request, problem, access, requirements=form, status=409)
    messages.success(request, _("整改要求已保存"))
    return redirect("rectification:problem", campaign_id, unit_id, number)


@login_required
@require_POST
def report(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    problem, access = _problem(request, campaign_id, unit_id, number)
    if not access.can_report_for(problem.unit.organization):
        raise Http404
    refused = _refuse_archived(request, problem)
    if refused:
        return refused
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, problem, access, report=form, status=400)
    upload = form.cleaned_data.get("evidence")
    try:
        services.report(
            problem=problem,
            actor=request.user,
            text=form.cleaned_data["text"],
            done=form.cleaned_data["done"],
            upload=upload if upload else None,
            original_name=upload.name if upload else "",
        )
    except (services.RectificationError, uploads.UploadRejected) as error:
        for message in getattr(error, "messages", [str(error)]):
            form.add_error(None, message)
        return _detail_page(request, problem, access, report=form, status=409)
    done = form.cleaned_data["done"]
    messages.success(request, _("整改进展已报送,等待复查") if done else _("整改进展已报送"))
    return redirect("rectification:problem", campaign_id, unit_id, number)


@login_required
@require_POST
def recheck(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    problem, access = _problem(request, campaign_id, unit_id, number)
    if not services.may_manage(request.user, problem.unit):
        raise Http404
    refused = _refuse_archived(request, problem)
    if refused:
        return refused
    form = RecheckForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, problem, access, recheck=form, status=400)
    close = form.cleaned_data["decision"] == "close"
    try:
        services.recheck(
            problem=problem,
            actor=request.user,
            close=close,
            opinion=form.cleaned_data["opinion"],
            new_deadline=form.cleaned_data["new_deadline"],
        )
    except services.RectificationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail_page(request, problem, access, recheck=form, status=409)
    messages.success(request, _("已销号") if close else _("已退回重新整改"))
    return redirect("rectification:problem", campaign_id, unit_id, number)


@login_required
@require_GET
def evidence(request: HttpRequest, campaign_id: int, unit_id: int, number: int, report_id: int) -> FileResponse:
    problem, _access = _problem(request, campaign_id, unit_id, number)
    progress = problem.reports.filter(pk=report_id).first()
    if progress is None or not progress.evidence_stored:
        raise Http404
    return uploads.stored_file_response(progress.evidence_stored, progress.evidence_type, progress.evidence_name)
