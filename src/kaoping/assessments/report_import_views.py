"""Pages for importing an existing self-evaluation report (``assessments/report_import.py``).

The unit's reporters import for their own unit; the campaign's organizers for any of its units
(a bureau holding years of reports in Word). Both go through the same checks as the web form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaoping.assessments import report_import, selectors, services
from kaoping.assessments.preview import self_preview
from kaoping.campaigns.access import campaign_for, unit_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.formats.report_text import MAX_REPORT_BYTES


def importing_unit(request: HttpRequest, campaign_id: int, unit_id: int) -> tuple[CampaignUnit, bool]:
    """(unit, whether the user reports for it): the unit's reporters, or an organizer of the
    campaign for any of its units; everyone else 404."""
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = unit_for(access, unit_id)
    reporter = access.can_report_for(unit.organization)
    if not (reporter or access.organizer):
        raise Http404
    return unit, reporter


def _context(unit: CampaignUnit, reporter: bool, **extra: Any) -> dict[str, Any]:
    scheme = selectors.scheme_for(unit.campaign)
    current = self_preview(unit, scheme)
    return {
        "campaign": unit.campaign,
        "unit": unit,
        "is_reporter": reporter,
        "closed_reason": report_import.closed_reason(unit),
        "current_total": current.total if current else None,
        "max_mb": MAX_REPORT_BYTES // 1024 // 1024,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_import_page(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """GET: the upload form; POST (a file): the preview, every row editable, nothing saved."""
    unit, reporter = importing_unit(request, campaign_id, unit_id)
    if request.method == "GET":
        return render(request, "assessments/report_import.html", _context(unit, reporter))
    upload = request.FILES.get("file")
    reason = report_import.closed_reason(unit)
    if reason:
        result = report_import.ReportPreview(problems=[reason])
    elif upload is None:
        result = report_import.ReportPreview(problems=[_("请选择要导入的自评报告(.docx 或 .txt)")])
    elif upload.size is not None and upload.size > MAX_REPORT_BYTES:
        result = report_import.ReportPreview(
            problems=[_("文件过大,自评报告上限为 %(mb)d MB") % {"mb": MAX_REPORT_BYTES // 1024 // 1024}]
        )
    else:
        result = report_import.preview(unit, upload.name or "", upload.read(), request.user)
    status = 422 if result.problems else 200
    context = _context(unit, reporter, preview=result)
    return render(request, "assessments/report_import.html", context, status=status)


@login_required
@require_POST
def report_import_confirm(request: HttpRequest, campaign_id: int, unit_id: int) -> HttpResponse:
    """Save the edited preview: every row or none."""
    unit, reporter = importing_unit(request, campaign_id, unit_id)
    try:
        result, saved = report_import.apply(unit, request.POST.get("payload", ""), request.POST, request.user)
    except services.AssessmentError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("assessments:report_import", args=[unit.campaign_id, unit.pk]))
    if not saved:
        if not result.errors:
            result.problems.append(_("没有勾选任何要导入的指标"))
        return render(request, "assessments/report_import.html", _context(unit, reporter, preview=result), status=422)
    messages.success(
        request,
        _("已从自评报告“%(file)s”导入 %(n)d 项") % {"file": result.file_name, "n": saved},
    )
    target = "assessments:unit_overview" if reporter else "assessments:report_import"
    return HttpResponseRedirect(reverse(target, args=[unit.campaign_id, unit.pk]))
