"""verify_session: the independent SQL recount equals the engine, and catches tampering."""

from __future__ import annotations

import random
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.ratings.conftest import issue, submit

from kaoping.ratings import services
from kaoping.ratings.models import Ballot, SessionUnit
from kaoping.ratings.selectors import engine_ballots
from kaoping.ratings.verify import verify_session

pytestmark = pytest.mark.django_db

GRADES = ["好", "良好", "较好", "一般", "差", "不了解"]


def meeting(session: Any, *, seed: int, raters: int = 14) -> None:
    rng = random.Random(seed)
    groups = ["leaders", "heads", "units"]
    people = issue(session, [(f"评委{i}", groups[i % 3], None) for i in range(raters)])
    for unit in SessionUnit.objects.filter(session=session):
        services.unit_open(session=session, session_unit=unit)
        for credential, token in people:
            if rng.random() < 0.9:
                submit(credential, token, unit, rng.choice(GRADES))
        if rng.random() < 0.5:
            services.unit_close(session=session, session_unit=unit)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recount_matches_the_engine_for_random_meetings(session: Any, seed: int) -> None:
    meeting(session, seed=seed)
    services.session_close(session=session)
    session.refresh_from_db()
    report = verify_session(session)
    assert report.ok, report.discrepancies
    assert report.checked == 4 and report.ballots > 0


def test_recount_matches_provisional_results_while_the_session_is_open(session: Any) -> None:
    meeting(session, seed=7)
    report = verify_session(session)
    assert report.ok, report.discrepancies


def test_a_changed_ballot_is_a_discrepancy_and_the_command_fails(session: Any) -> None:
    meeting(session, seed=4)
    services.session_close(session=session)
    ballot = Ballot.objects.filter(grade="差").first() or Ballot.objects.first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(grade="好" if ballot.grade != "好" else "差")
    out = StringIO()
    with pytest.raises(CommandError, match="不一致"):
        call_command("verify_session", str(session.pk), stdout=out)
    assert "独立复算" in out.getvalue()


def test_command_reports_agreement_and_the_chain_head(session: Any) -> None:
    meeting(session, seed=5)
    head = services.session_close(session=session)
    out = StringIO()
    call_command("verify_session", str(session.pk), stdout=out)
    assert "一致" in out.getvalue() and head in out.getvalue()


def test_engine_ballots_are_live_ballots_of_closed_units_only(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    first, second = list(SessionUnit.objects.filter(session=session))[:2]
    services.unit_open(session=session, session_unit=first)
    submit(credential, token, first, "好")
    services.unit_close(session=session, session_unit=first)
    assert engine_ballots(session.campaign) == []  # test mode never reaches the standings
    services.session_go_live(session=session)
    session.refresh_from_db()
    for unit in (first, second):
        services.unit_open(session=session, session_unit=unit)
        submit(credential, token, unit, "良好", str(uuid.uuid4()))
    services.unit_close(session=session, session_unit=first)
    ballots = engine_ballots(session.campaign)
    assert [(b.component_id, b.target_unit, b.grade, b.rater_group) for b in ballots] == [
        ("lide", str(first.campaign_unit_id), "良好", "leaders")
    ]


def test_recount_applies_sheet_rules_like_the_engine(rating_campaign: Any) -> None:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion

    rules = {
        "all_identical_invalid": True,
        "min_valid_ballots": 2,
        "quotas": [{"grades": ["好"], "max_count": 2}, {"grades": ["一般", "差"], "min_count": 1}],
    }
    SchemeVersion.objects.create(campaign=rating_campaign, number=3, data=rating_scheme(rules))
    session = services.session_create(campaign=rating_campaign, component_id="lide", name="规则")
    rng = random.Random(11)
    people = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(12)])
    refused = 0
    for unit in SessionUnit.objects.filter(session=session):
        services.unit_open(session=session, session_unit=unit)
        for credential, token in people:
            if rng.random() < 0.85:
                try:
                    submit(credential, token, unit, rng.choice(GRADES[:5]))
                except services.RatingError:
                    refused += 1
        services.unit_close(session=session, session_unit=unit)
    services.session_close(session=session)
    session.refresh_from_db()
    report = verify_session(session)
    assert refused > 0  # the server refused sheets that broke the rules
    assert report.invalid_sheets > 0  # incomplete sheets that miss the minimum quota
    assert report.ok, report.discrepancies
