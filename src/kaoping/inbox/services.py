"""The one way in for every app that reminds someone: ``notify``; and the reader's side (mark read).

    from kaoping.inbox import services as inbox
    inbox.notify(users, inbox.Kind.RETURNED, subject, body, link, key="returned:unit:42:3")

* ``recipients``: users (inactive ones and duplicates are skipped);
* ``kind``: a ``Kind`` (the inbox shows its Chinese name);
* ``subject``/``body``: Chinese sentences naming the campaign, unit and item — never ids;
* ``link``: a path inside the site (``reverse(...)``) the message is about;
* ``key``: names the reminder. The same key to the same person is stored and delivered once, even
  when two workers send it at the same moment: the insert meets a unique constraint
  (recipient, key) and skips that person (``notify_many``: many reminders in one INSERT). Put in
  the key whatever makes a new reminder (a deadline's date, a return's count), nothing that
  changes between two runs (the time).

Call it inside the caller's transaction: if that rolls back, so does the message, and channels
other than the inbox (e-mail, later SMS) run only after the commit (a task on the task queue).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.inbox import channels as registry
from kaoping.inbox.models import Delivery, Kind, Message

__all__ = ["Kind", "Reminder", "mark_all_read", "mark_read", "notify", "notify_many", "unread_count"]

log = logging.getLogger(__name__)

KEY_MAX = 200
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Reminder:
    """One reminder for ``notify_many`` (and what a scanner yields): the arguments of ``notify``."""

    recipients: Sequence[Any]
    kind: str
    subject: str
    body: str
    link: str
    key: str


def notify(
    recipients: Iterable[Any], kind: str, subject: str, body: str = "", link: str = "", *, key: str
) -> list[Message]:
    """Store the reminder for each recipient who does not have ``key`` yet, and deliver it; returns the new ones."""
    return notify_many([Reminder(list(recipients), kind, subject, body, link, key)])


def notify_many(reminders: Iterable[Reminder]) -> list[Message]:
    """``notify`` for many reminders at once (a phase opening for 2,000 units): a few queries in all.

    The rows go in with one INSERT that skips a (recipient, key) already stored — the unique
    constraint decides, also against another worker inserting at the same moment — and carry this
    call's ``batch`` token, so the rows this call stored are exactly those with its token."""
    token = uuid.uuid4().hex
    rows: list[Message] = []
    seen: set[tuple[int, str]] = set()
    for reminder in reminders:
        if not reminder.key or len(reminder.key) > KEY_MAX:
            raise ValueError("a reminder key of 1-200 characters is required")
        if reminder.link and not reminder.link.startswith("/"):
            raise ValueError("a reminder links to a path inside the site")
        for user in reminder.recipients:
            pk = getattr(user, "pk", None)
            if pk is None or (pk, reminder.key) in seen or not getattr(user, "is_active", False):
                continue
            seen.add((pk, reminder.key))
            rows.append(
                Message(
                    recipient_id=pk,
                    kind=reminder.kind,
                    subject=reminder.subject[:SUBJECT_MAX],
                    body=reminder.body,
                    link=reminder.link,
                    key=reminder.key,
                    batch=token,
                )
            )
    if not rows:
        return []
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        created = list(Message.objects.filter(batch=token).order_by("pk"))
        Delivery.objects.bulk_create(
            [Delivery(message=m, channel=registry.InApp.name, ok=True) for m in created], batch_size=500
        )
    if created and any(c.name != registry.InApp.name for c in registry.enabled()):
        ids = [m.pk for m in created]
        transaction.on_commit(lambda: _queue_delivery(ids))
    return created


def _queue_delivery(ids: list[int]) -> None:
    from kaoping.inbox.tasks import deliver  # the task backend is read on first use, not at import

    try:
        deliver.enqueue(ids)
    except Exception:  # the queue is down: the messages are in the inbox, the e-mail waits for a retry
        log.exception("could not queue reminder delivery for messages %s", ids)


def deliver(ids: Iterable[int]) -> int:
    """Send the stored messages through every enabled channel besides the inbox; record each attempt.

    A channel that already delivered a message successfully is skipped (a retried task sends nothing twice)."""
    sent = 0
    outside = [c for c in registry.enabled() if c.name != registry.InApp.name]
    for message in Message.objects.filter(pk__in=list(ids)).select_related("recipient"):
        done = set(message.deliveries.filter(ok=True).values_list("channel", flat=True))
        for channel in outside:
            if channel.name in done:
                continue
            try:
                channel.send(message)
            except registry.ChannelError as exc:
                Delivery.objects.create(message=message, channel=channel.name, ok=False, error=str(exc))
            except Exception:
                log.exception("channel %s failed for message %s", channel.name, message.pk)
                Delivery.objects.create(
                    message=message, channel=channel.name, ok=False, error=_("发送失败(渠道内部错误),请查看服务器日志")
                )
            else:
                Delivery.objects.create(message=message, channel=channel.name, ok=True)
                sent += 1
    return sent


# -- the reader's side -------------------------------------------------------------------------------


def messages_for(user: Any, *, show: str = "") -> QuerySet[Message]:
    """The user's messages, newest first; ``show`` "unread" or "read" keeps only those."""
    messages = Message.objects.filter(recipient_id=getattr(user, "pk", None))
    if show == "unread":
        messages = messages.filter(read_at__isnull=True)
    elif show == "read":
        messages = messages.filter(read_at__isnull=False)
    return messages.order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def own_message(user: Any, message_id: object) -> Message:
    """The user's own message, or 404 (someone else's message is not confirmed to exist)."""
    try:
        pk = int(str(message_id))
    except ValueError:
        raise Http404 from None
    if not 0 < pk < 2**62:
        raise Http404
    message = messages_for(user).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def mark_read(message: Message) -> Message:
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
        message.refresh_from_db(fields=["read_at"])
    return message


def mark_unread(message: Message) -> Message:
    Message.objects.filter(pk=message.pk).update(read_at=None)
    message.read_at = None
    return message


def mark_all_read(user: Any) -> int:
    return messages_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())
