"""What assessments carries into next year's campaign (``campaigns.hooks.carry_over``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kaoping.assessments.models import DepartmentMapping
from kaoping.campaigns.models import Campaign


def carry_department_mapping(previous: Campaign, campaign: Campaign, actor: Any) -> list[str]:
    """The organizer's matching of scheme departments to the bureau's departments, as last year."""
    rows = [
        DepartmentMapping(
            campaign=campaign, scheme_name=row.scheme_name, department_id=row.department_id, updated_by=actor
        )
        for row in DepartmentMapping.objects.filter(campaign=previous).order_by("scheme_name")
    ]
    DepartmentMapping.objects.bulk_create(rows)
    return [_("沿用处室对应 %(count)s 条") % {"count": len(rows)}] if rows else []
