"""Download links to the documents, shown only to whom the download would answer."""

from __future__ import annotations

from typing import Any

from django import template

from kaoping.campaigns.access import campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit

register = template.Library()


@register.inclusion_tag("documents/_self_report_links.html", takes_context=True)
def self_report_links(context: dict[str, Any], campaign: Campaign, unit: CampaignUnit) -> dict[str, Any]:
    """The unit's self-evaluation report (Word, PDF) for the campaign's organizers and its reporters."""
    request = context.get("request")
    user = getattr(request, "user", None)
    access = campaign_access(user, campaign) if user is not None and user.is_authenticated else None
    allowed = access is not None and (access.organizer or access.can_report_for(unit.organization))
    return {"campaign": campaign, "unit": unit, "allowed": allowed}


@register.inclusion_tag("documents/_campaign_links.html", takes_context=True)
def campaign_document_links(context: dict[str, Any], campaign: Campaign) -> dict[str, Any]:
    """The ranking notice (通报) and every unit's reports: the campaign's organizers and leaders."""
    request = context.get("request")
    user = getattr(request, "user", None)
    access = campaign_access(user, campaign) if user is not None and user.is_authenticated else None
    return {"campaign": campaign, "allowed": access is not None and (access.organizer or access.leader)}
