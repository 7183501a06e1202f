"""T-A7 eligibility: random tokens never open a rater's sheet; the room QR alone cannot vote.

``services.credential_exchange`` finds a credential only by ``token_lookup == tokens.lookup_hmac(token)``
(a unique column). So checking 10⁶ random well-formed tokens' lookup HMACs against every stored
``token_lookup`` is exactly the service's lookup, without 10⁶ queries; 2,000 more go through the
service itself.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from tests.ratings.conftest import issue, post_ballot

from kaoping.ratings import services, tokens
from kaoping.ratings.models import Ballot, RaterCredential, SessionUnit

pytestmark = pytest.mark.django_db

RANDOM_TOKENS = 1_000_000
THROUGH_THE_SERVICE = 2_000


@pytest.fixture
def issued(session: Any) -> list[tuple[Any, str]]:
    groups = ["leaders", "heads", "units"]
    return issue(session, [(f"评委{i}", groups[i % 3], None) for i in range(60)])


def test_a_million_random_tokens_match_no_issued_credential(issued: list[tuple[Any, str]]) -> None:
    stored = set(RaterCredential.objects.values_list("token_lookup", flat=True))
    assert len(stored) == len(issued)
    # Positive control: the same check finds every issued token.
    assert all(tokens.lookup_hmac(token) in stored for _credential, token in issued)
    started = time.perf_counter()
    hits = 0
    for _attempt in range(RANDOM_TOKENS):
        candidate = tokens.new_token()  # well-formed exactly like an issued token (144 bits)
        if tokens.lookup_hmac(candidate) in stored:
            hits += 1
    elapsed = time.perf_counter() - started
    print(f"{RANDOM_TOKENS:,} random tokens checked in {elapsed:.1f} s, {hits} matched")
    assert hits == 0


def test_2000_random_tokens_through_the_exchange_are_all_refused_with_a_clear_message(
    issued: list[tuple[Any, str]],
) -> None:
    refused = 0
    for _attempt in range(THROUGH_THE_SERVICE):
        with pytest.raises(services.RatingError) as error:
            services.credential_exchange(token=tokens.new_token())
        assert error.value.status == 404
        assert error.value.message == "评分码无效,请核对评分条或联系会务人员"
        refused += 1
    assert refused == THROUGH_THE_SERVICE
    # The issued ones still work through the same call.
    credential, token = issued[0]
    assert services.credential_exchange(token=token).credential == credential


def test_tokens_carry_at_least_128_bits() -> None:
    assert tokens.TOKEN_BYTES * 8 >= 128
    assert len({tokens.new_token() for _n in range(10_000)}) == 10_000


def test_the_room_qr_alone_cannot_vote(session: Any, issued: list[tuple[Any, str]]) -> None:
    unit = SessionUnit.objects.filter(session=session).first()
    assert unit is not None
    services.unit_open(session=session, session_unit=unit)
    client = Client()
    assert client.get(f"/rating/join/{session.public_id}/").status_code == 200
    response = post_ballot(client, unit, "好", "0b4b7a40-8c4e-4f43-a0a2-2f4a3c1b0d11")
    assert response.status_code == 403
    assert Ballot.objects.count() == 0
