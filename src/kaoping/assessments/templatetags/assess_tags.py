"""Template helpers for scores: Decimals without trailing zeros, missing shown as 缺失."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value: object) -> str:
    """12.5000 → "12.5", 3 → "3", None → ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@register.filter
def num_or_missing(value: object) -> str:
    return num(value) or _("缺失")
