"""The audit trail: an object's history (htmx partial) and a campaign's whole log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaoping.audit import selectors
from kaoping.orgs import access


@login_required
def object_history(request: HttpRequest) -> HttpResponse:
    object_type = request.GET.get("object_type", "")[:64]
    object_id = request.GET.get("object_id", "")[:64]
    events = selectors.history_for(request.user, object_type, object_id)
    return render(request, "audit/_history.html", {"events": events})


@login_required
def campaign_log(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.organizer_access_for(request.user, pk)
    context = {
        "campaign": campaign,
        "page": selectors.campaign_log(campaign, request.GET.get("page"), per_page=50),
        "check": selectors.campaign_chain_check(campaign, force=request.GET.get("verify") == "1"),
        "head": selectors.chain_head(campaign),
    }
    return render(request, "audit/campaign_log.html", context)
