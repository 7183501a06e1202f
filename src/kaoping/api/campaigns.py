"""Campaign API: the same access layer as the pages (a foreign campaign or unit → 404)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from kaoping.api.errors import errors_for
from kaoping.campaigns import access
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.readonly import is_archived
from kaoping.campaigns.selectors import scheme_categories

router = Router(auth=django_auth, tags=["campaigns"])


class CampaignOut(Schema):
    id: int
    name: str
    year: int | None
    owner: str
    phase: str
    phase_label: str
    results_published: bool


class DeadlineOut(Schema):
    phase: str
    deadline: datetime.datetime


class CategoryOut(Schema):
    id: str
    name: str
    units: int


class CampaignDetailOut(CampaignOut):
    scheme_version: int | None
    scheme_frozen: bool
    deadlines: list[DeadlineOut]
    categories: list[CategoryOut]
    organizer: bool
    read_only: bool  # archived (已归档): every write is refused with 409


class CampaignUnitOut(Schema):  # not "UnitOut": results has one, and OpenAPI components are named by class
    id: int
    organization_id: int
    name: str
    code: str
    category: str


def _campaign_out(campaign: Campaign) -> dict[str, object]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "year": campaign.year,
        "owner": campaign.owner.name,
        "phase": campaign.phase,
        "phase_label": str(campaign.get_phase_display()),
        "results_published": campaign.results_published,
    }


@router.get("/", response={200: list[CampaignOut], **errors_for()}, summary="我可访问的考核活动")
def list_campaigns(request: HttpRequest) -> list[dict[str, object]]:
    return [_campaign_out(c) for c in access.campaigns_for(request.user)]


@router.get("/{campaign_id}", response={200: CampaignDetailOut, **errors_for()}, summary="考核活动详情")
def campaign_detail(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    campaign, grant = access.campaign_for(request.user, campaign_id)
    units = list(access.units_for(grant))
    version = campaign.current_version()
    categories = [
        {"id": key, "name": name, "units": sum(1 for u in units if u.category == key)}
        for key, name in scheme_categories(campaign)
    ]
    return {
        **_campaign_out(campaign),
        "scheme_version": version.number if version else None,
        "scheme_frozen": campaign.scheme_frozen,
        "deadlines": [{"phase": d.phase, "deadline": d.deadline} for d in campaign.deadlines.order_by("deadline")],
        "categories": categories,
        "organizer": grant.organizer,
        "read_only": is_archived(campaign),
    }


@router.get(
    "/{campaign_id}/units", response={200: list[CampaignUnitOut], **errors_for()}, summary="参评单位(仅限可见范围)"
)
def campaign_units(request: HttpRequest, campaign_id: int) -> list[dict[str, object]]:
    _campaign, grant = access.campaign_for(request.user, campaign_id)
    return [
        {
            "id": u.pk,
            "organization_id": u.organization_id,
            "name": u.organization.name,
            "code": u.organization.code,
            "category": u.category,
        }
        for u in access.units_for(grant).order_by("category", "organization__path")
    ]
