"""Archiving and a write at the same moment (PostgreSQL): no write lands in an archived campaign.

``require_writable`` reads the campaign row FOR SHARE inside the write's transaction, and archiving
takes it FOR UPDATE. Whichever comes second waits for the first to commit: a write under way holds
the archive back until it is stored, and a write that starts while the archive is being committed
sees the archived phase and is refused. The waits are observed in ``pg_stat_activity`` (a backend
waiting on a lock), not timed.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from kaoping.assessments import services as assessment_services
from kaoping.assessments.models import SpotCheck
from kaoping.campaigns import services
from kaoping.campaigns.models import Campaign, Phase

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]


def _in_thread(work: Callable[[], Any], pids: list[int]) -> tuple[threading.Thread, list[Any]]:
    outcome: list[Any] = []

    def run() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids.append(cursor.fetchone()[0])
            outcome.append(work())
        except Exception as exc:  # the outcome under test
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _wait_until_blocked(pids: list[int]) -> None:
    """Until the thread's backend waits on a lock (a row lock held by the other transaction)."""
    for _ in range(400):
        if pids:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids[0]])
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.025)
    raise AssertionError("the second transaction never waited for the first")


@pytest.fixture
def final(campaign: Any, campaign_units: dict[str, Any]) -> Any:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.FINAL)
    campaign.refresh_from_db()
    return campaign


def test_archiving_waits_for_a_write_under_way_which_is_stored(
    final: Any, reviewer: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = final.participants.get(organization__code="nc-dh-1")
    writing, release = threading.Event(), threading.Event()
    create = SpotCheck.objects.create

    def paused_create(**fields: Any) -> Any:
        # the write has passed the guard and stored nothing yet: only the guard's lock can hold the archive
        writing.set()
        release.wait(20)
        return create(**fields)

    monkeypatch.setattr(SpotCheck.objects, "create", paused_create)

    def write() -> Any:
        return assessment_services.spot_check_record(
            unit=unit, actor=reviewer, checked_on=final.created_at.date(), inspectors="李督学",
            findings="现场核实", item_ids=[],
        )  # fmt: skip

    def archive() -> Any:
        return services.campaign_set_phase(
            campaign=Campaign.objects.get(pk=final.pk), expected=Phase.FINAL, target=Phase.ARCHIVED, actor=organizer
        )

    writer, written = _in_thread(write, [])
    assert writing.wait(20)
    archive_pids: list[int] = []
    archiver, archived = _in_thread(archive, archive_pids)
    try:
        _wait_until_blocked(archive_pids)
        assert Campaign.objects.get(pk=final.pk).phase == Phase.FINAL  # held back by the write under way
    finally:
        release.set()
        writer.join(30)
        archiver.join(30)
    assert isinstance(written[0], SpotCheck) and SpotCheck.objects.filter(pk=written[0].pk).exists()
    assert not isinstance(archived[0], Exception), archived
    assert Campaign.objects.get(pk=final.pk).phase == Phase.ARCHIVED


def test_a_write_that_starts_while_archiving_commits_is_refused(final: Any, reviewer: Any, organizer: Any) -> None:
    unit = final.participants.get(organization__code="nc-dh-1")
    archiving, release = threading.Event(), threading.Event()

    def archive() -> Any:
        with transaction.atomic():
            services.campaign_set_phase(
                campaign=Campaign.objects.get(pk=final.pk), expected=Phase.FINAL, target=Phase.ARCHIVED,
                actor=organizer,
            )  # fmt: skip
            archiving.set()
            release.wait(20)

    def write() -> Any:
        return assessment_services.spot_check_record(
            unit=unit, actor=reviewer, checked_on=final.created_at.date(), inspectors="李督学",
            findings="现场核实", item_ids=[],
        )  # fmt: skip

    archiver, _archived = _in_thread(archive, [])
    assert archiving.wait(20)
    writer_pids: list[int] = []
    writer, written = _in_thread(write, writer_pids)
    try:
        _wait_until_blocked(writer_pids)
    finally:
        release.set()
        archiver.join(30)
        writer.join(30)
    assert isinstance(written[0], assessment_services.Closed), written
    assert "该考核活动已归档" in written[0].message
    assert not SpotCheck.objects.exists()
