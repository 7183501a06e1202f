"""Campaign pages. Thin: access through campaigns.access, writes through campaigns.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from kaoping import listing
from kaoping.campaigns import access, hooks, selectors, services
from kaoping.campaigns.forms import (
    AddUnitsForm,
    CampaignCreateForm,
    DeadlinesForm,
    PhaseForm,
    PublishForm,
    SchemeVersionForm,
    filter_candidates,
)
from kaoping.campaigns.links import campaign_links
from kaoping.campaigns.models import Campaign, Phase
from kaoping.formats.problems import SchemeError
from kaoping.orgs import access as org_access
from kaoping.orgs.models import OrgKind


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = access.campaigns_for(request.user)
    can_create = bool(org_access.managed_bureaus(request.user))
    return render(request, "campaigns/list.html", {"campaigns": campaigns, "can_create": can_create})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    bureaus = org_access.managed_bureaus(request.user)
    if not bureaus:
        raise Http404
    form = CampaignCreateForm(request.POST or None, request.FILES or None, bureaus=bureaus)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        owner = org_access.bureau_for(request.user, form.cleaned_data["owner"])
        upload = form.cleaned_data["scheme_file"]
        try:
            data = services.scheme_data_from_upload(
                filename=upload.name, content=upload.read(), title=form.cleaned_data["name"]
            )
            campaign = services.campaign_create(
                owner=owner,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                scheme_data=data,
                source_name=upload.name,
                actor=request.user,
            )
        except SchemeError as error:
            problems = services.problems_as_text(error.problems)
        else:
            messages.success(request, _("考核已创建。下一步:添加参评单位并设置各阶段截止时间。"))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/create.html", {"form": form, "problems": problems})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, grant = access.campaign_for(request.user, pk)
    units = access.units_for(grant)
    archived = services.is_archived(campaign)
    context: dict[str, Any] = {
        "campaign": campaign,
        "access": grant,
        "archived": archived,
        "steps": selectors.phase_steps(campaign),
        "categories": selectors.units_by_category(campaign, units),
        "links": campaign_links(campaign, grant),
        "version": campaign.current_version(),
    }
    if grant.organizer or grant.leader or grant.review_paths:
        context["progress"] = hooks.submission_progress(units)
    if grant.organizer and not archived:
        context.update(_organizer_forms(campaign))
    if grant.organizer:
        context["following"] = Campaign.objects.filter(previous=campaign).first()
    return render(request, "campaigns/detail.html", context)


def _refused_when_archived(request: HttpRequest, campaign: Any, to: str) -> HttpResponse | None:
    """An archived campaign refuses every change before its form is even read, so the reason the user
    sees is the archive and not a blank field. (The services refuse too, for every other caller.)"""
    if not services.is_archived(campaign):
        return None
    message = services.archived_message()
    if request.headers.get("HX-Request"):
        return HttpResponse(message, status=409)
    messages.error(request, message)
    return redirect(to, campaign.pk)


def _organizer_forms(campaign: Any) -> dict[str, Any]:
    deadlines = {d.phase: d.deadline for d in campaign.deadlines.all()}
    following = services.next_phase(campaign.phase)
    preceding = services.previous_phase(campaign.phase)
    return {
        "next_phase": following,
        "previous_phase": preceding,
        "next_label": Phase(following).label if following else "",
        "previous_label": Phase(preceding).label if preceding else "",
        "deadlines_form": DeadlinesForm(initial={**deadlines, "reminder_days": campaign.reminder_days}),
        "can_publish": campaign.phase in (Phase.NOTICE, Phase.FINAL),
        "archiving_next": following == Phase.ARCHIVED,
        **_readiness(campaign, following),
    }


def _readiness(campaign: Any, following: str | None) -> dict[str, Any]:
    """Before a step that shows results (公示, publishing): the units whose result is incomplete,
    so the organizer sees them and confirms with a reason (the services refuse otherwise)."""
    if following != Phase.NOTICE and not (
        campaign.phase in (Phase.NOTICE, Phase.FINAL) and not campaign.results_published
    ):
        return {}
    incomplete = hooks.incomplete_units(campaign, wait=False)
    return {"readiness_checked": True, "incomplete": incomplete, "incomplete_computing": incomplete is None}


@login_required
@require_POST
def campaign_phase(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.organizer_access_for(request.user, pk)
    refused = _refused_when_archived(request, campaign, "campaigns:detail")
    if refused:
        return refused
    form = PhaseForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or [_("阶段参数无效,请刷新页面后再操作")]:
            messages.error(request, str(message))
        return redirect("campaigns:detail", pk)
    try:
        services.campaign_set_phase(
            campaign=campaign,
            expected=form.cleaned_data["expected"],
            target=form.cleaned_data["target"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            incomplete_confirmed=form.cleaned_data["incomplete_confirmed"],
        )
    except services.CampaignError as error:
        for message in error.messages:
            messages.error(request, message)
        status = 409 if isinstance(error, services.PhaseConflict) else 400
        if request.headers.get("HX-Request"):
            return HttpResponse("; ".join(error.messages), status=status)
    else:
        messages.success(request, _("阶段已变更为“%(phase)s”") % {"phase": Phase(campaign.phase).label})
    return redirect("campaigns:detail", pk)


@login_required
@require_POST
def campaign_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.organizer_access_for(request.user, pk)
    refused = _refused_when_archived(request, campaign, "campaigns:detail")
    if refused:
        return refused
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}:{' '.join(str(e) for e in errors)}")
        return redirect("campaigns:detail", pk)
    deadlines = dict(form.cleaned_data)
    days = deadlines.pop("reminder_days")
    try:
        with transaction.atomic():
            changed = services.campaign_set_deadlines(campaign=campaign, deadlines=deadlines, actor=request.user)
            days_changed = services.campaign_set_reminder_days(campaign=campaign, days=days, actor=request.user)
    except services.CampaignError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if changed or not days_changed:
            messages.success(request, _("已更新 %(count)d 个截止时间") % {"count": len(changed)})
        if days_changed:
            messages.success(request, _("截止前提醒天数已改为:%(days)s") % {"days": days or _("按系统设置")})
    return redirect("campaigns:detail", pk)


@login_required
@require_POST
def campaign_publish(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.organizer_access_for(request.user, pk)
    refused = _refused_when_archived(request, campaign, "campaigns:detail")
    if refused:
        return refused
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.campaign_publish_results(
            campaign=campaign,
            published=form.cleaned_data.get("published", False),
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
            incomplete_confirmed=form.cleaned_data.get("incomplete_confirmed", False),
        )
    except services.CampaignError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("结果已发布") if campaign.results_published else _("结果已撤回"))
    return redirect("campaigns:detail", pk)


UNITS_PER_PAGE = 100
CANDIDATES_PER_PAGE = 100

UNIT_SORTS = (
    listing.SortOption("category", _l("按类别"), ("category", "organization__path")),
    listing.SortOption("name", _l("按名称"), ("organization__name", "pk")),
    listing.SortOption("code", _l("按代码"), ("organization__code",)),
)


@login_required
def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Participating units (search, category filter, sort, pages) and the picker of units to add
    (search, kind filter, pages; "select all matching" adds every unit the search finds)."""
    campaign, grant = access.organizer_access_for(request.user, pk)
    if request.method == "POST":
        refused = _refused_when_archived(request, campaign, "campaigns:units")
        if refused:
            return refused
    categories = selectors.scheme_categories(campaign)
    names = dict(categories)  # the category's name, never its id
    q = listing.search_term(request)
    chosen_category = listing.choice(request, "cat", list(names))
    sort = listing.sort_option(request, UNIT_SORTS)
    taking_part = access.units_for(grant)
    if q:
        taking_part = taking_part.filter(Q(organization__name__icontains=q) | Q(organization__code__icontains=q))
    if chosen_category:
        taking_part = taking_part.filter(category=chosen_category)
    candidates = campaign.owner.descendants().exclude(participations__campaign=campaign)
    form = AddUnitsForm(request.POST or None, candidates=candidates, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.campaign_add_units(
                campaign=campaign,
                organizations=form.cleaned_data["chosen"],
                category=form.cleaned_data["category"],
                actor=request.user,
            )
        except services.CampaignError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已添加 %(count)d 个单位") % {"count": len(added)})
            return redirect(reverse("campaigns:units", args=[pk]) + _back_query(request))
    cq = listing.search_term(request, "cq")
    ckind = listing.choice(request, "ckind", list(OrgKind.values))
    matching = filter_candidates(candidates, cq, ckind).order_by("name", "pk")
    page = listing.paginate(taking_part.order_by(*sort.order), request, UNITS_PER_PAGE)
    candidate_page = Paginator(matching, CANDIDATES_PER_PAGE).get_page(request.GET.get("cpage"))
    context = {
        "campaign": campaign,
        "archived": services.is_archived(campaign),
        "form": form,
        "page": page,
        "units": [(unit, names.get(unit.category, unit.category)) for unit in page.object_list],
        "category_choices": categories,
        "kind_choices": OrgKind.choices,
        "sorts": UNIT_SORTS,
        "sort": sort,
        "q": q,
        "cat": chosen_category,
        "cq": cq,
        "ckind": ckind,
        "candidate_page": candidate_page,
        "has_candidates": candidate_page.paginator.count > 0 or candidates.exists(),
        "total_units": selectors.unit_count(campaign),
    }
    return render(request, "campaigns/units.html", context)


def _back_query(request: HttpRequest) -> str:
    """The list state the POST came from (its form repeats the GET parameters), for the redirect."""
    keep = {name: request.POST.get(name, "") for name in ("q", "cat", "sort", "cq", "ckind")}
    text = listing.encode(keep)
    return f"?{text}" if text else ""


@login_required
@require_POST
def campaign_unit_remove(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    campaign, grant = access.organizer_access_for(request.user, pk)
    unit = access.unit_for(grant, unit_id)
    refused = _refused_when_archived(request, campaign, "campaigns:units")
    if refused:
        return refused
    try:
        services.campaign_remove_unit(
            campaign=campaign, unit=unit, actor=request.user, reason=request.POST.get("reason", "")
        )
    except services.CampaignError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已移除“%(name)s”") % {"name": unit.organization.name})
    return redirect("campaigns:units", pk)


@login_required
def scheme_versions(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, grant = access.campaign_for(request.user, pk)
    versions = list(campaign.scheme_versions.select_related("created_by").order_by("-number"))
    archived = services.is_archived(campaign)
    form = SchemeVersionForm(request.POST or None, request.FILES or None) if grant.organizer else None
    problems: list[str] = []
    if request.method == "POST":
        if form is None:
            raise Http404
        refused = _refused_when_archived(request, campaign, "campaigns:scheme")
        if refused:
            return refused
        if form.is_valid():
            problems = _upload_version(request, campaign, form)
            if not problems:
                return redirect("campaigns:scheme", pk)
    current = versions[0] if versions else None
    scheme = selectors.scheme_of(current) if current else None
    context = {
        "campaign": campaign,
        "access": grant,
        "versions": versions,
        "archived": archived,
        "form": None if archived else form,
        "problems": problems,
        "scheme": scheme,
        "overview": _scheme_overview(scheme) if scheme else None,
        "changes": selectors.version_changes(versions[1], versions[0]) if len(versions) > 1 else [],
    }
    return render(request, "campaigns/scheme.html", context)


def _scheme_overview(scheme: Any) -> dict[str, Any]:
    """Categories with their components' names, components with a Chinese method: never an id."""
    methods = {"indicators": _("指标评分"), "rating": _("现场测评"), "imported": _("导入分数")}
    names = {c.id: c.name for c in scheme.components}
    return {
        "categories": [(c.name, "、".join(names.get(i, i) for i in c.components)) for c in scheme.categories],
        "components": [(c.name, methods.get(str(c.method), str(c.method)), c.points) for c in scheme.components],
    }


def _upload_version(request: HttpRequest, campaign: Any, form: SchemeVersionForm) -> list[str]:
    upload = form.cleaned_data["scheme_file"]
    try:
        data = services.scheme_data_from_upload(filename=upload.name, content=upload.read(), title=campaign.name)
        version = services.scheme_version_upload(
            campaign=campaign,
            scheme_data=data,
            source_name=upload.name,
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except SchemeError as error:
        return services.problems_as_text(error.problems)
    except services.CampaignError as error:
        return error.messages
    messages.success(request, _("已保存方案第 %(number)d 版") % {"number": version.number})
    return []


@login_required
def scheme_diff(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.campaign_for(request.user, pk)
    versions = {v.number: v for v in campaign.scheme_versions.all()}
    old = versions.get(_int(request.GET.get("old")))
    new = versions.get(_int(request.GET.get("new")))
    if old is None or new is None:
        raise Http404
    changes = selectors.version_changes(old, new)
    context = {"campaign": campaign, "old": old, "new": new, "changes": changes}
    return render(request, "campaigns/scheme_diff.html", context)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1
