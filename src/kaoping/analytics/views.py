"""The analytics page (organizers and administrators of the campaign only; anyone else 404)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kaoping.analytics import services
from kaoping.campaigns import readonly
from kaoping.campaigns.access import organizer_access_for
from kaoping.campaigns.models import Campaign
from kaoping.jobs.views import progress_context


@login_required
@require_GET
def analysis_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _access = organizer_access_for(request.user, campaign_id)
    state = services.shown(campaign)
    if request.GET.get("poll"):
        if state.current:
            response = HttpResponse(status=200)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "analytics/_status.html", _status(campaign, state))
    data: dict[str, Any] = state.stored.data if state.stored is not None else {}
    context = {
        "campaign": campaign,
        "analysis": state.stored,
        "data": data,
        **_status(campaign, state),
    }
    return render(request, "analytics/analysis.html", context)


def _status(campaign: Campaign, state: services.Shown) -> dict[str, Any]:
    poll_url = reverse("analytics:analysis", args=[campaign.pk]) + "?poll=1"
    context: dict[str, Any] = {
        "campaign": campaign,
        "stale": not state.current,
        "computed_at": state.stored.computed_at if state.stored is not None else None,
        "status_url": poll_url,
    }
    if state.job is not None:
        retry_url = reverse("analytics:compute", args=[campaign.pk])
        context.update(progress_context(state.job, poll_url=poll_url, retry_url=retry_url))
    return context


@login_required
@require_POST
def compute(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Start the analysis again (after a failure)."""
    campaign, _access = organizer_access_for(request.user, campaign_id)
    if readonly.is_archived(campaign):
        messages.error(request, readonly.archived_message())
    else:
        services.request_analysis(campaign, request.user)
    return HttpResponseRedirect(reverse("analytics:analysis", args=[campaign.pk]))
