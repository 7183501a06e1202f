"""Closing a unit while ballots are in flight (threads, real transactions; meaningful on PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection, connections
from tests.ratings.conftest import cookie_of, issue

from kaoping.ratings import ballots, services
from kaoping.ratings.models import Ballot, SessionUnit

pytestmark = pytest.mark.django_db(transaction=True)


def test_close_during_a_burst_counts_exactly_the_ballots_that_were_stored(session: Any) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock interplay is tested on PostgreSQL (make test-postgres)")
    raters = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(40)])
    unit = SessionUnit.objects.filter(session=session).first()
    assert unit is not None
    services.unit_open(session=session, session_unit=unit)
    unexpected: list[BaseException] = []
    start = threading.Barrier(len(raters) + 1)

    cookies = {token: cookie_of(token) for _credential, token in raters}

    def vote(credential: Any, token: str) -> None:
        sheet, own_unit = cookies[token]
        try:
            start.wait()
            ballots.ballot_submit(
                credential_id=credential.pk,
                sheet=sheet,
                own_unit_id=own_unit,
                session_public_id=str(session.public_id),
                session_unit_id=unit.pk,
                grade="良好",
                idem_key=str(uuid.uuid4()),
                receipt=uuid.uuid4().hex,
            )
        except services.RatingError:
            pass  # closed before this one: refused, nothing stored
        except BaseException as error:  # a deadlock or a 500 would land here
            unexpected.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=rater) for rater in raters]
    for thread in threads:
        thread.start()
    start.wait()
    result = services.unit_close(session=session, session_unit=unit)
    for thread in threads:
        thread.join()
    assert unexpected == []
    counted = sum(n for _grade, n in result["grade_counts"])
    assert counted == Ballot.objects.filter(session_unit=unit).count()


def test_two_units_closed_at_once_during_a_burst_both_close_without_a_deadlock(session: Any) -> None:
    """Each close rewrites its unit's ballots: two of them at once must take turns, never deadlock."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the lock interplay is tested on PostgreSQL (make test-postgres)")
    raters = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(30)])
    first, second = list(SessionUnit.objects.filter(session=session))[:2]
    for unit in (first, second):
        services.unit_open(session=session, session_unit=unit)
    cookies = {token: cookie_of(token) for _credential, token in raters}
    for credential, token in raters:
        for unit in (first, second):
            ballots.ballot_submit(
                credential_id=credential.pk,
                sheet=cookies[token][0],
                own_unit_id=cookies[token][1],
                session_public_id=str(session.public_id),
                session_unit_id=unit.pk,
                grade="好",
                idem_key=str(uuid.uuid4()),
                receipt=uuid.uuid4().hex,
            )
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def close(unit: SessionUnit) -> None:
        try:
            start.wait()
            services.unit_close(session=session, session_unit=unit)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(unit,)) for unit in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(SessionUnit.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"closed"}
    assert Ballot.objects.filter(session_unit__in=[first, second]).count() == 60
