"""Ballot secrecy: the schema guard (T-B1), a linkage attempt (T-B2) and tokens kept out of URLs/logs."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from django.db import models
from django.test import Client
from tests.ratings.conftest import issue, post_ballot

from kaoping.ratings import services, tokens
from kaoping.ratings.models import Ballot, Participation, RaterCredential, SessionUnit

# Adding a field to Ballot must be a deliberate decision: update this list and docs/live-rating.md.
BALLOT_FIELDS = {"id", "session", "session_unit", "rater_group", "sheet", "grade", "receipt_hash", "is_test"}


def test_ballot_schema_has_no_identity_no_time_and_a_uuid4_key() -> None:
    fields = {field.name for field in Ballot._meta.get_fields() if field.concrete}
    assert fields == BALLOT_FIELDS
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert not [f for f in Ballot._meta.get_fields() if isinstance(f, models.DateField | models.DateTimeField)]
    related = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation and f.concrete}
    assert RaterCredential not in related and Participation not in related


def test_participation_has_no_grade_no_time_and_no_sheet() -> None:
    fields = {field.name for field in Participation._meta.get_fields() if field.concrete}
    assert fields == {"id", "credential", "session_unit", "idem_key", "request_digest", "is_test"}


def test_token_hmacs_for_lookup_and_sheet_differ_and_tokens_are_long() -> None:
    token = tokens.new_token()
    assert len(token) >= 22 and token[0].isalnum()  # ≥ 128 bits, never starts with a sign
    assert tokens.lookup_hmac(token) != tokens.sheet_hmac(token, "salt")
    assert tokens.sheet_hmac(token, "a") != tokens.sheet_hmac(token, "b")


@pytest.mark.django_db
def test_no_stored_value_joins_ballots_to_participations(session: Any) -> None:
    """T-B2 in miniature: every stored value of one table searched for in the other."""
    raters = issue(session, [(f"评委{i}", "leaders", None) for i in range(6)])
    for unit in SessionUnit.objects.filter(session=session):
        services.unit_open(session=session, session_unit=unit)
    unit = SessionUnit.objects.filter(session=session).first()
    for _credential, token in raters:
        client = Client()
        client.get(f"/rating/t/{token}")
        assert post_ballot(client, unit, "好", str(uuid.uuid4())).status_code == 201
    participation_values = {
        str(v)
        for row in Participation.objects.values("id", "idem_key", "request_digest", "credential_id")
        for v in row.values()
    }
    credential_values = {str(v) for row in RaterCredential.objects.values("id", "token_lookup") for v in row.values()}
    for ballot in Ballot.objects.values("id", "sheet", "receipt_hash"):
        for value in ballot.values():
            assert str(value) not in participation_values | credential_values


@pytest.mark.django_db
def test_no_token_reaches_the_logs_in_a_whole_meeting(session: Any, caplog: Any) -> None:
    raters = issue(session, [("甲", "leaders", None), ("乙", "heads", None)])
    unit = SessionUnit.objects.filter(session=session).first()
    services.unit_open(session=session, session_unit=unit)
    with caplog.at_level(logging.DEBUG):
        for _credential, token in raters:
            client = Client()
            client.get(f"/rating/t/{token}")
            client.get("/rating/r/")
            post_ballot(client, unit, "好", str(uuid.uuid4()))
            post_ballot(client, unit, "差", None)  # a 400 is logged by Django: without the token
        Client().get("/rating/t/" + "B" * 24)
    for _credential, token in raters:
        assert token not in caplog.text
    assert "B" * 24 not in caplog.text
