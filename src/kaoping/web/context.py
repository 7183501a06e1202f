"""Navigation for the signed-in user's roles, so every page they need is one click from home."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.inbox import services as inbox
from kaoping.orgs import access
from kaoping.web.security import MUST_CHANGE_PASSWORD, OTP_REQUIRED


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool = False
    # Further path prefixes that belong to this section: every page of a campaign (self-assessment,
    # scoring, review, standings, live rating, audit log) sits under 考核活动.
    also: tuple[str, ...] = ()


def nav_items_for(user: object) -> list[NavItem]:
    campaign_pages = (
        "/assess/",
        "/results/",
        "/external/",
        "/rating/campaign/",
        "/rating/sessions/",
        "/audit/",
        "/rectification/",
    )
    items = [
        NavItem(_("首页"), reverse("web:home")),
        NavItem(_("考核活动"), reverse("campaigns:list"), also=campaign_pages),
        NavItem(_("目标任务"), reverse("goals:index")),
    ]
    if access.managed_bureaus(user):
        items += [NavItem(_("单位"), reverse("orgs:tree")), NavItem(_("用户"), reverse("orgs:users"))]
    return items


def active_item(items: list[NavItem], path: str) -> NavItem | None:
    """The section the page belongs to: the longest matching prefix ("/orgs/users/" beats "/orgs/");
    the home page only on itself."""
    best: NavItem | None = None
    best_length = 0
    for item in items:
        for prefix in (item.url, *item.also):
            matches = path == prefix if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > best_length:
                best, best_length = item, len(prefix)
    return best


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    if sign_in_incomplete(request):  # the account gate holds every page: offer none of them
        return {"nav_items": [], "sign_in_incomplete": True}
    items = nav_items_for(user)
    current = active_item(items, request.path)
    return {
        "nav_items": [NavItem(i.label, i.url, active=i is current) for i in items],
        "inbox_unread": inbox.unread_count(user),  # the count next to 消息 in the header
    }


def sign_in_incomplete(request: HttpRequest) -> bool:
    """The code of the second factor, or a password change the administrator asked for, is still due."""
    session = request.session
    if session.get(OTP_REQUIRED) and not getattr(request.user, "is_verified", lambda: True)():
        return True
    return bool(session.get(MUST_CHANGE_PASSWORD))
