"""Who sees which commendation lists: published ones everyone in the campaign (its units, leaders,
reviewers, departments); drafts and approved lists only the organizers and administrators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kaoping.campaigns.access import CampaignAccess
from kaoping.commendation.models import CommendationList, ListState


def visible_lists(access: CampaignAccess) -> QuerySet[CommendationList]:
    rows = CommendationList.objects.filter(campaign=access.campaign)
    if access.organizer:
        return rows
    if not access.any:
        return rows.none()
    return rows.filter(state=ListState.PUBLISHED)


def list_of(access: CampaignAccess, number: object) -> CommendationList:
    try:
        wanted = int(str(number))
    except ValueError:
        raise Http404 from None
    found = visible_lists(access).filter(number=wanted).select_related("campaign", "approved_by", "created_by").first()
    if found is None:
        raise Http404
    return found
