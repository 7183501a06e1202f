"""Navigation for the signed-in user's roles, so every page they need is one click from home."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False


def navigation(request: HttpRequest) -> dict[str, list[NavItem]]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    items = [NavItem(_("首页"), reverse("web:home"))]
    path = request.path
    return {"nav_items": [NavItem(i.label, i.url, active=path == i.url) for i in items]}
