"""``ballots_version`` reads no ballot, yet moves exactly when the ballots the standings count do."""

from __future__ import annotations

from typing import Any

import pytest
from tests.ratings.conftest import issue, submit
from tests.ratings.test_services import open_all

from kaoping.ratings import services
from kaoping.ratings.selectors import ballots_version, campaign_of_counted_ballots_event, engine_ballots

pytestmark = pytest.mark.django_db


def test_the_version_moves_when_the_counted_ballots_change_and_only_then(session: Any, rating_campaign: Any) -> None:
    seen: dict[str, str] = {}

    def step() -> str:
        version, counted = ballots_version(rating_campaign), repr(engine_ballots(rating_campaign))
        assert seen.setdefault(version, counted) == counted  # one version, one set of counted ballots
        return version

    services.session_go_live(session=session)
    (first, first_token), (second, second_token) = issue(session, [("甲", "leaders", None), ("乙", "leaders", None)])
    units = open_all(session)
    empty = step()
    assert submit(first, first_token, units[0], "好").status == 201
    assert step() == empty  # an open unit's ballots do not count yet
    services.unit_close(session=session, session_unit=units[0])
    after_close = step()
    assert after_close != empty
    assert submit(second, second_token, units[1], "良好").status == 201
    assert step() == after_close
    services.session_close(session=session)
    assert step() != after_close  # the session's close rewrites the ballots (and counts the open unit)


def test_only_a_live_sessions_closes_name_the_campaign_whose_counted_ballots_moved(
    session: Any, rating_campaign: Any
) -> None:
    chain = session.chain
    assert campaign_of_counted_ballots_event(chain, "rating_unit_closed") is None  # a test-mode session
    services.session_go_live(session=session)
    for action in ("rating_unit_closed", "rating_session_closed", "rating_went_live"):
        assert campaign_of_counted_ballots_event(chain, action) == rating_campaign.pk
    assert campaign_of_counted_ballots_event(chain, "rating_credentials_issued") is None
    assert campaign_of_counted_ballots_event(f"campaign:{rating_campaign.pk}", "rating_unit_closed") is None
    assert campaign_of_counted_ballots_event("rating-session:x", "rating_unit_closed") is None
