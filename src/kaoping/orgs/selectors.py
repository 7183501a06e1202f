"""Reads for the organization pages, always scoped by ``kaoping.orgs.access``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kaoping.orgs.access import managed_bureaus, orgs_for
from kaoping.orgs.models import Department, Membership, Organization, Role, UnitCategory, User


@dataclass
class OrgNode:
    org: Organization
    children: list[OrgNode] = field(default_factory=list)


def org_tree(user: object) -> list[OrgNode]:
    """One tree per bureau the user manages, built from a single query."""
    return tree_of(list(orgs_for(user).order_by("path")))


def tree_of(orgs: list[Organization]) -> list[OrgNode]:
    """The forest of ``orgs`` (parents before children, e.g. ordered by ``path``)."""
    nodes = {o.pk: OrgNode(o) for o in orgs}
    roots: list[OrgNode] = []
    for org in orgs:
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent.children if parent else roots).append(nodes[org.pk])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.org.kind, n.org.name))
    return roots


def departments_for(user: object) -> QuerySet[Department]:
    bureau_ids = [b.pk for b in managed_bureaus(user)]
    return Department.objects.filter(bureau_id__in=bureau_ids).select_related("bureau").order_by("bureau", "name")


def categories_for(user: object) -> QuerySet[UnitCategory]:
    bureau_ids = [b.pk for b in managed_bureaus(user)]
    return UnitCategory.objects.filter(owner_id__in=bureau_ids).select_related("owner").order_by("owner", "code")


def memberships_for(user: object) -> QuerySet[Membership]:
    """Role assignments at organizations the user manages."""
    return (
        Membership.objects.filter(organization__in=orgs_for(user))
        .select_related("user", "organization", "department")
        .order_by("organization__path", "user__username")
    )


def membership_for(user: object, membership_id: int) -> Membership | None:
    return memberships_for(user).filter(pk=membership_id).first()


def users_beneath(bureaus: Iterable[Organization]) -> QuerySet[User]:
    """Users with a role at one of ``bureaus`` or beneath it: the only people these bureaus' managers
    may name (assign a role, set a password, recuse). Users of other bureaus are never listed."""
    condition = Q(pk__in=[])
    for bureau in bureaus:
        condition |= Q(memberships__organization__path__startswith=bureau.path)
    return User.objects.filter(condition).distinct().order_by("username")


def users_for(user: object) -> QuerySet[User]:
    """The users the organizer or administrator ``user`` may name."""
    return users_beneath(managed_bureaus(user))


def campaign_people(campaign_owner: Organization) -> QuerySet[User]:
    """Users of the campaign's bureau and beneath it, and the reviewers above it who review its units."""
    ancestor_ids = [int(x) for x in campaign_owner.path.strip("/").split("/") if x]
    own = Q(memberships__organization__path__startswith=campaign_owner.path)
    reviewers_above = Q(memberships__role=Role.REVIEWER, memberships__organization_id__in=ancestor_ids)
    return User.objects.filter(own | reviewers_above).distinct().order_by("username")


def password_user_ids(user: object) -> set[int]:
    """Users whose password this manager may set: all their roles lie within the manager's bureaus."""
    inside = set(memberships_for(user).values_list("user_id", flat=True))
    outside = set(
        Membership.objects.filter(user_id__in=inside)
        .exclude(organization__in=orgs_for(user))
        .values_list("user_id", flat=True)
    )
    return inside - outside - {getattr(user, "pk", None)}


def user_named(username: str) -> User | None:
    """The account with this user name, whoever's it is (the caller must not reveal a foreign one)."""
    return User.objects.filter(username=username).first()


def bureau_departments(bureau: Organization) -> QuerySet[Department]:
    """The bureau's departments (处室), by name."""
    return Department.objects.filter(bureau=bureau).order_by("name")
