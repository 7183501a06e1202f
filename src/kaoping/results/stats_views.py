"""The 统计 page: how a category's units are spread over grades and scores, and its average by
year. Read from the stored result like every results page (``results.figures``); none computes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kaoping.assessments import selectors as assess
from kaoping.campaigns.access import campaign_for
from kaoping.results import figures, selectors, services
from kaoping.results.views import _computing, _poll_answer, _recompute_context, category_choice


@login_required
@require_GET
def stats(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not selectors.can_see_standings(access):
        raise Http404
    poll_url = f"{reverse('results:stats', args=[campaign.pk])}?poll=1"
    shown = services.standings(campaign)
    if request.GET.get("poll"):
        return _poll_answer(request, campaign, shown, poll_url)
    if shown.stored is None:
        return _computing(request, campaign, shown, poll_url)
    scheme = assess.scheme_for(campaign)
    visible = selectors.visible_stored_units(request.user, access)
    categories, chosen = category_choice(request, scheme, visible)
    context = {
        "campaign": campaign,
        "categories": categories,
        "category": chosen,
        "published": campaign.results_published,
        **_recompute_context(campaign, shown, poll_url),
    }
    if chosen is not None:
        context.update(figures.category_figures(request.user, campaign, access, scheme, chosen))
    return render(request, "results/stats.html", context)
