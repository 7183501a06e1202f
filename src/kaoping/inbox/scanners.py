"""Reminders found by looking at the clock: deadlines approaching, answers overdue.

An app that knows of something due registers a *scanner* at start-up (its ``AppConfig.ready``):

    from kaoping.inbox import scanners
    scanners.provide("objections_overdue", overdue_objections)

A scanner is ``(now) -> iterable of Reminder``. It must be a pure function of the database and
``now`` (tests pass a fake clock), and give each reminder a stable ``key`` (the thing and the
occasion, e.g. ``"objection-overdue:12"``): ``scan`` runs often (a timer, docs/deploy.md) and
``notify`` stores a key once per person, so a reminder is sent once however many scans see it.

Registered now: campaigns (phase deadlines, 3 and 1 days before by default), publication
(objection answers overdue). Rectification registers its overdue problems the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.inbox import services

log = logging.getLogger(__name__)


Reminder = services.Reminder

Scanner = Callable[[datetime], Iterable[Reminder]]

_SCANNERS: dict[str, Scanner] = {}


def provide(name: str, scanner: Scanner) -> None:
    """Register (or replace, by name) a scanner; call from an AppConfig.ready."""
    _SCANNERS[name] = scanner


def registered() -> list[str]:
    return sorted(_SCANNERS)


# A campaign may remind at most this many days before a deadline, and on at most this many days.
MAX_REMINDER_DAYS = 30
MAX_REMINDER_STEPS = 5


def deadline_days(custom: str = "") -> tuple[int, ...]:
    """How many days before a deadline to remind, largest first: a campaign's own setting ("3,1",
    ``Campaign.reminder_days``) or else the site's (``INBOX_DEADLINE_DAYS``, default 3 and 1)."""
    if custom.strip():
        try:
            return parse_days(custom)
        except ValueError:
            pass  # refused when saved; an unreadable stored value falls back to the site's
    days = getattr(settings, "INBOX_DEADLINE_DAYS", (3, 1))
    return tuple(sorted({int(d) for d in days if int(d) > 0}, reverse=True))


def parse_days(text: str) -> tuple[int, ...]:
    """ "7, 3，1" → (7, 3, 1); ValueError with a Chinese message naming what is wrong."""
    parts = [part.strip() for part in re.split(r"[,，、\s]+", text.strip()) if part.strip()]
    if not parts:
        raise ValueError(_("请填写提醒天数,如 3,1"))
    days: set[int] = set()
    for part in parts:
        if not re.fullmatch(r"[0-9]{1,3}", part) or not 1 <= int(part) <= MAX_REMINDER_DAYS:
            raise ValueError(
                _("提醒天数“%(part)s”应为 1 到 %(max)s 之间的整数") % {"part": part[:10], "max": MAX_REMINDER_DAYS}
            )
        days.add(int(part))
    if len(days) > MAX_REMINDER_STEPS:
        raise ValueError(_("最多设置 %(n)s 个提醒天数") % {"n": MAX_REMINDER_STEPS})
    return tuple(sorted(days, reverse=True))


@dataclass
class ScanResult:
    sent: int = 0  # messages stored (one per person and reminder)
    reminders: int = 0  # reminders the scanners found (sent now or before)
    failed: tuple[str, ...] = ()  # scanners that raised (logged)


def scan(now: datetime | None = None) -> ScanResult:
    """Run every scanner at ``now`` and notify; one scanner's failure does not stop the others."""
    now = now or timezone.now()
    result = ScanResult()
    failed: list[str] = []
    for name, scanner in sorted(_SCANNERS.items()):
        try:
            with transaction.atomic():
                found = list(scanner(now))
                result.reminders += len(found)
                result.sent += len(services.notify_many(found))
        except Exception:
            log.exception("reminder scanner %s failed", name)
            failed.append(name)
    result.failed = tuple(failed)
    return result
