"""Every security-sensitive lookup of an organization goes through here.

A foreign object is always answered with 404 (``Http404``), never a 403 that confirms it exists.
Views, the API and the CLI call these functions instead of filtering querysets themselves. What a
user may do in a campaign is ``kaoping.campaigns.access`` (campaigns build on organizations).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from kaoping.orgs.models import Membership, Organization, Role


def user_memberships(user: object) -> list[Membership]:
    """The user's memberships, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_kaoping_memberships", None)
    if cached is None:
        user_id: int = getattr(user, "pk", 0)
        cached = list(Membership.objects.filter(user_id=user_id).select_related("organization", "department"))
        user._kaoping_memberships = cached  # type: ignore[attr-defined]
    return cached


def ancestor_or_self(org: Organization, owner: Organization) -> bool:
    return org.path.startswith(owner.path)


def as_int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None


# --- Organizations: which bureaus a user manages, and which units lie beneath them ---------------

MANAGING_ROLES = (Role.ORGANIZER, Role.ADMIN)


def managed_bureaus(user: object) -> list[Organization]:
    """Bureaus where the user is organizer or administrator (the roots of what they manage)."""
    bureaus = {m.organization.pk: m.organization for m in user_memberships(user) if m.role in MANAGING_ROLES}
    return sorted(bureaus.values(), key=lambda org: org.path)


def orgs_for(user: object) -> QuerySet[Organization]:
    """Every organization the user manages: their bureaus and everything beneath them."""
    condition = Q(pk__in=[])
    for bureau in managed_bureaus(user):
        condition |= Q(path__startswith=bureau.path)
    return Organization.objects.filter(condition).select_related("parent", "category")


def org_for(user: object, org_id: object) -> Organization:
    """One organization the user manages, or 404 (never a hint that it exists)."""
    org = orgs_for(user).filter(pk=as_int(org_id)).first()
    if org is None:
        raise Http404
    return org


def bureau_for(user: object, org_id: object) -> Organization:
    """One of the user's own bureaus (where they hold organizer/admin), or 404."""
    for bureau in managed_bureaus(user):
        if str(bureau.pk) == str(org_id):
            return bureau
    raise Http404


def manager_of(user: object, organization: Organization) -> bool:
    return any(organization.path.startswith(b.path) for b in managed_bureaus(user))
