"""结果公示 pages: the organizer's publishing page, the notice for the campaign's units, a public
notice without sign-in when the organizer opens one, and the digest check anyone may use."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign, Phase
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.publication import services
from kaoping.publication.changes import Changes
from kaoping.publication.digest import spaced
from kaoping.publication.forms import PublishForm, VerifyForm
from kaoping.publication.models import PublishedUnit, PublishedVersion
from kaoping.publication.objections import open_count
from kaoping.results.services import standings


@dataclass(frozen=True)
class NoticeRow:
    rank: int | None
    name: str
    total: Decimal | None
    grade: str
    stars: str
    own: bool


@dataclass(frozen=True)
class NoticeCategory:
    id: str
    name: str
    rows: list[NoticeRow]


def _bureau(access: CampaignAccess) -> bool:
    return access.organizer or access.leader


def _version(campaign: Campaign, number: int) -> PublishedVersion:
    version = PublishedVersion.objects.filter(campaign=campaign, number=number).first()
    if version is None:
        raise Http404
    return version


def _categories(version: PublishedVersion, own_units: frozenset[int] = frozenset()) -> list[NoticeCategory]:
    """Every category of the version with its rows in the published order (what a paper notice lists)."""
    grouped: dict[str, list[NoticeRow]] = {}
    rows = PublishedUnit.objects.filter(version=version).order_by("position")
    fields = ("category", "rank", "name", "head", "unit__organization_id")
    for category, rank, name, head, org_id in rows.values_list(*fields):
        total = head[4] if head else None
        grouped.setdefault(category, []).append(
            NoticeRow(
                rank=rank,
                name=name,
                total=Decimal(total) if total is not None else None,
                grade=(head[6] or "") if head else "",
                stars=(head[7] or "") if head else "",
                own=org_id in own_units,
            )
        )
    names = version.category_names
    return [NoticeCategory(cid, names.get(cid) or _("未分类"), found) for cid, found in grouped.items()]


def _version_context(version: PublishedVersion) -> dict[str, Any]:
    return {
        "version": version,
        "digest_spaced": spaced(version.digest),
        "state": services.window_state(version),
        "superseded_by": PublishedVersion.objects.filter(campaign_id=version.campaign_id, number__gt=version.number)
        .order_by("-number")
        .values_list("number", flat=True)
        .first(),
    }


def _changes_context(changes: Changes | None, names: dict[str, str]) -> dict[str, Any]:
    if changes is None:
        return {"changes": None}
    units = [
        {
            "change": u,
            "category": names.get(u.category) or _("未分类"),
            "old_total": Decimal(u.old_total) if u.old_total is not None else None,
            "new_total": Decimal(u.new_total) if u.new_total is not None else None,
            "items": [
                {
                    "name": i.name,
                    "old": Decimal(i.old) if i.old is not None else None,
                    "new": Decimal(i.new) if i.new is not None else None,
                }
                for i in u.items
            ],
        }
        for u in changes.units
    ]
    return {"changes": units, "moved": changes.rank_or_grade_moved}


@login_required
@require_GET
def manage(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not _bureau(access):
        raise Http404
    return _manage_page(request, campaign, access, PublishForm(initial=_initial_window()))


def _initial_window() -> dict[str, Any]:
    start, end = services.default_window()
    return {"notice_start": start, "notice_end": end, "answer_working_days": 15}


def _manage_page(
    request: HttpRequest, campaign: Campaign, access: CampaignAccess, form: PublishForm, status: int = 200
) -> HttpResponse:
    versions = list(PublishedVersion.objects.filter(campaign=campaign).order_by("-number"))
    can_publish = access.organizer and campaign.phase == Phase.NOTICE and not is_archived(campaign)
    shown = standings(campaign)
    preview = services.preview_changes(campaign) if can_publish and versions else None
    names = services.category_names(campaign)
    context = {
        "campaign": campaign,
        "versions": [{**_version_context(v), "spaced": spaced(v.digest)} for v in versions],
        "latest": versions[0] if versions else None,
        "can_publish": can_publish,
        "organizer": access.organizer,
        "archived": is_archived(campaign),
        "phase_label": Phase(campaign.phase).label,
        "results_current": shown.current,
        "form": form,
        "preview": _changes_context(preview, names) if preview is not None else None,
        "notice_days": services.NOTICE_DAYS,
        "open_objections": open_count(campaign),
    }
    return render(request, "publication/manage.html", context, status=status)


@login_required
@require_POST
def publish(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    if is_archived(campaign):  # refused before anything is read or computed
        messages.error(request, archived_message())
        return redirect("publication:manage", campaign.pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, campaign, access, form, status=400)
    try:
        version = services.publish(
            campaign=campaign,
            actor=request.user,
            notice_start=form.cleaned_data["notice_start"],
            notice_end=form.cleaned_data["notice_end"],
            public=form.cleaned_data["public"],
            reason=form.cleaned_data["reason"],
            answer_working_days=form.cleaned_data["answer_working_days"] or 15,
        )
    except services.PublicationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _manage_page(request, campaign, access, form, status=409)
    shown = {"number": version.number, "digest": spaced(version.digest)}
    messages.success(request, _("已发布第 %(number)s 版公示,校验码 %(digest)s") % shown)
    return redirect("publication:version", campaign.pk, version.number)


@login_required
@require_GET
def version_detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not _bureau(access):
        raise Http404
    version = _version(campaign, number)
    context = {
        "campaign": campaign,
        "organizer": access.organizer,
        "archived": is_archived(campaign),
        "public_url": request.build_absolute_uri(reverse("publication:public", args=[version.public_key])),
        "intact": services.recheck(version),
        **_version_context(version),
        **_changes_context(Changes.from_data(version.changes) if version.number > 1 else None, version.category_names),
    }
    return render(request, "publication/version.html", context)


@login_required
@require_POST
def set_public(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    version = _version(campaign, number)
    public = request.POST.get("public") == "1"
    try:
        services.set_public(version=version, public=public, actor=request.user)
    except services.PublicationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已开放免登录公示页") if public else _("已关闭免登录公示页"))
    return redirect("publication:version", campaign.pk, number)


@login_required
@require_GET
def notice(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The notice for everyone with a role in the campaign: every category's ranks, totals, grades."""
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.any:
        raise Http404
    asked = request.GET.get("v", "")
    if asked.isascii() and asked.isdigit() and len(asked) < 9:
        version: PublishedVersion | None = _version(campaign, int(asked))
    else:
        version = services.latest(campaign)
    context: dict[str, Any] = {"campaign": campaign, "bureau": _bureau(access)}
    if version is not None:
        context.update(_version_context(version))
        context["categories"] = _categories(version, access.own_unit_ids)
    return render(request, "publication/notice.html", context)


@require_GET
def public_notice(request: HttpRequest, key: str) -> HttpResponse:
    """The paper notice on the web, without sign-in, only while the organizer keeps it open."""
    # keys are token_urlsafe: anything else (a NUL, which PostgreSQL refuses in text) is no key at all
    valid = len(key) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    version = (
        PublishedVersion.objects.select_related("campaign").filter(public_key=key, public=True).first()
        if valid
        else None
    )
    if version is None:
        raise Http404
    context = {**_version_context(version), "categories": _categories(version)}
    return render(request, "publication/public.html", context)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone holding a printed copy types its digest and sees what it belongs to."""
    form = VerifyForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "checked": False}
    if form.is_valid():
        version = services.find_by_digest(form.cleaned_data["digest"])
        context["checked"] = True
        if version is not None:
            context.update(_version_context(version))
            context["intact"] = services.recheck(version)
    return render(request, "publication/verify.html", context, status=200)
