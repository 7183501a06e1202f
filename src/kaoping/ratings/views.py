"""Thin views: organizer pages, the rater's phone page and its JSON, the room board.

Responses on token paths are marked as already logged so Django's request logger never writes
the token-bearing path; every page sends ``Referrer-Policy: no-referrer`` (settings).
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kaoping import listing
from kaoping.campaigns import selectors as campaign_selectors
from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.readonly import is_archived
from kaoping.campaigns.selectors import current_scheme
from kaoping.ratings import ballots, goal_progress, keys, ratelimit, selectors, services, slips, tokens
from kaoping.ratings.models import RaterCredential, RatingSession, RevotePolicy, SessionStatus, SessionUnit, SlipBatch
from kaoping.ratings.token_pages import no_referrer, unlogged

# --------------------------------------------------------------------------------------------
# Organizer pages
# --------------------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not (access.organizer or access.leader):
        raise Http404
    scheme = current_scheme(campaign)
    components = [c for c in scheme.components if c.rating is not None] if scheme else []
    if request.method == "POST":
        if not access.organizer:
            raise Http404
        return _create_session(request, campaign, components)
    return render(
        request,
        "ratings/session_list.html",
        {
            "campaign": campaign,
            "sessions": selectors.sessions_with_component_names(campaign),
            "components": components,
            "can_manage": access.organizer,
            "archived": is_archived(campaign),
            "policies": RevotePolicy.choices,
        },
    )


def _create_session(request: HttpRequest, campaign: Any, components: list[Any]) -> HttpResponse:
    component_id = request.POST.get("component", "")
    name = request.POST.get("name", "").strip() or next((c.name for c in components if c.id == component_id), "")
    policy = request.POST.get("revote_policy", RevotePolicy.CHANGEABLE)
    if policy not in RevotePolicy.values:
        policy = RevotePolicy.CHANGEABLE
    order = _unit_order(campaign, request.POST.get("order", ""))
    show_goals = request.POST.get("show_goals") == "1"
    try:
        if isinstance(order, str):
            raise services.RatingError(400, order)
        session = services.session_create(
            campaign=campaign,
            component_id=component_id,
            name=name,
            revote_policy=policy,
            unit_order=order,
            show_goals=show_goals,
            actor=request.user,
        )
    except services.RatingError as error:
        messages.error(request, error.message)
        return redirect("ratings:session_list", campaign_id=campaign.pk)
    messages.success(request, _("已创建现场测评(测试模式)"))
    return redirect("ratings:session_detail", session_id=session.pk)


def _unit_order(campaign: Any, text: str) -> list[int] | None | str:
    """Unit codes or names, one per line → CampaignUnit ids; an error message on a bad line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    by_key = campaign_selectors.unit_ids_by_code_and_name(campaign)
    order = []
    for number, line in enumerate(lines, 1):
        if line not in by_key:
            return _("出场顺序第 %(n)d 行“%(text)s”不是本考核活动的单位") % {"n": number, "text": line}
        order.append(by_key[line])
    return order


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    if session.status == SessionStatus.CLOSED:
        keys.session_key_destroy(session.public_id)  # left behind only by a crash right after the close
    ok, head = services.chain_check(session)
    groups = selectors.group_names(session)
    return render(
        request,
        "ratings/session_detail.html",
        {
            "session": session,
            "units": selectors.session_units(session),
            **_credential_list(request, session, groups),
            "groups": groups,
            "batches": selectors.slip_batches(session),
            "chain_ok": ok,
            "chain_head": head,
            "board": selectors.board_state(session),
            "archived": is_archived(session.campaign),
        },
    )


CREDENTIAL_SORTS = (
    listing.SortOption("group", gettext_lazy("按评委组"), ("rater_group", "label", "pk")),
    listing.SortOption("name", gettext_lazy("按姓名"), ("label", "pk")),
    listing.SortOption("issued", gettext_lazy("按发放顺序"), ("pk",)),
)
CREDENTIAL_STATES = ("valid", "revoked")


