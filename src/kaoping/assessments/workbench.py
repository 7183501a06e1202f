"""The workbench (评价工作台) and the departments' progress pages.

The workbench lists the units a reviewer or the organizer reviews, with search, category and status
filters, sorting and pages (all in the database, ``kaoping.listing``), and live counts that
htmx refreshes every 15 s (``?counts=1`` answers the counts fragment only). The organizer and the
bureau's leader see every department's scoring progress there, and may open a department's page
(read only: the items with scored / to score); a department scorer opens their own department's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET

from kaoping import listing
from kaoping.assessments import progress, selectors
from kaoping.assessments.models import SubmissionStatus
from kaoping.campaigns import selectors as campaign_selectors
from kaoping.campaigns.access import CampaignAccess, campaign_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.orgs import selectors as org_selectors
from kaoping.orgs.models import Department

REVIEW_PER_PAGE = 100
COUNTS_EVERY_SECONDS = 15

REVIEW_SORTS = (
    listing.SortOption("category", _l("按类别"), ("category", "organization__name", "pk")),
    listing.SortOption("name", _l("按单位名称"), ("organization__name", "pk")),
    listing.SortOption("status", _l("按自评状态"), ("status_value", "organization__name", "pk")),
)


def _review_units(user: object, access: CampaignAccess) -> QuerySet[CampaignUnit]:
    """The units this viewer reviews (organizer: all; reviewer: beneath their paths), minus recusals."""
    units = selectors.visible_units(user, access)
    if access.organizer:
        return units
    if not access.review_paths:
        return units.none()
    beneath = Q(pk__in=[])
    for path in access.review_paths:
        beneath |= Q(organization__path__startswith=path)
    return units.filter(beneath)


def _sees_all_departments(access: CampaignAccess) -> bool:
    return access.organizer or access.leader


@login_required
@require_GET
def campaign_home(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    review = _review_units(request.user, access)
    if request.GET.get("counts") and request.headers.get("HX-Request"):
        return render(request, "assessments/_workbench_counts.html", _counts_context(access, review))
    names = campaign_selectors.category_names(campaign)
    q = listing.search_term(request)
    category = listing.choice(request, "cat", list(names))
    status = listing.choice(request, "status", progress.STATUS_FILTERS)
    sort = listing.sort_option(request, REVIEW_SORTS)
    rows = review
    if q:
        rows = rows.filter(Q(organization__name__icontains=q) | Q(organization__code__icontains=q))
    if category:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(progress.status_condition(status))
    rows = rows.annotate(status_value=Coalesce("submission__status", Value(SubmissionStatus.DRAFT)))
    page = listing.paginate(rows.order_by(*sort.order), request, REVIEW_PER_PAGE)
    labels = dict(SubmissionStatus.choices)
    departments = selectors.user_departments(access)
    context: dict[str, Any] = {
        "campaign": campaign,
        "access": access,
        "my_units": list(selectors.visible_units(request.user, access).filter(organization_id__in=access.own_unit_ids)),
        "reviews": access.organizer or bool(access.review_paths),
        "review_rows": [
            (u, names.get(u.category, u.category), u.status_value, labels.get(u.status_value, ""))
            for u in page.object_list
        ],
        "page": page,
        "filtered": bool(q or category or status),
        "q": q,
        "cat": category,
        "status": status,
        "sort": sort,
        "sorts": REVIEW_SORTS,
        "category_choices": list(names.items()),
        "status_choices": [("waiting", _l("未提交(填报中或已退回)")), *SubmissionStatus.choices],
        "departments": departments,
        **_counts_context(access, review),
    }
    if _sees_all_departments(access):
        bureau_departments = list(org_selectors.bureau_departments(campaign.owner))
        context["department_progress"] = [
            p for p in progress.department_progress(campaign, bureau_departments, review) if p.items
        ]
    elif departments:
        context["department_progress"] = progress.department_progress(
            campaign, departments, selectors.visible_units(request.user, access)
        )
    return render(request, "assessments/campaign_home.html", context)


def _counts_context(access: CampaignAccess, review: QuerySet[CampaignUnit]) -> dict[str, Any]:
    reviews = access.organizer or bool(access.review_paths)
    return {
        "campaign": access.campaign,
        "counts": progress.status_counts(review) if reviews else None,
        "counts_every": COUNTS_EVERY_SECONDS,
    }


def _readable_department(access: CampaignAccess, department_id: object) -> tuple[Department, bool]:
    """A department the viewer may open, and whether they score for it. The organizer and the
    bureau's leader read every department of the campaign's bureau; a scorer opens their own."""
    mine = {str(d.pk): d for d in selectors.user_departments(access)}
    if str(department_id) in mine:
        return mine[str(department_id)], True
    if _sees_all_departments(access):
        department = org_selectors.bureau_departments(access.campaign.owner).filter(pk=_int(department_id)).first()
        if department is not None:
            return department, False
    raise Http404


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def department_items(request: HttpRequest, campaign_id: int, department_id: int) -> HttpResponse:
    """A department's items with scored / to score; links to the scoring grid for its scorers."""
    campaign, access = campaign_for(request.user, campaign_id)
    department, scores = _readable_department(access, department_id)
    units = selectors.visible_units(request.user, access)
    (shown,) = progress.department_progress(campaign, [department], units)
    return render(
        request,
        "assessments/department_items.html",
        {"campaign": campaign, "department": department, "progress": shown, "scores": scores},
    )
