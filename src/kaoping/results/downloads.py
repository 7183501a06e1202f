"""The Excel tables a bureau files: 汇总表, 明细表 and the live-rating 分组统计表.

Whoever may see the standings may download them (the same guard as the standings page and its
API), also after the campaign is archived. They are read from the stored result only: while a
recompute is due the answer is a 503 with a Chinese notice, as the API answers, never numbers
older than the data. The workbooks themselves are made by ``kaoping.formats.filing_xlsx``
(imported here only when a file is made, so start-up leaves openpyxl out).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kaoping.assessments import selectors as assess
from kaoping.campaigns.access import campaign_for
from kaoping.engine import codec
from kaoping.engine.model import ComponentMethod, Rounding, Scheme
from kaoping.engine.results import UnitResult
from kaoping.results import selectors, services
from kaoping.results.models import StoredUnitResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = {"summary": "考核结果汇总表", "detail": "考核得分明细表", "rating": "现场测评分组统计表"}
CHUNK = 200  # stored rows decoded at a time for the tables that need every item


class _Stale(Exception):
    """A stored row was written by an earlier version of Kaoping: the recompute rewrites it."""


@login_required
@require_GET
def table_xlsx(request: HttpRequest, campaign_id: int, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    campaign, access = campaign_for(request.user, campaign_id)
    if not selectors.can_see_standings(access):
        raise Http404
    shown = services.standings(campaign)
    if not shown.current or shown.stored is None:
        return _recomputing()
    scheme = assess.scheme_for(campaign)
    rows = selectors.visible_stored_units(request.user, access).order_by("position")
    from kaoping.formats import filing_xlsx

    heading = filing_xlsx.Heading(
        campaign=campaign.name,
        bureau=campaign.owner.name,
        date=_date(shown.stored.computed_at),
        version=str(shown.stored.seq),
    )
    places = scheme_places(scheme)
    try:
        if table == "summary":
            content = filing_xlsx.ranking_workbook(
                heading, category_blocks(scheme, services.listed_units(rows)), places
            )
        elif table == "detail":
            content = filing_xlsx.detail_workbook(heading, category_blocks(scheme, list(_full_units(rows))), places)
        else:
            blocks = _rating_blocks(scheme, list(_full_units(rows)), request.GET.get("component", ""))
            if not blocks:
                raise Http404
            content = filing_xlsx.rating_workbook(heading, blocks, places)
    except _Stale:
        return _recomputing()
    name = f"{campaign.name}{TABLES[table]}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _recomputing() -> HttpResponse:
    """The stored result is older than the data and a worker is recomputing it (as the API says)."""
    text = _("考核数据已变动,结果正在重新计算,请稍后再下载。")
    response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "30"
    return response


def _date(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def scheme_places(scheme: Scheme) -> Any:
    from kaoping.formats.filing_xlsx import Places

    def places(rounding: Rounding | None) -> int | None:
        return rounding.places if rounding is not None else None

    policy = scheme.rounding
    return Places(
        item=places(policy.item),
        component=places(policy.component),
        total=places(policy.total),
        rating=places(policy.rating),
    )


def _full_units(rows: QuerySet[StoredUnitResult]) -> Iterator[UnitResult]:
    """Every row's whole result (item trees and rating groups), decoded a chunk at a time."""
    for data in rows.values_list("data", flat=True).iterator(chunk_size=CHUNK):
        try:
            yield codec.decode_unit(data)
        except codec.StaleFormat:
            raise _Stale from None


def category_blocks(scheme: Scheme, units: list[UnitResult]) -> list[Any]:
    from kaoping.formats.filing_xlsx import CategoryBlock, ComponentHead

    by_category: dict[str, list[UnitResult]] = {}
    for unit in units:
        by_category.setdefault(unit.category, []).append(unit)
    stars = {tier.name: tier.stars for tier in scheme.stars}
    blocks = []
    for category in scheme.categories:
        if category.id not in by_category:
            continue
        heads = tuple(
            ComponentHead(c.id, c.name, c.points) for c in (scheme.component(cid) for cid in category.components)
        )
        blocks.append(CategoryBlock(category.name, scheme.max_for(category.id), heads, by_category[category.id], stars))
    return blocks


def _rating_blocks(scheme: Scheme, units: list[UnitResult], wanted: str) -> list[Any]:
    from kaoping.formats.filing_xlsx import ComponentHead, GroupHead, RatingBlock

    category_names = {c.id: c.name for c in scheme.categories}
    blocks = []
    for component in scheme.components:
        if component.method != ComponentMethod.RATING or component.rating is None:
            continue
        if wanted and component.id != wanted:
            continue
        taking = {c.id for c in scheme.categories if component.id in c.components}
        blocks.append(
            RatingBlock(
                component=ComponentHead(component.id, component.name, component.points),
                scale_max=component.rating.scale.scale_max,
                groups=tuple(GroupHead(g.id, g.name, g.weight) for g in component.rating.groups),
                units=[(category_names.get(u.category, ""), u) for u in units if u.category in taking],
            )
        )
    return blocks
