from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kaoping.ratings.demo import load_example_ballots
from kaoping.ratings.models import Ballot, RaterCredential, SessionMode, SessionStatus, UnitStatus
from kaoping.ratings.selectors import engine_ballots
from kaoping.ratings.verify import verify_session
from kaoping.results.services import compute_campaign_result

pytestmark = pytest.mark.django_db

# Two leaders and one unit rater (from 东湖第一中学) grade the four units; R1 abstains on one
# unit, and U1's grade for its own school is dropped as the live page would refuse it.
CSV = """component,rater,rater_group,rater_unit,unit,grade,sheet
lide,L1,leaders,,nc-dh,好,lide-L1
lide,L1,leaders,,nc-xh,良好,lide-L1
lide,L1,leaders,,nc-dh-1,较好,lide-L1
lide,L1,leaders,,nc-xh-2,一般,lide-L1
lide,L2,leaders,,nc-dh,良好,lide-L2
lide,L2,leaders,,nc-xh,良好,lide-L2
lide,L2,leaders,,nc-dh-1,好,lide-L2
lide,L2,leaders,,nc-xh-2,不了解,lide-L2
lide,U1,units,nc-dh-1,nc-dh,好,lide-U1
lide,U1,units,nc-dh-1,nc-xh,较好,lide-U1
lide,U1,units,nc-dh-1,nc-dh-1,好,lide-U1
lide,U1,units,nc-dh-1,nc-xh-2,好,lide-U1
"""


@pytest.fixture
def ballots_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_example_ballots_become_a_closed_live_session_that_verifies(
    rating_campaign: Any, ballots_csv: Path, organizer: Any
) -> None:
    [session] = load_example_ballots(rating_campaign, ballots_csv, actor=organizer)
    assert (session.mode, session.status, session.links_destroyed) == (
        SessionMode.LIVE,
        SessionStatus.CLOSED,
        True,
    )
    assert set(session.units.values_list("status", flat=True)) == {UnitStatus.CLOSED}
    assert RaterCredential.objects.filter(session=session).count() == 3
    assert Ballot.objects.filter(session=session).count() == 11  # own-unit grade dropped
    assert not Ballot.objects.filter(session=session).exclude(tag=None, sealed_sheet=None).exists()
    report = verify_session(session)
    assert report.ok, report.discrepancies
    assert (report.checked, report.ballots) == (4, 11)


def test_cast_ballots_reach_the_standings(rating_campaign: Any, ballots_csv: Path) -> None:
    load_example_ballots(rating_campaign, ballots_csv)
    assert len(engine_ballots(rating_campaign)) == 11
    result = compute_campaign_result(rating_campaign)
    lide = {u.name: {c.component_id: c for c in u.components}["lide"] for u in result.units}
    # 东湖区: leaders (100+90)/2 = 95 weight 50, units 100 weight 25 → (95×50 + 100×25)/75 = 96.67
    assert lide["东湖区教育局"].score == Decimal("96.67")
    # 东湖第一中学: its own rater is excluded, leaders (80+100)/2 = 90 → 90
    assert lide["东湖第一中学"].score == Decimal("90.00")
