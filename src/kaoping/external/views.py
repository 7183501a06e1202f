"""The organizer's page of imported scores (scores assessed elsewhere, converted by the scheme)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.campaigns.selectors import current_scheme
from kaoping.engine.model import ComponentMethod
from kaoping.external import selectors, services


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("导入文件(CSV 或 XLSX,列:单位、考核项目、原始分、原始满分)"))
    reason = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def imported_scores(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    if not access.organizer:
        raise Http404
    problems: list[Any] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and is_archived(campaign):
        # refused before the form is read: the archive, not a missing file, is the reason
        context = _context(campaign, form, [archived_message()])
        return render(request, "external/imported_scores.html", context, status=409)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.imported_scores_import(
                campaign=campaign,
                actor=request.user,
                path_or_file=form.cleaned_data["file"],
                reason=form.cleaned_data["reason"],
            )
        except services.InputsError as error:
            problems = list(error.problems)
        except (services.ImportConflict, services.CampaignArchived) as error:
            return render(request, "external/imported_scores.html", _context(campaign, form, [str(error)]), status=409)
        else:
            messages.success(
                request,
                _("已导入:新增 %(created)d 条,修改 %(updated)d 条,未变 %(unchanged)d 条")
                % {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged},
            )
            return HttpResponseRedirect(reverse("external:imported_scores", args=[campaign.pk]))
    status = 400 if problems else 200
    return render(request, "external/imported_scores.html", _context(campaign, form, problems), status=status)


def _context(campaign: Any, form: UploadForm, problems: list[Any]) -> dict[str, Any]:
    scheme = current_scheme(campaign)
    stored = selectors.scores_by_component(campaign)
    components = []
    for component in scheme.components if scheme else ():
        if component.method is ComponentMethod.IMPORTED:
            conversion = component.conversion
            components.append(
                {
                    "component": component,
                    "raw_max": getattr(conversion, "raw_max", None),
                    "scores": stored.get(component.id, []),
                }
            )
    return {
        "campaign": campaign,
        "form": None if is_archived(campaign) else form,
        "archived": is_archived(campaign),
        "problems": problems,
        "components": components,
    }
