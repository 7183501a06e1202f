"""Organization API for organizers and administrators (beneath their bureau; else 404)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from kaoping.api.errors import errors_for
from kaoping.orgs import access
from kaoping.orgs.models import Organization

router = Router(auth=django_auth, tags=["orgs"])


class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    category: str | None


def _org_out(org: Organization) -> dict[str, object]:
    return {
        "id": org.pk,
        "name": org.name,
        "code": org.code,
        "kind": org.kind,
        "parent_id": org.parent_id,
        "category": org.category.code if org.category else None,
    }


@router.get("/", response={200: list[OrgOut], **errors_for()}, summary="本局及下属单位")
def list_orgs(request: HttpRequest) -> list[dict[str, object]]:
    return [_org_out(o) for o in access.orgs_for(request.user).order_by("path")]


@router.get("/{org_id}", response={200: OrgOut, **errors_for()}, summary="单位详情")
def org_detail(request: HttpRequest, org_id: int) -> dict[str, object]:
    return _org_out(access.org_for(request.user, org_id))
