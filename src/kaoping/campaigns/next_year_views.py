"""The page that starts next year's campaign from this one (campaigns.next_year)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kaoping.campaigns import access, next_year, selectors
from kaoping.campaigns.forms import NextYearForm
from kaoping.campaigns.services import CampaignError


@login_required
def campaign_next_year(request: HttpRequest, pk: int) -> HttpResponse:
    campaign, grant = access.campaign_for(request.user, pk)
    if not grant.organizer:
        raise Http404
    year = campaign.year + 1 if campaign.year is not None else None
    initial = {"name": next_year.suggested_name(campaign, year), "year": year}
    form = NextYearForm(request.POST or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            created, lines = next_year.start_next_year(
                previous=campaign, name=form.cleaned_data["name"], year=form.cleaned_data["year"], actor=request.user
            )
        except CampaignError as error:
            problems = error.messages
        else:
            messages.success(request, _("下一年度考核已创建(草稿):") + ";".join(lines) + "。")
            return redirect("campaigns:detail", created.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "problems": problems,
        "refusal": next_year.refusal(campaign),
        "following": campaign.following if hasattr(campaign, "following") else None,
        "version": campaign.current_version(),
        "categories": selectors.units_by_category(campaign, campaign.participants.all()),
        "deadline_count": campaign.deadlines.count(),
    }
    return render(request, "campaigns/next_year.html", context)
