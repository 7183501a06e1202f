"""Who may do what in 评选, from the user's ``CampaignAccess``.

- The organizer opens selections, reviews nominations, issues voting slips, runs the vote, decides a
  tie, publishes the 公示 and prints certificates. The bureau's leaders read everything.
- A participating unit's reporter nominates for the unit (组织推荐); anyone belonging to a
  participating unit (reporter or leader) may nominate themself (个人自荐). They read the
  nominations of their own units and those they made.
- Everyone with a role in the campaign sees the selections, and the result once it is published.
"""

from __future__ import annotations

from typing import Any

from kaoping.campaigns.access import CampaignAccess
from kaoping.selection.models import Nomination


def sees_all(access: CampaignAccess) -> bool:
    return access.organizer or access.leader


def may_nominate(access: CampaignAccess) -> bool:
    return bool(access.own_unit_ids)


def may_recommend(access: CampaignAccess) -> bool:
    return bool(access.reporter_unit_ids)


def sees_nomination(access: CampaignAccess, nomination: Nomination, user: Any) -> bool:
    if sees_all(access):
        return True
    if nomination.organization_id in access.own_unit_ids:
        return True
    return nomination.nominated_by_id is not None and nomination.nominated_by_id == getattr(user, "pk", None)
