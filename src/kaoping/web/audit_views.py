"""The audit trail's pages: an object's history (htmx partial) and a campaign's whole log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaoping.audit import selectors
from kaoping.campaigns import access
from kaoping.web.audit_access import history_for
from kaoping.web.audit_describe import describe


def _object_key(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")[:64]
    if "\x00" in value:
        # no stored key holds NUL, and PostgreSQL refuses even to compare text with it (was a 500)
        raise Http404
    return value


@login_required
def object_history(request: HttpRequest) -> HttpResponse:
    object_type = _object_key(request, "object_type")
    object_id = _object_key(request, "object_id")
    events = history_for(request.user, object_type, object_id)
    return render(request, "audit/_history.html", {"events": describe(events)})


@login_required
def campaign_log(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, _grant = access.organizer_access_for(request.user, pk)
    chain = selectors.campaign_chain(campaign.pk)
    page = selectors.chain_log(chain, request.GET.get("page"), per_page=50)
    context = {
        "campaign": campaign,
        "page": page,
        "lines": describe(page.object_list),
        "check": selectors.chain_check(chain, force=request.GET.get("verify") == "1"),
        "head": selectors.chain_head(chain),
    }
    return render(request, "audit/campaign_log.html", context)
