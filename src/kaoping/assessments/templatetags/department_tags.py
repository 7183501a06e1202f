"""The campaign page's warning about scheme departments no bureau department scores."""

from __future__ import annotations

from django import template

from kaoping.assessments.department_map import MappingRow, department_map
from kaoping.campaigns.models import Campaign

register = template.Library()


@register.simple_tag
def unmatched_departments(campaign: Campaign) -> list[MappingRow]:
    """Scheme departments matched to none of the bureau's departments (their items cannot be scored)."""
    return department_map(campaign).unmatched
