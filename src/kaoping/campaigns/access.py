"""What one user may do in one campaign: every security-sensitive campaign lookup goes through here.

A foreign campaign or unit is always answered with 404 (``Http404``), never a 403 that confirms it
exists. Built on the user's memberships (``kaoping.orgs.access``); views, the API and the CLI call
these functions instead of filtering querysets themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.access import ancestor_or_self, as_int, user_memberships
from kaoping.orgs.models import Organization, Role


@dataclass(frozen=True)
class CampaignAccess:
    """What one user may do in one campaign, derived from their memberships."""

    campaign: Campaign
    organizer: bool = False  # manages the campaign (organizer or admin of the owning bureau)
    leader: bool = False  # leader of the owning bureau: reads everything, changes nothing
    review_paths: tuple[str, ...] = ()  # reviewer: units beneath these org paths
    department_ids: frozenset[int] = frozenset()  # department scorer: items of these departments
    reporter_unit_ids: frozenset[int] = frozenset()  # reporter: fills in these units' own data
    unit_leader_ids: frozenset[int] = frozenset()  # leader at a unit: reads that unit's own data, writes nothing
    scorer_unit_scope: tuple[str, ...] = field(default=())  # department scorers see units beneath these paths

    @property
    def any(self) -> bool:
        return bool(
            self.organizer
            or self.leader
            or self.review_paths
            or self.department_ids
            or self.reporter_unit_ids
            or self.unit_leader_ids
        )

    @property
    def own_unit_ids(self) -> frozenset[int]:
        """Units whose own data (self-assessment, evidence, published result) the user reads as
        that unit: its reporters and its leaders. Only reporters may change it (``can_report_for``)."""
        return self.reporter_unit_ids | self.unit_leader_ids

    @property
    def sees_all_units(self) -> bool:
        return self.organizer or self.leader or bool(self.department_ids)

    @property
    def can_see_results(self) -> bool:
        """Standings before publication are for the bureau only; units wait for publication."""
        return self.organizer or self.leader or bool(self.review_paths) or self.campaign.results_published

    @property
    def can_see_standings(self) -> bool:
        """The whole standings table (page and API alike): the bureau (organizer, leader, reviewers)
        any time; departments once published. A unit reads only its own result, once published."""
        if self.organizer or self.leader or self.review_paths:
            return True
        return self.campaign.results_published and bool(self.department_ids)

    def can_see_unit(self, organization: Organization) -> bool:
        if self.sees_all_units or organization.pk in self.own_unit_ids:
            return True
        return any(organization.path.startswith(path) for path in self.review_paths)

    def can_review_unit(self, organization: Organization) -> bool:
        return self.organizer or any(organization.path.startswith(path) for path in self.review_paths)

    def can_report_for(self, organization: Organization) -> bool:
        """May fill in and submit the unit's self-assessment: its reporters only, never its leaders."""
        return organization.pk in self.reporter_unit_ids

    def can_read_as_unit(self, organization: Organization) -> bool:
        """May read what the unit itself sees of its own data (reporters and leaders at the unit)."""
        return organization.pk in self.own_unit_ids


def campaign_access(user: object, campaign: Campaign) -> CampaignAccess:
    owner = campaign.owner
    organizer = leader = False
    review_paths: list[str] = []
    departments: set[int] = set()
    unit_roles: dict[str, set[int]] = {Role.REPORTER: set(), Role.LEADER: set()}
    participant_ids: set[int] | None = None
    for m in user_memberships(user):
        org = m.organization
        if m.role in (Role.ORGANIZER, Role.ADMIN) and org.pk == owner.pk:
            organizer = True
        elif m.role == Role.LEADER and org.pk == owner.pk:
            leader = True
        elif m.role == Role.REVIEWER and ancestor_or_self(org, owner):
            review_paths.append(org.path)
        elif m.role == Role.DEPARTMENT_SCORER and m.department and m.department.bureau_id == owner.pk:
            departments.add(m.department.pk)
        elif m.role in unit_roles:
            # a reporter or a leader at a participating unit: kept apart, a leader never writes
            if participant_ids is None:
                participant_ids = set(campaign.participants.values_list("organization_id", flat=True))
            if org.pk in participant_ids:
                unit_roles[m.role].add(org.pk)
    return CampaignAccess(
        campaign=campaign,
        organizer=organizer or bool(getattr(user, "is_superuser", False)),
        leader=leader,
        review_paths=tuple(review_paths),
        department_ids=frozenset(departments),
        reporter_unit_ids=frozenset(unit_roles[Role.REPORTER]),
        unit_leader_ids=frozenset(unit_roles[Role.LEADER]),
    )


def campaigns_for(user: object) -> QuerySet[Campaign]:
    """Every campaign the user has some role in."""
    if getattr(user, "is_superuser", False):
        return Campaign.objects.all()
    condition = Q(pk__in=[])
    for m in user_memberships(user):
        org = m.organization
        if m.role in (Role.ORGANIZER, Role.ADMIN, Role.LEADER):
            condition |= Q(owner=org)
        if m.role == Role.REVIEWER:
            # the reviewer's own bureau's campaigns and those of bureaus above it
            ancestor_ids = [int(x) for x in org.path.strip("/").split("/") if x]
            condition |= Q(owner_id__in=ancestor_ids)
        if m.role == Role.DEPARTMENT_SCORER and m.department:
            condition |= Q(owner_id=m.department.bureau_id)
        if m.role in (Role.REPORTER, Role.LEADER):
            condition |= Q(participants__organization=org)
    return Campaign.objects.filter(condition).distinct().select_related("owner")


def campaign_for(user: object, campaign_id: object) -> tuple[Campaign, CampaignAccess]:
    """The campaign and the user's access to it, or 404 when the user has no role in it."""
    campaign = Campaign.objects.select_related("owner").filter(pk=as_int(campaign_id)).first()
    if campaign is None:
        raise Http404
    access = campaign_access(user, campaign)
    if not access.any:
        raise Http404
    return campaign, access


def units_for(access: CampaignAccess) -> QuerySet[CampaignUnit]:
    """The campaign's units whose data this access may see."""
    units = CampaignUnit.objects.filter(campaign=access.campaign).select_related("organization")
    if access.sees_all_units:
        return units
    condition = Q(organization_id__in=list(access.own_unit_ids))
    for path in access.review_paths:
        condition |= Q(organization__path__startswith=path)
    return units.filter(condition)


def unit_for(access: CampaignAccess, unit_id: object) -> CampaignUnit:
    """One participating unit (by CampaignUnit id) the access may see, or 404."""
    unit = units_for(access).filter(pk=as_int(unit_id)).first()
    if unit is None:
        raise Http404
    return unit


def organizer_access_for(user: object, campaign_id: object) -> tuple[Campaign, CampaignAccess]:
    """A campaign the user organizes, or 404 — also for people who may only read it, so a write
    URL never confirms anything to them."""
    campaign, access = campaign_for(user, campaign_id)
    if not access.organizer:
        raise Http404
    return campaign, access
