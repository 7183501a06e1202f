"""``{% query page=2 %}``: the current list URL's query string with some parameters changed."""

from __future__ import annotations

from typing import Any

from django import template

from kaoping import listing

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context: Any, **changes: object) -> str:
    """``?`` + the request's query string with ``changes`` (``page`` kept only when given)."""
    request = context.get("request")
    if request is None:
        return "?" + listing.encode(changes)
    return "?" + listing.query_with(request, changes)
