"""T-A5 last row: 50 threads send the same idempotency key and payload at once.

Real transactions (threads, one connection each). Exactly one request stores (201); the 49 others
are replays (200) with the identical receipt; no exception and no 5xx; one Ballot. The negative
control runs the same harness on a ballot table without its unique constraints and stores one row
per thread: the harness would see the bug.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from tests.ratings.conftest import cookie_of, issue

from kaoping.ratings import ballots, services, tokens
from kaoping.ratings.models import Ballot, SessionUnit, SupersededKey

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 50


def in_threads(count: int, call: Callable[[], Any]) -> list[Any]:
    """Run ``call`` in ``count`` threads released together; each result or the exception it raised."""
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as error:  # a deadlock, an IntegrityError or a 500 lands here
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def one_rater(session: Any) -> tuple[Any, str, SessionUnit]:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = SessionUnit.objects.filter(session=session).first()
    assert unit is not None
    services.unit_open(session=session, session_unit=unit)
    return credential, token, unit


def same_key_submitter(credential: Any, token: str, unit: SessionUnit) -> tuple[Callable[[], Any], str]:
    key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
    sheet, own_unit = cookie_of(token)

    def submit() -> ballots.SubmitResult:
        return ballots.ballot_submit(
            credential_id=credential.pk,
            sheet=sheet,
            own_unit_id=own_unit,
            session_public_id=str(credential.session.public_id),
            session_unit_id=unit.pk,
            grade="良好",
            idem_key=key,
            receipt=receipt,
        )

    return submit, receipt


def test_50_threads_with_one_key_store_once_and_the_rest_replay_the_same_receipt(
    one_rater: tuple[Any, str, SessionUnit],
) -> None:
    submit, receipt = same_key_submitter(*one_rater)
    results = in_threads(THREADS, submit)
    errors = [r for r in results if not isinstance(r, ballots.SubmitResult)]
    assert errors == []
    statuses = sorted(r.status for r in results)
    assert statuses == [200] * (THREADS - 1) + [201]
    assert {r.receipt for r in results} == {receipt}
    assert not any(r.superseded or r.stale for r in results)
    ballot = Ballot.objects.get()
    assert ballot.grade == "良好"
    assert ballot.receipt_hash == tokens.receipt_hash(receipt)
    assert SupersededKey.objects.count() == 0


def test_50_http_clients_with_one_key_get_one_201_and_49_identical_200s(
    one_rater: tuple[Any, str, SessionUnit],
) -> None:
    _credential, token, unit = one_rater
    cookie = Client().get(f"/rating/t/{token}").cookies[tokens.COOKIE_NAME].value
    key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
    body = json.dumps({"unit": unit.pk, "grade": "较好", "receipt": receipt})

    def post() -> tuple[int, bytes]:
        client = Client()
        client.cookies[tokens.COOKIE_NAME] = cookie
        response = client.post(
            "/rating/r/ballot", body, content_type="application/json", headers={"Idempotency-Key": key}
        )
        return response.status_code, response.content

    results = in_threads(THREADS, post)
    errors = [r for r in results if not isinstance(r, tuple)]
    assert errors == []
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] * (THREADS - 1) + [201]
    assert {json.loads(content)["receipt"] for _status, content in results} == {receipt}
    assert Ballot.objects.get().grade == "较好"


@contextmanager
def without_unique_constraints() -> Iterator[None]:
    """The ballot table without its unique idem_key and (unit, tag): a broken build.

    Restored afterwards (rows removed first), so the rest of this process sees the real schema.
    SQLite rebuilds a table from the model's options, so those are left out while it does."""
    idem = Ballot._meta.get_field("idem_key")
    loose = idem.clone()
    loose._unique = False  # type: ignore[attr-defined]
    loose.set_attributes_from_name("idem_key")
    loose.model = Ballot
    names = {"unique_ballot_per_sheet_and_unit"}
    dropped = [c for c in Ballot._meta.constraints if c.name in names]
    assert len(dropped) == 1
    original = Ballot._meta.constraints
    try:
        Ballot._meta.constraints = [c for c in original if c.name not in names]
        with connection.schema_editor() as editor:
            for constraint in dropped:
                editor.remove_constraint(Ballot, constraint)
            editor.alter_field(Ballot, idem, loose)
    finally:
        Ballot._meta.constraints = original
    try:
        yield
    finally:
        SupersededKey.objects.all().delete()
        Ballot.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.alter_field(Ballot, loose, idem)
            if connection.vendor != "sqlite":  # SQLite's rebuild above already brought them back
                for constraint in dropped:
                    editor.add_constraint(Ballot, constraint)


def test_negative_control_without_the_unique_constraints_the_same_harness_stores_duplicates(
    one_rater: tuple[Any, str, SessionUnit],
) -> None:
    submit, _receipt = same_key_submitter(*one_rater)
    with without_unique_constraints():
        results = in_threads(THREADS, submit)
        stored = Ballot.objects.count()
        created = sum(1 for r in results if isinstance(r, ballots.SubmitResult) and r.status == 201)
    # The write path relies on the database alone: without the constraints every thread inserts.
    assert stored > 1
    assert created > 1
    # Restored: the real schema refuses a second row with the same key again.
    submit_again, _ = same_key_submitter(*one_rater)
    assert submit_again().status == 201
    assert submit_again().status == 200
    assert Ballot.objects.count() == 1
