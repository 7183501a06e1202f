"""评选 pages. Who may do what is ``selection.access``; every write goes through
``selection.services`` (and ``selection.votes`` for ballots)."""

from __future__ import annotations

import base64
import functools
import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.evidence import uploads
from kaoping.orgs.models import Organization
from kaoping.ratings import ratelimit, slips
from kaoping.ratings.token_pages import no_referrer, unlogged
from kaoping.selection import access as rights
from kaoping.selection import certificate, graded, rules, services, votes
from kaoping.selection.forms import NominationForm, ReviewForm, SelectionForm, VotersForm
from kaoping.selection.models import Kind, Method, Nomination, Phase, Selection


def _selection(request: HttpRequest, campaign_id: int, number: int) -> tuple[Selection, CampaignAccess]:
    campaign, access = campaign_for(request.user, campaign_id)
    selection = Selection.objects.filter(campaign=campaign, number=number).select_related("campaign").first()
    if selection is None:
        raise Http404
    return selection, access


def _organized(request: HttpRequest, campaign_id: int, number: int) -> Selection:
    selection, access = _selection(request, campaign_id, number)
    if not access.organizer:
        raise Http404
    return selection


def _nomination(request: HttpRequest, selection: Selection, access: CampaignAccess, number: int) -> Nomination:
    nomination = (
        Nomination.objects.filter(selection=selection, number=number)
        .select_related("organization", "selection__campaign")
        .first()
    )
    if nomination is None or not rights.sees_nomination(access, nomination, request.user):
        raise Http404
    return nomination


def _archived_or_404(
    request: HttpRequest, access: CampaignAccess | None, campaign: Campaign, route: str, *args: object
) -> HttpResponse:
    """A write the page did not offer: on an archived campaign the organizer is told why (nothing
    changes); otherwise (a closed step, or someone who may not write here) a plain 404."""
    if (access is None or access.organizer) and is_archived(campaign):
        messages.error(request, archived_message())
        return redirect(route, *args)
    raise Http404