def _credential_list(request: HttpRequest, session: RatingSession, groups: dict[str, str]) -> dict[str, Any]:
    """The slips searched by rater name, filtered by group and state, sorted, 100 a page; only the
    page's rows are unsealed (their own unit)."""
    q = listing.search_term(request)
    group = listing.choice(request, "group", list(groups))
    state = listing.choice(request, "state", CREDENTIAL_STATES)
    sort = listing.sort_option(request, CREDENTIAL_SORTS)
    credentials = selectors.session_credentials(session)
    total = credentials.count()
    if q:
        credentials = credentials.filter(label__icontains=q)
    if group:
        credentials = credentials.filter(rater_group=group)
    if state:
        credentials = credentials.filter(revoked=state == "revoked")
    page = listing.paginate(credentials.order_by(*sort.order), request)
    return {
        "credentials": selectors.credential_rows(session, page.object_list),
        "credential_page": page,
        "credential_total": total,
        "q": q,
        "group": group,
        "state": state,
        "sort": sort,
        "sorts": CREDENTIAL_SORTS,
        "filtered": bool(q or group or state),
    }


_SESSION_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "go_live": (services.session_go_live, _("已切换为正式模式,测试选票已清除")),
    "clear_test": (services.session_clear_test, _("测试选票已清除")),
    "close": (services.session_close, _("本场测评已结束")),
    "destroy_links": (services.session_destroy_links, _("评分码名单已销毁")),
    "show_goals": (
        functools.partial(services.session_set_show_goals, show_goals=True),
        _("评委手机页将展示被评单位的目标任务与重点工作进展"),
    ),
    "hide_goals": (
        functools.partial(services.session_set_show_goals, show_goals=False),
        _("评委手机页不再展示目标任务与重点工作进展"),
    ),
}


@login_required
@require_POST
def session_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    if action not in _SESSION_ACTIONS:
        raise Http404
    function, done = _SESSION_ACTIONS[action]
    try:
        function(session=session, actor=request.user)
    except services.RatingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("ratings:session_detail", session_id=session.pk)


@login_required
@require_POST
def unit_action(request: HttpRequest, session_id: int, unit_id: int, action: str) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    unit = get_object_or_404(SessionUnit, pk=unit_id, session=session)
    try:
        if action == "open":
            services.unit_open(session=session, session_unit=unit, actor=request.user)
        elif action == "close":
            services.unit_close(session=session, session_unit=unit, actor=request.user)
        else:
            raise Http404
    except services.RatingError as error:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"error": error.message}, status=error.status)
        messages.error(request, error.message)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True})
    return redirect("ratings:session_detail", session_id=session.pk)


@login_required
@require_POST
def credentials_issue(request: HttpRequest, session_id: int) -> HttpResponse:
    """Lines of "姓名,评委组,所在单位(代码或名称,可空)"."""
    session, _access = selectors.managed_session(request.user, session_id)
    try:
        services.session_writable(session)
    except services.RatingError as error:
        messages.error(request, error.message)
        return redirect("ratings:session_detail", session_id=session.pk)
    groups = selectors.group_names(session)
    group_by_text = {gid: gid for gid in groups} | {name: gid for gid, name in groups.items()}
    unit_by_text = campaign_selectors.unit_ids_by_code_and_name(session.campaign)
    raters, problems = [], []
    for number, line in enumerate(request.POST.get("raters", "").splitlines(), 1):
        parts = [p.strip() for p in line.replace(",", ",").split(",")]
        if not any(parts):
            continue
        label, group = parts[0], group_by_text.get(parts[1] if len(parts) > 1 else "", "")
        unit_text = parts[2] if len(parts) > 2 else ""
        if not group:
            problems.append(
                _("第 %(n)d 行:评委组不正确(可填:%(groups)s)") % {"n": number, "groups": "、".join(groups.values())}
            )
            continue
        if unit_text and unit_text not in unit_by_text:
            problems.append(_("第 %(n)d 行:所在单位“%(unit)s”不是本考核活动的单位") % {"n": number, "unit": unit_text})
            continue
        raters.append(services.RaterSpec(label=label, group=group, own_unit_id=unit_by_text.get(unit_text)))
    if problems:
        messages.error(request, ";".join(problems))
        return redirect("ratings:session_detail", session_id=session.pk)
    try:
        batch = services.credentials_issue(session=session, raters=raters, actor=request.user)
    except services.RatingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已生成 %(n)d 张评分条,请立即下载打印") % {"n": batch.count})
    return redirect("ratings:session_detail", session_id=session.pk)


