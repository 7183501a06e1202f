"""Working days for objection deadlines. Weekends only: a bureau's holiday calendar (调休) is not
known to Kaoping, so a deadline that falls in a holiday is one the organizer reads with care."""

from __future__ import annotations

import datetime


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    current = start
    left = days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current
