"""Reminder work on the task queue (``manage.py db_worker``): the scan, and delivery outside the inbox."""

from __future__ import annotations

from datetime import datetime

from django.tasks import task

from kaoping.inbox import scanners, services


@task
def scan_reminders(now: str = "") -> dict[str, object]:
    """``now``: an ISO time for a fake clock (tests, a catch-up run); empty = the real time."""
    result = scanners.scan(datetime.fromisoformat(now) if now else None)
    if result.failed:
        raise RuntimeError(f"reminder scanners failed: {', '.join(result.failed)}")
    return {"sent": result.sent, "reminders": result.reminders}


@task
def deliver(ids: list[int]) -> int:
    return services.deliver(ids)