@login_required
@require_POST
def credential_reissue(request: HttpRequest, session_id: int, credential_id: int) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    credential = get_object_or_404(RaterCredential, pk=credential_id, session=session)
    try:
        services.credential_reissue(credential=credential, actor=request.user)
    except services.RatingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("原评分条已作废,新的评分条已生成"))
    return redirect("ratings:session_detail", session_id=session.pk)


def _token_url(request: HttpRequest) -> Any:
    base = request.build_absolute_uri(reverse("ratings:exchange", kwargs={"token": "TOKEN"}))
    return lambda token: base.replace("TOKEN", token)


@login_required
@require_GET
def slip_download(request: HttpRequest, session_id: int, batch_id: int, fmt: str) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    batch = get_object_or_404(SlipBatch, pk=batch_id, session=session, destroyed=False)
    if fmt not in ("pdf", "csv", "xlsx"):
        raise Http404
    try:
        entries = batch.entries
    except keys.SessionKeyMissing as missing:
        messages.error(request, str(missing))
        return redirect("ratings:session_detail", session_id=session.pk)
    url = _token_url(request)
    if fmt == "pdf":
        body, kind = slips.slips_pdf(session.name, entries, url), "application/pdf"
    elif fmt == "csv":
        body, kind = slips.to_csv(slips.slips_rows(entries, url)), "text/csv; charset=utf-8"
    else:
        body = slips.to_xlsx(slips.slips_rows(entries, url), "评分条")
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(body, kind, f"rating-{session.pk}-slips-{batch.pk}.{fmt}")


def _attachment(body: bytes, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def ballots_export(request: HttpRequest, session_id: int) -> HttpResponse:
    session, _access = selectors.managed_session(request.user, session_id)
    rows = slips.raw_ballot_rows(selectors.raw_ballots(session), selectors.group_names(session))
    return _attachment(slips.to_csv(rows), "text/csv; charset=utf-8", f"rating-{session.pk}-ballots.csv")


# --------------------------------------------------------------------------------------------
# The room board
# --------------------------------------------------------------------------------------------


def _qr_data_uri(text: str) -> str:
    # Imported here, as the slip files' libraries are: it keeps the server's start-up short (T-A4).
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


@login_required
def board(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.board_session(request.user, session_id)
    join_url = request.build_absolute_uri(reverse("ratings:join", kwargs={"public_id": session.public_id}))
    return render(
        request,
        "ratings/board.html",
        {"session": session, "join_url": join_url, "join_qr": _qr_data_uri(join_url)},
    )


@login_required
@never_cache
def board_json(request: HttpRequest, session_id: int) -> JsonResponse:
    session = selectors.board_session(request.user, session_id)
    return JsonResponse(selectors.board_state(session), json_dumps_params={"ensure_ascii": False})


# --------------------------------------------------------------------------------------------
# Raters
# --------------------------------------------------------------------------------------------


def _rater_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return unlogged(render(request, "ratings/rater_error.html", {"message": message}, status=status))


def _signed_in(signed: services.SignedIn) -> HttpResponse:
    response = redirect("ratings:rater")
    credential = signed.credential
    response.set_cookie(
        tokens.COOKIE_NAME,
        tokens.rater_cookie(credential.pk, signed.sheet, str(credential.session.public_id), signed.own_unit_id),
        max_age=tokens.COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        path="/rating/",
        secure=request_is_secure_default(),
    )
    return unlogged(response)


def request_is_secure_default() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "SESSION_COOKIE_SECURE", False))


