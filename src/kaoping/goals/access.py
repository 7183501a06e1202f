"""Who may read and write targets and key tasks, from the user's ``CampaignAccess``.

- The bureau (organizer, leader, department scorers, its reviewers) reads everything: every target, every key
  task, the dashboard. Only the organizer creates and edits targets, tasks and milestones.
- A target is reported by whoever is responsible for it: the scorers of its department, or the
  reporters of its unit (the organizer may record a report too). A unit's reporters and leaders
  read their own unit's targets only; reviewers read the targets of the units they review.
- A key task's progress is reported by its lead and supporting departments (and the organizer);
  the lead department and the organizer tick off its milestones.

Anything else is a plain 404.
"""

from __future__ import annotations

from kaoping.campaigns.access import CampaignAccess
from kaoping.goals.models import KeyTask, Target


def sees_bureau(access: CampaignAccess) -> bool:
    """The bureau's organizers, leaders, department scorers and its own reviewers (督学 of the bureau;
    a reviewer of one county reads that county's units' targets only)."""
    if access.organizer or access.leader or access.department_ids:
        return True
    owner_path = access.campaign.owner.path
    return any(owner_path.startswith(path) for path in access.review_paths)


def sees_target(access: CampaignAccess, target: Target) -> bool:
    if sees_bureau(access):
        return True
    return target.unit is not None and access.can_see_unit(target.unit.organization)


def may_report_target(access: CampaignAccess, target: Target) -> bool:
    if access.organizer:
        return True
    if target.department_id is not None:
        return target.department_id in access.department_ids
    return target.unit is not None and access.can_report_for(target.unit.organization)


def may_report_task(access: CampaignAccess, task: KeyTask, supporting_ids: set[int]) -> bool:
    if access.organizer:
        return True
    return bool(access.department_ids & ({task.lead_id} | supporting_ids))


def may_tick_milestone(access: CampaignAccess, task: KeyTask) -> bool:
    return access.organizer or task.lead_id in access.department_ids
