"""Ballot secrecy: the schema guard (T-B1), a linkage attempt (T-B2) and tokens kept out of URLs/logs."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from django.db import models
from django.test import Client
from tests.ratings.conftest import issue, post_ballot

from kaoping.ratings import keys, services, tokens
from kaoping.ratings.models import Ballot, RaterCredential, SessionUnit, SlipBatch, SupersededKey

# Adding a field to Ballot must be a deliberate decision: update this list and docs/live-rating.md.
BALLOT_FIELDS = {
    "id",
    "session",
    "session_unit",
    "rater_group",
    "grade",
    "receipt_hash",
    "idem_key",
    "request_digest",
    "tag",
    "sealed_sheet",
    "sheet",
    "is_test",
}


def test_ballot_schema_has_no_identity_no_time_and_a_uuid4_key() -> None:
    fields = {field.name for field in Ballot._meta.get_fields() if field.concrete}
    assert fields == BALLOT_FIELDS
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert not [f for f in Ballot._meta.get_fields() if isinstance(f, models.DateField | models.DateTimeField)]
    related = {f.related_model for f in Ballot._meta.get_fields() if f.is_relation and f.concrete}
    assert RaterCredential not in related


def test_no_table_names_a_credential_but_the_credential_itself() -> None:
    """Nothing written when a ballot is cast refers to the rater: no Participation any more."""
    from django.apps import apps

    pointing = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is RaterCredential
        and model is not RaterCredential
    ]
    assert pointing == []
    superseded = {field.name for field in SupersededKey._meta.get_fields() if field.concrete}
    assert superseded == {"idem_key", "session_unit", "request_digest", "is_test"}


def test_unit_tags_of_one_sheet_share_nothing_across_units() -> None:
    sheet = "ab" * 32
    assert tokens.unit_tag(sheet, 1) != tokens.unit_tag(sheet, 2)
    assert tokens.unit_tag(sheet, 1) != tokens.unit_tag("cd" * 32, 1)
    token = tokens.new_token()
    assert len(token) >= 22 and token[0].isalnum()  # ≥ 128 bits, never starts with a sign


@pytest.mark.django_db
def test_the_session_key_lives_outside_the_database_and_dies_with_the_session(
    session: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = keys.key_dir() / f"{session.public_id}.key"
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes() not in str(list(RaterCredential.objects.values())).encode()
    issue(session, [("张局长", "leaders", None)])
    sealed = RaterCredential.objects.get().sealed_secrets
    assert "own_unit" not in sealed and "sheet" not in sealed  # sealed, not readable
    with django_capture_on_commit_callbacks(execute=True):
        services.session_close(session=session)
    assert not path.exists()
    with pytest.raises(keys.SessionKeyMissing):
        keys.Sealer(session.public_id)
    assert RaterCredential.objects.get().sealed_secrets == ""
    assert SlipBatch.objects.get().sealed_entries == "" and SlipBatch.objects.get().entries == []


@pytest.mark.django_db
def test_two_seals_of_the_same_value_never_look_alike(session: Any) -> None:
    sealer = keys.Sealer(session.public_id)
    first, second = sealer.seal("sheet", b"x" * 32), sealer.seal("sheet", b"x" * 32)
    assert first != second
    assert sealer.unseal("sheet", first) == sealer.unseal("sheet", second) == b"x" * 32
    with pytest.raises(Exception):  # noqa: B017 — another purpose is another key context: refused
        sealer.unseal("slips", first)


@pytest.mark.django_db
def test_a_missing_session_key_refuses_sign_in_with_a_chinese_message(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    keys.session_key_destroy(session.public_id)
    response = Client().get(f"/rating/t/{token}")
    assert response.status_code == 503
    assert "密钥" in response.content.decode()


@pytest.mark.django_db
def test_the_rater_page_knows_what_this_rater_handed_in_and_nothing_of_others(session: Any) -> None:
    raters = issue(session, [("甲", "leaders", None), ("乙", "leaders", None)])
    for unit in SessionUnit.objects.filter(session=session):
        services.unit_open(session=session, session_unit=unit)
    first, second = SessionUnit.objects.filter(session=session)[:2]
    clients = []
    for _credential, token in raters:
        client = Client()
        client.get(f"/rating/t/{token}")
        clients.append(client)
    assert post_ballot(clients[0], first, "好", str(uuid.uuid4())).status_code == 201
    assert post_ballot(clients[1], second, "好", str(uuid.uuid4())).status_code == 201
    done = [{u["id"] for u in c.get("/rating/r/status.json").json()["units"] if u["done"]} for c in clients]
    assert done == [{first.pk}, {second.pk}]


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