def _refused(request: HttpRequest, error: services.SelectionError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- selections -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def selection_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    writable = access.organizer and not is_archived(campaign)
    form = SelectionForm(request.POST or None) if writable else None
    if request.method == "POST":
        if form is None:
            return _archived_or_404(request, access, campaign, "selection:list", campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            fields = services.SelectionFields(
                title=data["title"],
                quota=data["quota"],
                eligible_text=data["eligible_text"],
                nomination_start=data["nomination_start"],
                nomination_end=data["nomination_end"],
                rules=rules.build(
                    party_member=data["rule_party"], min_years=data["rule_years"], no_discipline=data["rule_discipline"]
                ),
                method=data["method"],
                rater_groups=data["rater_groups"],
            )
            try:
                selection = services.selection_create(campaign=campaign, fields=fields, actor=request.user)
            except services.SelectionError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("评选已创建"))
                return redirect("selection:detail", campaign.pk, selection.number)
    selections = list(Selection.objects.filter(campaign=campaign).order_by("number"))
    context = {"campaign": campaign, "selections": selections, "form": form, "archived": is_archived(campaign)}
    return render(request, "selection/list.html", context, status=400 if form is not None and form.errors else 200)


def _result_context(selection: Selection, access: CampaignAccess) -> dict[str, Any]:
    outcome = services.result(selection)
    if outcome is None or not (rights.sees_all(access) or selection.public_key):
        return {}
    return {"result": outcome}


@login_required
@require_GET
def detail(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    selection, access = _selection(request, campaign_id, number)
    nominations = Nomination.objects.filter(selection=selection).select_related("organization").order_by("number")
    shown = [n for n in nominations if rights.sees_nomination(access, n, request.user)]
    for nomination in shown:
        nomination.failures = rules.failures(selection.rules, nomination)  # type: ignore[attr-defined]
    writable = not is_archived(selection.campaign)
    context: dict[str, Any] = {
        "campaign": selection.campaign,
        "selection": selection,
        "rules": [rules.describe(r) for r in selection.rules],
        "groups_text": graded.describe_groups(selection.rater_groups),
        "grade_scale": _grade_scale(),
        "nominations": shown,
        "organizer": access.organizer and writable,
        "sees_all": rights.sees_all(access),
        "archived": not writable,
        "window_closed": services.window_message(selection),
        "may_nominate": rights.may_nominate(access) and writable,
        "voters": selection.voters.count() if rights.sees_all(access) else None,
        "ballots": selection.ballots.count() if rights.sees_all(access) and selection.phase == Phase.VOTING else None,
        "public_url": _public_url(request, selection),
        "notice_end": services.notice_end(selection),
        **_result_context(selection, access),
    }
    if access.organizer and selection.phase == Phase.CLOSED:
        context["recount"] = services.recount(selection)
    return render(request, "selection/detail.html", context)


def _grade_scale() -> str:
    """优秀 100、良好 85、一般 70、较差 50,不了解不计"""
    scale = "、".join(f"{name} {value}" for name, value in graded.GRADES)
    return _("%(scale)s;“%(abstain)s”不计") % {"scale": scale, "abstain": graded.ABSTAIN}


def _public_url(request: HttpRequest, selection: Selection) -> str:
    if not selection.public_key:
        return ""
    return request.build_absolute_uri(reverse("selection:public", args=[selection.public_key]))


# -- nominations ------------------------------------------------------------------------------------


def _nomination_form(request: HttpRequest, access: CampaignAccess) -> NominationForm:
    units = dict(Organization.objects.filter(pk__in=access.own_unit_ids).order_by("name").values_list("pk", "name"))
    kinds = ([Kind.RECOMMEND.value] if rights.may_recommend(access) else []) + [Kind.SELF.value]
    data = request.POST if request.method == "POST" else None
    return NominationForm(data, request.FILES or None, units=list(units.items()), kinds=kinds)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    selection, access = _selection(request, campaign_id, number)
    if not rights.may_nominate(access):
        raise Http404
    form = _nomination_form(request, access)
    closed = services.window_message(selection) or (is_archived(selection.campaign) and archived_message())
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organization = Organization.objects.get(pk=int(data["organization"]))
        kind = data["kind"]
        if kind == Kind.RECOMMEND and organization.pk not in access.reporter_unit_ids:
            form.add_error("kind", _("只有本单位的填报人可以代表单位推荐"))
        name = data["nominee_name"]
        if kind == Kind.SELF:
            name = getattr(request.user, "display_name", "") or request.user.get_username()
        if not form.errors:
            upload = data.get("evidence")
            fields = services.NominationFields(
                nominee_name=name,
                organization=organization,
                kind=kind,
                statement=data["statement"],
                party_member=data["party_member"],
                teaching_years=data["teaching_years"],
                disciplined=data["disciplined"],
            )
            try:
                nomination = services.nominate(
                    selection=selection,
                    fields=fields,
                    actor=request.user,
                    upload=upload,
                    upload_name=upload.name if upload else "",
                )
            except services.SelectionError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = error.status
            else:
                messages.success(request, _("推荐已提交,等待审核"))
                return redirect("selection:nomination", campaign_id, number, nomination.number)
    elif request.method == "POST":
        status = 400
    context = {
        "campaign": selection.campaign,
        "selection": selection,
        "form": form,
        "closed": closed,
        "rules": [rules.describe(r) for r in selection.rules],
    }
    return render(request, "selection/nominate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_page(request: HttpRequest, campaign_id: int, number: int, nomination_number: int) -> HttpResponse:
    selection, access = _selection(request, campaign_id, number)
    nomination = _nomination(request, selection, access, nomination_number)
    reviewable = access.organizer and not is_archived(selection.campaign) and selection.phase == Phase.NOMINATING
    form = ReviewForm(request.POST or None) if reviewable else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _archived_or_404(
                request, access, selection.campaign, "selection:nomination", campaign_id, number, nomination_number
            )
        if form.is_valid():
            try:
                services.review(
                    nomination=nomination,
                    admit=form.cleaned_data["decision"] == "admit",
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except services.SelectionError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = error.status
            else:
                messages.success(request, _("审核结果已保存"))
                return redirect("selection:detail", campaign_id, number)
        else:
            status = 400
    context = {
        "campaign": selection.campaign,
        "selection": selection,
        "nomination": nomination,
        "checks": rules.checks(selection.rules, nomination),
        "form": form,
        "sees_all": rights.sees_all(access),
    }
    return render(request, "selection/nomination.html", context, status=status)


@login_required
@require_GET
def evidence(request: HttpRequest, campaign_id: int, number: int, nomination_number: int) -> FileResponse:
    selection, access = _selection(request, campaign_id, number)
    nomination = _nomination(request, selection, access, nomination_number)
    if not nomination.evidence_stored:
        raise Http404
    return uploads.stored_file_response(nomination.evidence_stored, nomination.evidence_type, nomination.evidence_name)


# -- voters, vote, result (organizer) ---------------------------------------------------------------


def _token_url(request: HttpRequest) -> Any:
    base = request.build_absolute_uri(reverse("selection:exchange", kwargs={"token": "TOKEN"}))
    return lambda token: base.replace("TOKEN", token)


def _qr_data_uri(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def voters(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    """Issue voting slips and print them (names, QR codes, codes) until the vote closes."""
    selection = _organized(request, campaign_id, number)
    writable = not is_archived(selection.campaign) and selection.phase != Phase.CLOSED
    groups = list(graded.group_names(selection.rater_groups).items()) if selection.method == Method.GRADED else []
    form = VotersForm(request.POST or None, groups=groups) if writable else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _archived_or_404(request, None, selection.campaign, "selection:voters", campaign_id, number)
        if form.is_valid():
            try:
                issued = services.voters_issue(
                    selection=selection,
                    labels=form.cleaned_data["names"].splitlines(),
                    actor=request.user,
                    group=form.cleaned_data.get("group") or "",
                )
            except services.SelectionError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = error.status
            else:
                messages.success(request, _("已发放 %(n)d 张投票条") % {"n": issued})
                return redirect("selection:voters", campaign_id, number)
        else:
            status = 400
    try:
        entries = services.slip_entries(selection)
    except services.SelectionError as error:
        _refused(request, error)
        entries = []
    url = _token_url(request)
    rows = [{**entry, "url": url(entry["token"]), "qr": _qr_data_uri(url(entry["token"]))} for entry in entries]
    context = {"campaign": selection.campaign, "selection": selection, "form": form, "slips": rows, "groups": groups}
    return render(request, "selection/voters.html", context, status=status)


@login_required
@never_cache
@require_GET
def slips_pdf(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    selection = _organized(request, campaign_id, number)
    try:
        entries = services.slip_entries(selection)
    except services.SelectionError as error:
        _refused(request, error)
        return redirect("selection:voters", campaign_id, number)
    if not entries:
        raise Http404
    body = slips.slips_pdf(selection.title, entries, _token_url(request))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="selection-{selection.number}-slips.pdf"'
    response["Cache-Control"] = "no-store"
    return response


_ACTIONS = {"open": services.vote_open, "close": services.vote_close}


@login_required
@require_POST
def action(request: HttpRequest, campaign_id: int, number: int, name: str) -> HttpResponse:
    selection = _organized(request, campaign_id, number)
    done = {
        "open": _("投票已开始"),
        "close": _("投票已结束,计票完成"),
        "publish": _("评选结果已公示"),
    }
    if name not in done:
        raise Http404
    try:
        if name == "publish":
            services.publish(selection=selection, actor=request.user)
        else:
            _ACTIONS[name](selection=selection, actor=request.user)
    except services.SelectionError as error:
        _refused(request, error)
    else:
        messages.success(request, done[name])
    return redirect("selection:detail", campaign_id, number)


@login_required
@require_POST
def tie(request: HttpRequest, campaign_id: int, number: int) -> HttpResponse:
    selection = _organized(request, campaign_id, number)
    reason = request.POST.get("reason", "")[:1000]
    chosen = [int(v) for v in request.POST.getlist("chosen") if v.isascii() and v.isdigit() and len(v) < 9]
    try:
        services.tie_resolve(selection=selection, chosen=chosen, reason=reason, actor=request.user)
    except services.SelectionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("并列的决定已记录"))
    return redirect("selection:detail", campaign_id, number)


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, campaign_id: int, number: int, nomination_number: int) -> HttpResponse:
    selection, access = _selection(request, campaign_id, number)
    if not rights.sees_all(access) or not selection.public_key:
        raise Http404
    outcome = services.result(selection)
    row = next((r for r in outcome.selected if r.nomination.number == nomination_number), None) if outcome else None
    if row is None:
        raise Http404
    campaign: Campaign = selection.campaign
    body = certificate.certificate_pdf(
        name=row.nomination.nominee_name,
        organization=row.nomination.organization.name,
        title=selection.title,
        issuer=campaign.owner.name,
        on=selection.published_on or timezone.localdate(),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{selection.number}-{nomination_number}.pdf"'
    return response


# -- the public notice ------------------------------------------------------------------------------


@require_GET
def public(request: HttpRequest, key: str) -> HttpResponse:
    """The 公示 on the web without sign-in, under its unguessable key (as publication's notice)."""
    valid = len(key) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    selection = (
        Selection.objects.select_related("campaign__owner").filter(public_key=key).exclude(public_key="").first()
        if valid
        else None
    )
    if selection is None:
        raise Http404
    outcome = services.result(selection)
    context = {
        "selection": selection,
        "result": outcome,
        "notice_end": services.notice_end(selection),
    }
    return render(request, "selection/public.html", context)


# -- the voter's phone ------------------------------------------------------------------------------


def _voter_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return unlogged(render(request, "selection/voter_error.html", {"message": message}, status=status))


@no_referrer
@never_cache
@require_GET
def exchange(request: HttpRequest, token: str) -> HttpResponse:
    """The slip's QR: the token for a signed cookie, then away from the token-bearing URL."""
    client = ratelimit.client_ip(request)
    if ratelimit.LIMITER.blocked(client):
        return _voter_error(request, _("尝试次数过多,请稍后再试"), 429)
    try:
        signed = services.voter_exchange(token=token)
    except services.SelectionError as error:
        if error.status == 404:
            ratelimit.LIMITER.record_failure(client, token)
        return _voter_error(request, error.messages[0], error.status)
    response = redirect("selection:vote")
    response.set_cookie(
        votes.COOKIE_NAME,
        votes.voter_cookie(signed.voter.pk, signed.sheet, str(signed.voter.selection.public_id)),
        max_age=votes.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        path="/selection/",
        secure=request.is_secure(),
    )
    return unlogged(response)


def same_origin_referrer(view: Any) -> Any:
    """The ballot page carries no token in its address, so its form may send a same-origin
    referrer: with ``no-referrer`` a browser posts ``Origin: null`` and the CSRF check refuses it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


@same_origin_referrer
@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    cookie = votes.read_voter_cookie(request.COOKIES.get(votes.COOKIE_NAME))
    selection = Selection.objects.filter(public_id=cookie.selection_public_id).first() if cookie else None
    if cookie is None or selection is None:
        return _voter_error(request, _("请扫描投票条上的二维码进入投票"), 403)
    status, receipt, error = 200, "", ""
    is_graded = selection.method == Method.GRADED
    open_vote = selection.phase == Phase.VOTING
    chosen = votes.current_choices(cookie) if open_vote and not is_graded else []
    marks = votes.current_grades(cookie) if open_vote and is_graded else {}
    voted = bool(chosen or marks)
    if request.method == "POST":
        picked = [int(v) for v in request.POST.getlist("chosen") if v.isascii() and v.isdigit() and len(v) < 9]
        posted = {
            int(k[6:]): str(v)[:20]
            for k, v in request.POST.items()
            if k.startswith("grade-") and k[6:].isascii() and k[6:].isdigit() and len(k) < 15
        }
        try:
            cast = votes.ballot_submit(
                cookie=cookie,
                choices=picked,
                grades=posted,
                idem_key=request.POST.get("idem", ""),
                receipt=request.POST.get("receipt", ""),
            )
        except services.SelectionError as refused:
            status, error, chosen, marks, voted = refused.status, refused.messages[0], picked, posted, False
        else:
            status, receipt, chosen, marks, voted = cast.status, cast.receipt, sorted(set(picked)), posted, True
    candidates = services.admitted(selection) if open_vote else []
    for candidate in candidates:
        candidate.mark = marks.get(candidate.number, "")  # type: ignore[attr-defined]
    context = {
        "selection": selection,
        "graded": is_graded,
        "candidates": candidates,
        "grade_options": [*[(name, name) for name, _value in graded.GRADES], (graded.ABSTAIN_VALUE, graded.ABSTAIN)],
        "chosen": chosen,
        "voted": voted,
        "receipt": receipt,
        "error": error,
        "idem": uuid.uuid4(),
        "fresh_receipt": secrets.token_urlsafe(18),
        "over_quota": votes.over_quota_message(selection.quota),
        "ungraded": votes.ungraded_prompt(),
    }
    return unlogged(render(request, "selection/vote.html", context, status=status))