@no_referrer
@never_cache
@require_GET
def exchange(request: HttpRequest, token: str) -> HttpResponse:
    """The slip's QR: exchange the token for a cookie and leave the token-bearing URL at once."""
    client = ratelimit.client_ip(request)
    if ratelimit.LIMITER.blocked(client):
        return _too_many(_rater_error(request, _too_many_message(), 429))
    try:
        signed = services.credential_exchange(token=token)
    except services.RatingError as error:
        if error.status == 404 and _refused_over_limit(client, token):
            return _too_many(_rater_error(request, _too_many_message(), 429))
        return _rater_error(request, error.message, error.status)
    return _signed_in(signed)


def _refused_over_limit(client: str, code: str) -> bool:
    """Count a refused code; whether its client or its prefix was already over the ceiling.

    The prefix is checked only for refused codes, so knowing the start of a rater's slip never
    lets anyone lock that rater out; the client ceiling is also checked before any lookup."""
    over = ratelimit.LIMITER.blocked(client, code)
    ratelimit.LIMITER.record_failure(client, code)
    return over


def _too_many_message() -> str:
    return _("评分码错误次数过多,请稍候 1 分钟再试。如确认评分码无误,请联系会务人员。")


def _too_many(response: HttpResponse) -> HttpResponse:
    """429 for a client or code prefix over the limit of refused codes (kaoping.ratings.ratelimit)."""
    response["Retry-After"] = str(ratelimit.LIMITER.window)
    return unlogged(response)


@never_cache
def join(request: HttpRequest, public_id: str) -> HttpResponse:
    """The room's QR: opens the page, explains, and accepts a typed code. It cannot vote."""
    session = get_object_or_404(RatingSession, public_id=public_id)
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        client = ratelimit.client_ip(request)
        too_many = {"session": session, "error": _too_many_message()}
        if ratelimit.LIMITER.blocked(client):
            return _too_many(render(request, "ratings/join.html", too_many, status=429))
        try:
            signed = services.credential_exchange(token=code)
            if signed.credential.session_id != session.pk:
                raise services.RatingError(404, _("评分码无效,请核对评分条或联系会务人员"))
        except services.RatingError as error:
            if error.status == 404 and _refused_over_limit(client, code):
                return _too_many(render(request, "ratings/join.html", too_many, status=429))
            return unlogged(
                render(request, "ratings/join.html", {"session": session, "error": error.message}, status=error.status)
            )
        return _signed_in(signed)
    return _same_origin_referrer(render(request, "ratings/join.html", {"session": session}))


def _same_origin_referrer(response: HttpResponse) -> HttpResponse:
    # Under "no-referrer" Chromium sends "Origin: null" with a form POST and the CSRF check refuses
    # it; this page's URL holds no secret, so it may tell its own origin to itself.
    response["Referrer-Policy"] = "same-origin"
    return response


def _credential(request: HttpRequest) -> tuple[RaterCredential, tokens.RaterCookie] | None:
    signed = tokens.read_rater_cookie(request.COOKIES.get(tokens.COOKIE_NAME))
    if signed is None:
        return None
    credential = selectors.signed_credential(signed.credential_id, signed.session_public_id)
    return (credential, signed) if credential is not None else None


