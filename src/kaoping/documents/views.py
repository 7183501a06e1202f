"""Downloads of the Word and PDF documents.

A unit's self-evaluation report: the campaign's organizers and the unit's own reporters; the
ranking notice (通报): the campaign's organizers and leaders. Archived campaigns still download.
Nothing computes the standings here: the documents read the stored self-assessment and the stored
result.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kaoping.assessments.selectors import scheme_for
from kaoping.campaigns.access import CampaignAccess, campaign_for, unit_for, units_for
from kaoping.campaigns.models import Campaign
from kaoping.documents import notice, selfreport, tasks
from kaoping.documents.forms import NoticeForm
from kaoping.documents.layout import Document
from kaoping.engine import codec
from kaoping.engine.results import UnitResult
from kaoping.jobs import selectors as jobs_selectors
from kaoping.jobs import services as jobs
from kaoping.jobs.models import JobState
from kaoping.jobs.views import progress_context
from kaoping.publication.digest import spaced
from kaoping.publication.models import PublishedUnit
from kaoping.publication.services import latest as latest_version
from kaoping.results import services
from kaoping.results.selectors import visible_stored_units

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render_document(document: Document, kind: str) -> bytes:
    # python-docx and reportlab are imported when a file is made: a restarted server is up sooner
    if kind == "docx":
        from kaoping.documents import docx_writer

        return docx_writer.to_docx(document)
    from kaoping.documents import pdf_writer

    return pdf_writer.to_pdf(document)


def download(document: Document, kind: str, name: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(render_document(document, kind)),
        as_attachment=True,
        filename=f"{name}.{kind}",
        content_type=CONTENT_TYPES[kind],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def self_report(request: HttpRequest, campaign_id: int, unit_id: int, kind: str) -> HttpResponse | FileResponse:
    if kind not in CONTENT_TYPES:
        raise Http404
    _campaign, access = campaign_for(request.user, campaign_id)
    unit = unit_for(access, unit_id)
    if not (access.organizer or access.can_report_for(unit.organization)):
        raise Http404
    try:
        document = selfreport.self_report(unit)
    except selfreport.ReportError as error:
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    return download(document, kind, document.title)


def _notice_access(request: HttpRequest, campaign_id: int) -> tuple[Campaign, CampaignAccess]:
    """The campaign's organizers and leaders (an archived campaign too: a download changes nothing)."""
    campaign, access = campaign_for(request.user, campaign_id)
    if not (access.organizer or access.leader):
        raise Http404
    return campaign, access


@login_required
@require_http_methods(["GET", "POST"])
def notice_form(request: HttpRequest, campaign_id: int) -> HttpResponse | FileResponse:
    """The 通报's form; a valid POST answers with the .docx or .pdf (nothing is stored)."""
    campaign, access = _notice_access(request, campaign_id)
    scheme = scheme_for(campaign)
    shown = services.standings(campaign)
    # a published version never changes: the notice made from it need not wait for a recompute
    ready = latest_version(campaign) is not None or (shown.current and shown.stored is not None)
    form = NoticeForm(request.POST or None, initial=notice.initial(campaign))
    error = ""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in CONTENT_TYPES:
            error = _("请选择下载 Word 文档或 PDF 文档。")
        elif not ready:
            error = _("考核结果正在重新计算,完成后才能生成通报。")
        elif form.is_valid():
            data = form.cleaned_data
            text = notice.NoticeText(
                issuer=data["issuer"],
                number=data["number"],
                title=data["title"],
                recipient=data["recipient"],
                body=data["body"],
                signature=data["signature"],
                day=data["day"],
            )
            units, source = _notice_units(request, campaign, access)
            document = notice.notice(campaign, scheme, text, units, source)
            return download(document, kind, text.title)
        else:
            error = _("通报未生成:请按提示修改标出的内容。")
    status = 422 if request.method == "POST" else 200
    context = {"campaign": campaign, "form": form, "ready": ready, "error": error}
    return render(request, "documents/notice_form.html", context, status=status)


def _notice_units(
    request: HttpRequest, campaign: Campaign, access: CampaignAccess
) -> tuple[list[UnitResult], notice.Source | None]:
    """The latest published version's units (with its digest), else the stored result's."""
    version = latest_version(campaign)
    if version is None:
        rows = visible_stored_units(request.user, access).order_by("category", "position")
        return services.listed_units(rows), None
    heads = PublishedUnit.objects.filter(version=version).order_by("category", "position")
    units = [codec.decode_unit(head if head is not None else data) for head, data in heads.values_list("head", "data")]
    return units, notice.Source(version.number, spaced(version.digest))


def batch_key(campaign: Campaign, user: object, kind: str) -> str:
    return f"documents:{campaign.pk}:{getattr(user, 'pk', 0)}:{kind}"


@login_required
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Every unit's report in one zip: started here, built by a task worker, progress on this page."""
    campaign, _access = _notice_access(request, campaign_id)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in CONTENT_TYPES:
            raise Http404
        title = _("生成全部单位自评报告(%(kind)s):%(campaign)s") % {
            "kind": "Word" if kind == "docx" else "PDF",
            "campaign": campaign.name,
        }
        params = {"campaign": campaign.pk, "kind": kind}
        jobs.request(
            batch_key(campaign, request.user, kind), title, tasks.build_reports_zip, params=params, user=request.user
        )
        return redirect("documents:batch", campaign.pk)
    latest = [job for kind in CONTENT_TYPES if (job := jobs.latest(batch_key(campaign, request.user, kind)))]
    latest.sort(key=lambda job: job.pk, reverse=True)
    context = {
        "campaign": campaign,
        "units": units_for(_access).count(),
        "progress": [progress_context(job) for job in latest],
    }
    return render(request, "documents/batch.html", context)


@login_required
@require_GET
def batch_download(request: HttpRequest, campaign_id: int, job_id: int) -> FileResponse:
    campaign, _access = _notice_access(request, campaign_id)
    job = jobs_selectors.own_job(request.user, job_id)
    if not job.key.startswith(f"documents:{campaign.pk}:") or job.state != JobState.DONE:
        raise Http404
    path = tasks.batch_path(campaign.pk, job.pk)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{campaign.name}-自评报告.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
