"""Excel files made from a published version (every sheet's subtitle carries its digest) and the
异议登记表. The bureau's organizers and leader download them; a published version never changes, so
unlike the live tables these never wait for a recompute."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kaoping.assessments import selectors as assess
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import Campaign
from kaoping.engine import codec
from kaoping.publication import objections
from kaoping.publication.digest import spaced
from kaoping.publication.models import PublishedUnit, PublishedVersion
from kaoping.results.downloads import XLSX, category_blocks, scheme_places

TABLES = {"summary": "考核结果汇总表", "detail": "考核得分明细表"}


def _bureau(request: HttpRequest, campaign_id: int) -> tuple[Campaign, CampaignAccess]:
    campaign, access = campaign_for(request.user, campaign_id)
    if not (access.organizer or access.leader):
        raise Http404
    return campaign, access


def _date(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def version_table(request: HttpRequest, campaign_id: int, number: int, table: str) -> HttpResponse:
    campaign, _access = _bureau(request, campaign_id)
    version = PublishedVersion.objects.filter(campaign=campaign, number=number).first()
    if version is None or table not in TABLES:
        raise Http404
    from kaoping.formats import filing_xlsx

    heading = filing_xlsx.Heading(
        campaign=version.campaign_name,
        bureau=version.bureau_name,
        date=_date(version.published_at),
        version=f"第{version.number}版公示  校验码 {spaced(version.digest)}",
    )
    scheme = assess.scheme_for(campaign)
    rows = PublishedUnit.objects.filter(version=version).order_by("position")
    field = "head" if table == "summary" else "data"
    units = [codec.decode_unit(value) for value in rows.values_list(field, flat=True)]
    blocks = category_blocks(scheme, units)
    places = scheme_places(scheme)
    if table == "summary":
        content = filing_xlsx.ranking_workbook(heading, blocks, places)
    else:
        content = filing_xlsx.detail_workbook(heading, blocks, places)
    return _xlsx(content, f"{version.campaign_name}{TABLES[table]}(第{version.number}版公示).xlsx")


@login_required
@require_GET
def objection_register(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, _access = _bureau(request, campaign_id)
    from kaoping.formats import filing_xlsx

    def when(moment: datetime.datetime | None) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    rows = [
        filing_xlsx.ObjectionRow(
            unit=o.unit.organization.name,
            number=o.number,
            target=o.item_name,
            reasons=o.reasons,
            filed=when(o.filed_at),
            due=o.due_on.isoformat(),
            state=str(o.get_state_display()),
            assignee=str(o.assignee) if o.assignee else "",
            answer=o.answer,
            answered=when(o.answered_at),
            overdue=objections.overdue(o),
        )
        for o in objections.register(campaign).order_by("filed_at", "pk")
    ]
    heading = filing_xlsx.Heading(
        campaign=campaign.name, bureau=campaign.owner.name, date=_date(timezone.now()), version=""
    )
    return _xlsx(filing_xlsx.objection_workbook(heading, rows), f"{campaign.name}异议登记表.xlsx")
