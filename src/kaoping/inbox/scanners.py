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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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


def deadline_days() -> tuple[int, ...]:
    """How many days before a deadline to remind (``INBOX_DEADLINE_DAYS``, default 3 and 1), largest first."""
    days = getattr(settings, "INBOX_DEADLINE_DAYS", (3, 1))
    return tuple(sorted({int(d) for d in days if int(d) > 0}, reverse=True))


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
