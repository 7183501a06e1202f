"""异议 pages: the register, filing one (a unit's reporter, in the notice window), and one objection
with its assignment and written answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.assessments import uploads
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.orgs.models import User
from kaoping.publication import objections, services
from kaoping.publication.forms import AnswerForm, ObjectionForm
from kaoping.publication.models import Objection


def _sees(access: CampaignAccess, unit: CampaignUnit) -> bool:
    return (
        access.organizer
        or access.leader
        or access.can_review_unit(unit.organization)
        or (access.can_read_as_unit(unit.organization))
    )


def _unit(campaign: Campaign, unit_id: int) -> CampaignUnit:
    unit = CampaignUnit.objects.select_related("organization", "campaign").filter(campaign=campaign, pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _objection(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> tuple[Objection, CampaignAccess]:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = _unit(campaign, unit_id)
    objection = (
        Objection.objects.select_related("unit__organization", "unit__campaign", "version", "assignee", "answered_by")
        .filter(unit=unit, number=number)
        .first()
    )
    if objection is None or not _sees(access, unit):
        raise Http404
    return objection, access


@login_required
@require_GET
def register(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.any:
        raise Http404
    rows = [o for o in objections.register(campaign).order_by("-filed_at") if _sees(access, o.unit)]
    own = list(
        CampaignUnit.objects.filter(campaign=campaign, organization_id__in=access.reporter_unit_ids).select_related(
            "organization"
        )
    )
    version = services.latest(campaign)
    context = {
        "campaign": campaign,
        "rows": [{"o": o, "overdue": objections.overdue(o)} for o in rows],
        "own_units": own,
        "refusal": objections.window_refusal(version, campaign),
        "version": version,
        "bureau": access.organizer or access.leader,
    }
    return render(request, "publication/objections.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = _unit(campaign, unit_id)
    if not access.can_report_for(unit.organization):
        raise Http404
    version = services.latest(campaign)
    refusal = archived_message() if is_archived(campaign) else objections.window_refusal(version, campaign)
    choices = [(t.item_id or "total", t.name) for t in objections.targets(version, unit)] if version else []
    form = ObjectionForm(request.POST or None, request.FILES or None, choices=choices)
    status = 200
    if request.method == "POST":
        if refusal:
            messages.error(request, refusal)
            return redirect("publication:objections", campaign.pk)
        if form.is_valid():
            upload = form.cleaned_data.get("evidence")
            try:
                objection = objections.file(
                    unit=unit,
                    actor=request.user,
                    item_id="" if form.cleaned_data["target"] == "total" else form.cleaned_data["target"],
                    reasons=form.cleaned_data["reasons"],
                    upload=upload if upload else None,
                    original_name=upload.name if upload else "",
                )
            except (services.PublicationError, uploads.UploadRejected) as error:
                for message in getattr(error, "messages", [str(error)]):
                    form.add_error(None, message)
                status = 409
            else:
                messages.success(
                    request,
                    _("异议已提交,答复期限 %(due)s") % {"due": objection.due_on.isoformat()},
                )
                return redirect("publication:objection", campaign.pk, unit.pk, objection.number)
        else:
            status = 400
    context = {"campaign": campaign, "unit": unit, "form": form, "refusal": refusal, "version": version}
    return render(request, "publication/objection_new.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    objection, access = _objection(request, campaign_id, unit_id, number)
    return _detail_page(request, objection, access, AnswerForm())


def _detail_page(
    request: HttpRequest, objection: Objection, access: CampaignAccess, form: AnswerForm, status: int = 200
) -> HttpResponse:
    campaign = objection.unit.campaign
    writable = not is_archived(campaign) and objection.open
    context = {
        "campaign": campaign,
        "o": objection,
        "overdue": objections.overdue(objection),
        "can_assign": writable and access.organizer,
        "people": objections.assignable(campaign, objection.unit) if writable and access.organizer else [],
        "can_answer": writable and objections.may_answer(objection, request.user),
        # an accepted objection becomes a problem to rectify in one click (kaoping.rectification)
        "can_register_problem": access.organizer and not is_archived(campaign) and objection.state == "accepted",
        "form": form,
    }
    return render(request, "publication/objection_detail.html", context, status=status)


@login_required
@require_POST
def assign(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    objection, access = _objection(request, campaign_id, unit_id, number)
    if not access.organizer:
        raise Http404
    raw = request.POST.get("assignee", "")
    person = User.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    try:
        objections.assign(objection=objection, assignee=person, actor=request.user)
    except services.PublicationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已分派给 %(name)s") % {"name": str(person)})
    return redirect("publication:objection", campaign_id, unit_id, number)


@login_required
@require_POST
def answer(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> HttpResponse:
    objection, access = _objection(request, campaign_id, unit_id, number)
    if not objections.may_answer(objection, request.user):
        raise Http404
    if is_archived(objection.unit.campaign):
        messages.error(request, archived_message())
        return redirect("publication:objection", campaign_id, unit_id, number)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, objection, access, form, status=400)
    try:
        objections.answer(
            objection=objection,
            actor=request.user,
            accepted=form.cleaned_data["decision"] == "accepted",
            text=form.cleaned_data["answer"],
        )
    except services.PublicationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail_page(request, objection, access, form, status=409)
    messages.success(request, _("已答复"))
    return redirect("publication:objection", campaign_id, unit_id, number)


@login_required
@require_GET
def evidence(request: HttpRequest, campaign_id: int, unit_id: int, number: int) -> FileResponse:
    objection, _access = _objection(request, campaign_id, unit_id, number)
    if not objection.evidence_stored:
        raise Http404
    return uploads.stored_file_response(objection.evidence_stored, objection.evidence_type, objection.evidence_name)
