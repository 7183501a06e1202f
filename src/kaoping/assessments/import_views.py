"""Pages for bulk self-assessment from the unit's Excel 自评表 (``assessments/self_import.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaoping.assessments import selectors, self_import, services, uploads
from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.models import CampaignUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(unit: CampaignUnit, **extra: Any) -> dict[str, Any]:
    return {"campaign": unit.campaign, "unit": unit, "closed_reason": self_import.closed_reason(unit), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def self_import_page(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """GET: download and upload; POST (a file): the preview with every problem, nothing saved."""
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    if request.method == "GET":
        return render(request, "assessments/self_import.html", _context(unit))
    upload = request.FILES.get("file")
    reason = self_import.closed_reason(unit)  # first: an archived or closed campaign is the reason
    if reason:
        result = self_import.Preview(problems=[reason])
    elif upload is None:
        result = self_import.Preview(problems=[_("请选择填好的自评表文件(.xlsx)")])
    else:
        result = self_import.preview(unit, upload, request.user)
    status = 422 if result.problems else 200
    context = _context(unit, preview=result, file_name=getattr(upload, "name", "") or "")
    return render(request, "assessments/self_import.html", context, status=status)


@login_required
@require_GET
def self_import_template(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    response = HttpResponse(self_import.template_bytes(unit), content_type=XLSX)
    response["Content-Disposition"] = uploads.content_disposition(self_import.template_filename(unit))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def self_import_confirm(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.reporter_unit(request.user, access, unit_id)
    try:
        saved = self_import.apply(unit, request.POST.get("payload", ""), request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("assessments:self_import", args=[unit.campaign_id, unit.pk]))
    messages.success(request, _("已从 Excel 自评表导入 %(n)d 项") % {"n": saved})
    return HttpResponseRedirect(reverse("assessments:unit_overview", args=[unit.campaign_id, unit.pk]))
