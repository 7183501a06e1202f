"""The inbox: the signed-in user's own messages, unread first in the count, read ones kept."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaoping import listing
from kaoping.inbox import services
from kaoping.inbox.models import Kind

SHOW = ("unread", "read")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    show = listing.choice(request, "show", SHOW)
    page = listing.paginate(services.messages_for(request.user, show=show), request, per_page=50)
    tabs = [("", _("全部")), ("unread", _("未读")), ("read", _("已读"))]
    return render(
        request,
        "inbox/inbox.html",
        {
            "page": page,
            "show": show,
            "tabs": tabs,
            "unread": services.unread_count(request.user),
            "kinds": dict(Kind.choices),
        },
    )


@login_required
@require_POST
def message_open(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark the message read and go to what it is about (its link, or back to the inbox)."""
    message = services.mark_read(services.own_message(request.user, message_id))
    link = message.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}) and link.startswith("/"):
        return redirect(link)
    return redirect("inbox:list")


@login_required
@require_POST
def message_mark(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark one message read (or unread again with ``unread=1``) and stay on the inbox page."""
    message = services.own_message(request.user, message_id)
    if request.POST.get("unread"):
        services.mark_unread(message)
    else:
        services.mark_read(message)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    show = request.POST.get("show", "")
    return reverse("inbox:list") + (f"?show={show}" if show in SHOW else "")
