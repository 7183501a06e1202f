"""提醒记录: every reminder sent to the people a bureau's organizers and administrators manage, with
how each channel delivered it (站内消息 read or unread; e-mail or a later gateway: success or the
error in Chinese). The record ``kaoping.inbox`` keeps, made readable without a database client."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kaoping import listing
from kaoping.inbox import channels
from kaoping.inbox.models import Delivery, Kind, Message
from kaoping.orgs import access, selectors

STATES = ("failed", "unread")


def messages_for(user: object, *, kind: str = "", state: str = "", q: str = "") -> QuerySet[Message]:
    """Reminders to the users ``user`` manages, newest first."""
    people = selectors.users_for(user).order_by().values("pk")
    rows = Message.objects.filter(recipient__in=people)
    if kind:
        rows = rows.filter(kind=kind)
    if state == "failed":
        rows = rows.filter(Exists(Delivery.objects.filter(message=OuterRef("pk"), ok=False)))
    elif state == "unread":
        rows = rows.filter(read_at__isnull=True)
    if q:
        rows = rows.filter(
            Q(recipient__display_name__contains=q) | Q(recipient__username__contains=q) | Q(subject__contains=q)
        )
    return rows.select_related("recipient").prefetch_related("deliveries").order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ChannelState:
    label: str
    ok: bool
    detail: str  # the error in Chinese, or when it was read


def channel_states(message: Message) -> list[ChannelState]:
    """站内消息 first (the stored message is its delivery), then every other channel's last attempt."""
    read = message.read_at
    states = [ChannelState(channels.label("inapp"), True, "")]
    if read is not None:
        states[0] = ChannelState(states[0].label, True, read.strftime("%Y-%m-%d %H:%M"))
    last: dict[str, Delivery] = {}
    for delivery in sorted(message.deliveries.all(), key=lambda d: (d.attempted_at, d.pk)):
        if delivery.channel != "inapp":
            last[delivery.channel] = delivery
    states += [ChannelState(channels.label(name), d.ok, d.error) for name, d in sorted(last.items())]
    return states


@login_required
def reminder_log(request: HttpRequest) -> HttpResponse:
    if not access.managed_bureaus(request.user):
        raise Http404
    kind = listing.choice(request, "kind", list(Kind.values))
    state = listing.choice(request, "state", STATES)
    q = listing.search_term(request)
    page = listing.paginate(messages_for(request.user, kind=kind, state=state, q=q), request)
    rows = [(message, channel_states(message)) for message in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "kind": kind,
        "state": state,
        "q": q,
        "kinds": Kind.choices,
        "filtered": bool(kind or state or q),
    }
    return render(request, "orgs/reminders.html", context)
