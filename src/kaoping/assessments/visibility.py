"""Which units' rows of the whole standings table a user sees: one selector for the page and its API twin.

The guard is ``CampaignAccess.can_see_standings`` (kaoping.campaigns.access); the rows are the units
the user may see, minus those they are recused from (``selectors.visible_units``). Results (a layer
above) read both through here, so the standings page and ``GET /api/results/{id}/standings`` can
never disagree about who sees which rows.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kaoping.assessments import selectors
from kaoping.campaigns.access import CampaignAccess
from kaoping.campaigns.models import CampaignUnit


def standings_units(user: object, access: CampaignAccess) -> QuerySet[CampaignUnit]:
    """The units whose standings rows the user sees, or 404 when they may not see the table at all."""
    if not access.can_see_standings:
        raise Http404
    return selectors.visible_units(user, access)
