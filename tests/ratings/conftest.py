"""Live-rating fixtures: the cast's campaign gets a scheme with a seed-000 style rating component."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

RATING_COMPONENT: dict[str, Any] = {
    "id": "lide",
    "name": "立德树人述职测评",
    "points": 100,
    "method": "rating",
    "rating": {
        "scale": {
            "mode": "points",
            "max": 100,
            "abstain": "不了解",
            "grades": [
                {"name": "好", "value": 100},
                {"name": "良好", "value": 90},
                {"name": "较好", "value": 80},
                {"name": "一般", "value": 70},
                {"name": "差", "value": 50},
            ],
        },
        "groups": [
            {"id": "leaders", "name": "局领导", "weight": 50},
            {"id": "heads", "name": "处室负责人", "weight": 25},
            {"id": "units", "name": "县区(学校)", "weight": 25},
        ],
        "trim": {"above": 5, "per_side": 1, "scope": "group"},
        "empty_group": "renormalize",
        "ballot_rules": {"all_identical_invalid": False, "min_valid_ballots": 1, "quotas": []},
    },
}


def rating_scheme(rules: dict[str, Any] | None = None) -> dict[str, Any]:
    from tests.conftest import SMALL_SCHEME

    data = copy.deepcopy(SMALL_SCHEME)
    component = copy.deepcopy(RATING_COMPONENT)
    if rules is not None:
        component["rating"]["ballot_rules"] = rules
    data["components"].append(component)
    for category in data["categories"]:
        category["components"].append("lide")
    return data


@pytest.fixture
def rating_campaign(campaign: Any) -> Any:
    from kaoping.campaigns.models import SchemeVersion

    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    return campaign


@pytest.fixture
def make_session(rating_campaign: Any, organizer: Any) -> Callable[..., Any]:
    from kaoping.ratings import services

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("name", "立德树人述职测评会")
        kwargs.setdefault("component_id", "lide")
        return services.session_create(campaign=rating_campaign, actor=organizer, **kwargs)

    return make


@pytest.fixture
def session(make_session: Callable[..., Any]) -> Any:
    return make_session()


def issue(session: Any, raters: list[tuple[str, str, Any]]) -> list[tuple[Any, str]]:
    """[(label, group, own CampaignUnit or None)] → [(credential, token)]."""
    from kaoping.ratings import services
    from kaoping.ratings.models import RaterCredential

    specs = [services.RaterSpec(label, group, unit.pk if unit else None) for label, group, unit in raters]
    batch = services.credentials_issue(session=session, raters=specs)
    return [(RaterCredential.objects.get(pk=e["credential"]), e["token"]) for e in batch.entries]


def submit(
    credential: Any, token: str, unit: Any, grade: str, key: str | None = None, receipt: str | None = None
) -> Any:
    """``ballot_submit`` with what the phone's cookie carries after signing in with ``token``."""
    from kaoping.ratings import ballots

    sheet, own_unit = cookie_of(token)
    return ballots.ballot_submit(
        credential_id=credential.pk,
        sheet=sheet,
        session_unit_id=unit.pk,
        grade=grade,
        idem_key=key or str(uuid.uuid4()),
        receipt=receipt or uuid.uuid4().hex,
        session_public_id=str(credential.session.public_id),
        own_unit_id=own_unit,
    )


_COOKIES: dict[str, tuple[str, int | None]] = {}


def cookie_of(token: str) -> tuple[str, int | None]:
    """(sheet key, own unit) that signing in with ``token`` puts in the phone's cookie; like a
    phone, it keeps them after the first sign-in (so a revoked slip's phone can still try)."""
    from kaoping.ratings import services

    if token not in _COOKIES:
        signed = services.credential_exchange(token=token)
        _COOKIES[token] = (signed.sheet, signed.own_unit_id)
    return _COOKIES[token]


def post_ballot(client: Any, unit: Any, grade: str, key: str | None, receipt: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    body = json.dumps({"unit": unit.pk, "grade": grade, "receipt": receipt or uuid.uuid4().hex})
    return client.post("/rating/r/ballot", body, content_type="application/json", headers=headers)