@no_referrer
@never_cache
@require_GET
def rater(request: HttpRequest) -> HttpResponse:
    found = _credential(request)
    if found is None:
        return _rater_error(request, _("请用手机扫描您的个人评分条上的二维码"), 403)
    credential, signed = found
    if credential.revoked:
        return _rater_error(request, _("该评分码已作废,请使用新的评分条"), 403)
    if credential.session.status == SessionStatus.CLOSED:
        return _rater_error(request, _("本场测评已结束,感谢参与"), 403)
    context = selectors.rater_page(credential, signed.sheet, signed.own_unit_id)
    if credential.session.show_goals:
        # Read-only and the same for every rater of a unit; the 3-second status poll never reads it.
        goals = goal_progress.session_goals(credential.session)
        for unit in context["units"]:
            unit["targets"] = goals.targets.get(unit["id"], [])
        context["goals"] = goals
    context["config"] = {
        "session": str(credential.session.public_id),
        "round": credential.session.round,
        "ballotUrl": reverse("ratings:ballot"),
        "statusUrl": reverse("ratings:rater_status"),
        "changeable": context["changeable"],
        "csrf": get_token(request),
    }
    return render(request, "ratings/rater.html", context)


@no_referrer
@never_cache
@require_GET
def rater_status(request: HttpRequest) -> JsonResponse:
    found = _credential(request)
    if found is None:
        return JsonResponse({"error": _("请重新扫描评分条")}, status=403)
    credential, signed = found
    return JsonResponse(
        selectors.rater_status(credential, signed.sheet, signed.own_unit_id), json_dumps_params={"ensure_ascii": False}
    )


@no_referrer
@never_cache
@require_POST
def ballot(request: HttpRequest) -> JsonResponse:
    """One grade for one unit. Header Idempotency-Key (UUID4); body {unit, grade, receipt}."""
    # The ballot write path (ratings.ballots) reads the credential inside its own checks; the view
    # only trusts the signature.
    signed = tokens.read_rater_cookie(request.COOKIES.get(tokens.COOKIE_NAME))
    if signed is None:
        return JsonResponse({"error": _("请重新扫描评分条")}, status=403)
    # Only JSON: a form body has been read as a form already (kaoping.web.input_guard), and the phone
    # page never sends one.
    parsed = _ballot_payload(request.body) if request.content_type == "application/json" else None
    if parsed is None:
        return JsonResponse({"error": _("提交的内容不完整,请刷新页面后重试")}, status=400)
    unit_id, grade, receipt, round_ = parsed
    try:
        result = ballots.ballot_submit(
            page_round=round_,
            credential_id=signed.credential_id,
            sheet=signed.sheet,
            session_public_id=signed.session_public_id,
            own_unit_id=signed.own_unit_id,
            session_unit_id=unit_id,
            grade=grade,
            idem_key=request.headers.get("Idempotency-Key"),
            receipt=receipt,
        )
    except services.RatingError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    return JsonResponse(
        {"receipt": result.receipt, "superseded": result.superseded, "stale": result.stale},
        status=result.status,
    )


def _ballot_payload(body: bytes) -> tuple[int, str, str, int | None] | None:
    """{unit, grade, receipt[, round]} with a unit id (and round) of plain ASCII digits (a JSON
    number or string) and string grade and receipt; None for anything else."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    unit, grade, receipt = _whole_number(payload.get("unit")), payload.get("grade"), payload.get("receipt")
    round_ = _whole_number(payload.get("round")) if "round" in payload else None
    if unit is None or ("round" in payload and round_ is None):
        return None
    if not isinstance(grade, str) or not isinstance(receipt, str):
        return None
    return unit, grade, receipt, round_


def _whole_number(value: Any) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


@never_cache
def receipt_check(request: HttpRequest, public_id: str) -> HttpResponse:
    """Anyone holding a receipt code can check that the ballot was counted (never its grade).

    The code travels in the form's body, never in the URL, so no access log pairs the person who
    checks (their address, the time) with a ballot."""
    session = get_object_or_404(RatingSession, public_id=public_id)
    context: dict[str, Any] = {"session": session}
    if request.method == "POST":
        code = request.POST.get("code", "").replace("-", "").replace(" ", "").strip().lower()[:64]
        if code:
            unit = selectors.receipt_lookup(session, tokens.receipt_hash(code))
            context.update(unit=unit, checked=True)
    return _same_origin_referrer(render(request, "ratings/receipt.html", context))
