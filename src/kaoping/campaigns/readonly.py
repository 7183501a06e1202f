"""An archived (已归档) campaign is read-only for everyone: the one guard every write path calls.

Services call ``require_writable`` first, inside their write transaction, so a page, the API, the
CLI and any future caller are refused alike. Pages use ``is_archived`` only to leave out the
buttons and forms; the refusal itself never depends on what a page showed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign, Phase


def archived_message() -> str:
    return _("该考核活动已归档,只能查看,不能再修改")


class CampaignArchived(Exception):
    """A write on an archived campaign; ``message`` is the Chinese refusal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_archived(campaign: Campaign) -> bool:
    """For pages deciding what to show (the campaign object the request loaded)."""
    return campaign.phase == Phase.ARCHIVED


def require_writable(
    campaign: Campaign | int,
    *,
    error: Callable[[str], Exception] = CampaignArchived,
    updating: bool = False,
) -> None:
    """Raise ``error(message)`` when the campaign is archived.

    The phase is read from the database, not from the caller's object, which may have been loaded
    before someone archived the campaign. Call it inside the write's transaction: on PostgreSQL the
    row is read ``FOR SHARE``, so archiving waits for writes already under way and every write that
    starts later sees the archived phase (SQLite's IMMEDIATE transactions serialise writers anyway).
    ``updating=True`` is for writes that change the campaign row itself (phase, publication): they
    take the row ``FOR UPDATE`` instead, so two of them cannot deadlock on each other's share lock.
    """
    pk = campaign if isinstance(campaign, int) else campaign.pk
    if _current_phase(pk, updating=updating) == Phase.ARCHIVED:
        raise error(archived_message())


def _current_phase(pk: int, *, updating: bool) -> str | None:
    if updating or connection.vendor != "postgresql":
        rows = Campaign.objects.filter(pk=pk)
        if updating:
            rows = rows.select_for_update()
        return rows.values_list("phase", flat=True).first()
    # Django's ORM has no FOR SHARE; the table name is the model's own, the id a parameter
    table = connection.ops.quote_name(Campaign._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phase FROM {table} WHERE id = %s FOR SHARE", [pk])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


__all__ = ["CampaignArchived", "archived_message", "is_archived", "require_writable"]
