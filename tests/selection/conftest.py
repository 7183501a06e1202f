from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone
from tests.assessments.conftest import _fast_password_hasher, _media_root  # noqa: F401

from kaoping.ratings import tokens
from kaoping.selection import rules, services, votes
from kaoping.selection.models import Kind, Selection


@pytest.fixture(autouse=True)
def _key_dir(settings: Any, tmp_path: Any) -> None:
    settings.RATING_KEY_DIR = tmp_path / "selection-keys"


def make_selection(
    campaign: Any, organizer: Any, *, quota: int = 2, days: int = 3, method: str = "approval", groups: str = ""
) -> Selection:
    today = timezone.localdate()
    return services.selection_create(
        campaign=campaign,
        actor=organizer,
        fields=services.SelectionFields(
            title="育人成才先锋党员评选",
            quota=quota,
            nomination_start=today - datetime.timedelta(days=days),
            nomination_end=today + datetime.timedelta(days=days),
            rules=rules.build(party_member=True, min_years=5, no_discipline=True),
            method=method,
            rater_groups=groups,
        ),
    )


def nominate(selection: Selection, actor: Any, organization: Any, name: str, **facts: Any) -> Any:
    fields = services.NominationFields(
        nominee_name=name,
        organization=organization,
        kind=facts.pop("kind", Kind.RECOMMEND),
        statement=facts.pop("statement", "事迹"),
        party_member=facts.pop("party_member", True),
        teaching_years=facts.pop("teaching_years", 10),
        disciplined=facts.pop("disciplined", False),
    )
    return services.nominate(selection=selection, fields=fields, actor=actor)


@pytest.fixture
def selection(campaign: Any, organizer: Any) -> Selection:
    return make_selection(campaign, organizer)


@pytest.fixture
def voting(selection: Selection, organizer: Any, reporter_a: Any, school_a: Any, school_b: Any) -> Selection:
    """Four admitted candidates (numbers 1–4), quota 2, three voters, the vote open."""
    for index, name in enumerate(("甲", "乙", "丙", "丁")):
        nomination = nominate(selection, reporter_a, school_a if index % 2 == 0 else school_b, name)
        services.review(nomination=nomination, admit=True, reason="", actor=organizer)
    services.voters_issue(selection=selection, labels=["张一", "张二", "张三"], actor=organizer)
    services.vote_open(selection=selection, actor=organizer)
    selection.refresh_from_db()
    return selection


def cookie_for(selection: Selection, index: int) -> votes.VoterCookie:
    entry = services.slip_entries(selection)[index]
    signed = services.voter_exchange(token=entry["token"])
    return votes.VoterCookie(signed.voter.pk, signed.sheet, str(selection.public_id))


def cast(cookie: votes.VoterCookie, choices: list[int], key: str | None = None, receipt: str | None = None) -> Any:
    return votes.ballot_submit(
        cookie=cookie, choices=choices, idem_key=key or str(uuid.uuid4()), receipt=receipt or tokens.new_token()
    )


@pytest.fixture
def graded_voting(campaign: Any, organizer: Any, reporter_a: Any, school_a: Any, school_b: Any) -> Selection:
    """评分(分组加权), quota 1: 甲 乙 丙 (numbers 1–3); 评委 60% with slips 0–1, 群众代表 40% with 2–4."""
    selection = make_selection(campaign, organizer, quota=1, method="graded", groups="评委:60、群众代表:40")
    for index, name in enumerate(("甲", "乙", "丙")):
        nomination = nominate(selection, reporter_a, school_a if index % 2 == 0 else school_b, name)
        services.review(nomination=nomination, admit=True, reason="", actor=organizer)
    services.voters_issue(selection=selection, labels=["评委一", "评委二"], actor=organizer, group="g1")
    services.voters_issue(selection=selection, labels=["群众一", "群众二", "群众三"], actor=organizer, group="g2")
    services.vote_open(selection=selection, actor=organizer)
    selection.refresh_from_db()
    return selection


def grade(cookie: votes.VoterCookie, grades: dict[int, str], key: str | None = None, receipt: str | None = None) -> Any:
    return votes.ballot_submit(
        cookie=cookie, grades=grades, idem_key=key or str(uuid.uuid4()), receipt=receipt or tokens.new_token()
    )
