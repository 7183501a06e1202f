"""表彰名单 pages: a campaign's lists with the form to draw one up, one list with its units, the
organizer's decisions (exclusions by hand, ties on the boundary), approval, publication, and the
Word and Excel downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.campaigns.selectors import current_scheme
from kaoping.commendation import exports, selectors, services
from kaoping.commendation.forms import DecisionForm, ListForm
from kaoping.commendation.models import Basis, CommendationList, EntryStatus, ListState

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, error: services.CommendationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.any:
        raise Http404
    scheme = current_scheme(campaign)
    writable = not is_archived(campaign)
    manager = access.organizer
    form = ListForm(request.POST or None, scheme=scheme) if manager and writable and scheme is not None else None
    status = 200
    if request.method == "POST":
        if not manager:
            raise Http404
        if not writable:
            messages.error(request, archived_message())
            return redirect("commendation:index", campaign.pk)
        if form is None:
            messages.error(request, _("考核活动还没有考核方案"))
            return redirect("commendation:index", campaign.pk)
        if form.is_valid():
            data = services.ListInput(
                title=form.cleaned_data["title"],
                basis=form.cleaned_data["basis"],
                categories=form.cleaned_data["categories"],
                top_n=form.cleaned_data.get("top_n"),
                per_category=form.per_category(),
                grade=form.cleaned_data.get("grade") or "",
                star_tier=form.cleaned_data.get("star_tier") or "",
            )
            try:
                made = services.create(campaign=campaign, actor=request.user, data=data)
            except services.CommendationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if made.drawn_at is None:
                    messages.warning(request, _("已保存草稿。") + services.final_version(campaign)[1])
                else:
                    messages.success(request, _("已依据确定后的考核结果生成名单草稿,请核对后审批"))
                return redirect("commendation:detail", campaign.pk, made.number)
        status = 400
    version, refusal = services.final_version(campaign)
    lists = list(selectors.visible_lists(access).select_related("approved_by"))
    context = {
        "campaign": campaign,
        "lists": [{"l": row, "basis": services.describe_basis(row)} for row in lists],
        "form": form,
        "manager": manager,
        "writable": writable,
        "refusal": refusal if manager else "",
        "version": version,
    }
    return render(request, "commendation/index.html", context, status=status)


def _place(entry: Any, basis: str) -> str:
    if basis == Basis.STARS:
        return entry.stars or "—"
    return _("第 %(rank)s 名") % {"rank": entry.rank} if entry.rank is not None else "—"


@login_required
@require_GET
def detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    commendation = selectors.list_of(access, number)
    entries = list(commendation.entries.all())
    names = commendation.category_names
    rows = [{"e": e, "category": names.get(e.category, ""), "place": _place(e, commendation.basis)} for e in entries]
    can_edit = access.organizer and not is_archived(campaign) and commendation.state == ListState.DRAFT
    version, refusal = services.final_version(campaign)
    missing = [(names.get(c, ""), n) for c, n in (commendation.missing or {}).items() if n]
    bureau = access.organizer or access.leader
    context = {
        "campaign": campaign,
        "c": commendation,
        "basis": services.describe_basis(commendation),
        "listed": [r for r in rows if r["e"].status == EntryStatus.LISTED],
        # who was left out and why is for the bureau; a unit reads the list itself
        "tied": [r for r in rows if r["e"].status == EntryStatus.TIED] if bureau else [],
        "excluded": [r for r in rows if r["e"].status in (EntryStatus.FLAGGED, EntryStatus.BY_HAND)] if bureau else [],
        "missing": missing if bureau else [],
        "can_edit": can_edit,
        "manager": access.organizer and not is_archived(campaign),
        "refusal": refusal if access.organizer and commendation.state == ListState.DRAFT else "",
        "stale": version is not None and commendation.drawn_at is not None and commendation.source_id != version.pk,
        "stars_basis": commendation.basis == Basis.STARS,
    }
    return render(request, "commendation/detail.html", context)


def _write(request: HttpRequest, campaign_id: int, number: int) -> tuple[Any, CommendationList]:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    return campaign, selectors.list_of(access, number)


@login_required
@require_POST
def draw(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, commendation = _write(request, campaign_id, number)
    try:
        services.draw(commendation=commendation, actor=request.user)
    except services.CommendationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已依据确定后的考核结果重新生成名单"))
    return redirect("commendation:detail", campaign.pk, commendation.number)


@login_required
@require_POST
def decide(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, commendation = _write(request, campaign_id, number)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明理由"))
        return redirect("commendation:detail", campaign.pk, commendation.number)
    unit = CampaignUnit.objects.filter(campaign=campaign, pk=form.cleaned_data["unit"]).first()
    if unit is None:
        raise Http404
    try:
        services.decide(
            commendation=commendation,
            unit=unit,
            actor=request.user,
            include=form.cleaned_data["decision"] == "include",
            reason=form.cleaned_data["reason"],
        )
    except services.CommendationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已记录决定并重新生成名单"))
    return redirect("commendation:detail", campaign.pk, commendation.number)


@login_required
@require_POST
def approve(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, commendation = _write(request, campaign_id, number)
    try:
        services.approve(commendation=commendation, actor=request.user)
    except services.CommendationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("名单已审批"))
    return redirect("commendation:detail", campaign.pk, commendation.number)


@login_required
@require_POST
def publish(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, commendation = _write(request, campaign_id, number)
    try:
        services.publish(commendation=commendation, actor=request.user)
    except services.CommendationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("名单已发布,参评单位和领导可以查看"))
    return redirect("commendation:detail", campaign.pk, commendation.number)


def _export(request: HttpRequest, campaign_id: int, number: int) -> tuple[CommendationList, list[exports.Row], str]:
    _campaign, access = campaign_for(request.user, campaign_id)
    commendation = selectors.list_of(access, number)
    names = commendation.category_names
    rows = [
        exports.Row(e.name, names.get(e.category, ""), e.total_text, e.grade, _place(e, commendation.basis))
        for e in commendation.entries.filter(status=EntryStatus.LISTED)
    ]
    state = ListState(commendation.state).label
    when = commendation.approved_at or commendation.created_at
    local = timezone.localtime(when)
    subtitle = f"{commendation.campaign.owner.name}  {local.year}年{local.month}月{local.day}日  ({state})"
    return commendation, rows, subtitle


def _attachment(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download_docx(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    commendation, rows, subtitle = _export(request, campaign_id, number)
    note = _("表彰依据:%(basis)s。") % {"basis": services.describe_basis(commendation)}
    content = exports.docx(commendation.title, subtitle, rows, note)
    return _attachment(content, DOCX, f"{commendation.title}.docx")


@login_required
@require_GET
def download_xlsx(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    from kaoping.formats.filing_xlsx import Heading

    commendation, rows, _subtitle = _export(request, campaign_id, number)
    when = timezone.localtime(commendation.approved_at or commendation.created_at)
    heading = Heading(
        campaign=commendation.campaign.name,
        bureau=commendation.campaign.owner.name,
        date=f"{when.year}年{when.month}月{when.day}日",
        version=str(ListState(commendation.state).label),
    )
    content = exports.xlsx(heading, commendation.title, rows)
    return _attachment(content, XLSX, f"{commendation.title}.xlsx")
