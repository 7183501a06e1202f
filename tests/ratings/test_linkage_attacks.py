"""Ballot secrecy against a reader of the database, tried as an attacker would (issue 10 §1).

A meeting of 30 raters in three groups grades the cast's four units through the real HTTP views,
in the order the organizer listed them (the worst case for order attacks), with skipped units,
revotes and a slip reissued half-way. The phones keep the truth: which receipt is whose.

A reader of the database then tries every join in ``linkage.py`` — on PostgreSQL the ``xmin`` join
and ``ctid`` order, on SQLite the ``rowid`` order, timestamps, the audit log, shared values and the
pattern of graded units — on a copy taken while a unit is open, on one taken just before the close
(a backup) and on the database after the close together with the server's keys and key directory.

Statistic: the number of ballots linked to their true credential, against blind guessing among
the credentials of the ballot's rater group (the group is on the ballot by design). Pass: a blind
guesser links at least as many with probability above 10⁻⁶ (Poisson tail at the chance mean;
``linkage.SIGNIFICANCE`` says why 10⁻⁶). The negative control runs the same
attacks on a leaky variant — a credential-side row written with each ballot, as the old
``Participation`` was — and must link almost every ballot; the positive control shows that with
the session's key, while the session is open, the server itself can link (which is why the key
lives outside the database and dies with the session).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from tests.ratings import linkage
from tests.ratings.conftest import issue, post_ballot, rating_scheme

from kaoping.ratings import keys, services, tokens
from kaoping.ratings.models import RaterCredential, SessionUnit

pytestmark = pytest.mark.django_db(transaction=True)

LEAK_TABLE = "linkage_leak"
GROUPS = [("leaders", 10), ("heads", 12)]
UNIT_RATERS_PER_UNIT = 2


@dataclass
class Meeting:
    session: Any
    truth: dict[str, int] = field(default_factory=dict)  # receipt hash → credential pk
    during: linkage.Snapshot | None = None  # a copy taken while the third unit is open
    before_close: linkage.Snapshot | None = None  # a backup taken just before the close
    after: linkage.Snapshot | None = None
    key_join_while_open: linkage.Score | None = None


def _raters(campaign_units: dict[str, Any]) -> list[tuple[str, str, Any]]:
    raters: list[tuple[str, str, Any]] = []
    for group, count in GROUPS:
        raters += [(f"{group}-{n}", group, None) for n in range(count)]
    for name, unit in campaign_units.items():
        raters += [(f"{name}-代表{n}", "units", unit) for n in range(UNIT_RATERS_PER_UNIT)]
    return raters


def _leak(credential: Any, unit: SessionUnit) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {LEAK_TABLE} (credential_id, session_unit_id) VALUES (%s, %s)", [credential.pk, unit.pk]
        )


def run_meeting(session: Any, campaign_units: dict[str, Any], *, leaky: bool = False, seed: int = 7) -> Meeting:
    rng = random.Random(seed)
    meeting = Meeting(session)
    services.session_go_live(session=session)
    session.refresh_from_db()
    specs = _raters(campaign_units)
    phones = []
    for (credential, token), (_label, _group, own) in zip(issue(session, specs), specs, strict=True):
        client = Client()
        assert client.get(f"/rating/t/{token}").status_code == 302
        phones.append([credential, client, own])
    units = list(SessionUnit.objects.filter(session=session).order_by("position"))
    for index, unit in enumerate(units):
        services.unit_open(session=session, session_unit=unit)
        if index == 1:
            _reissue(phones, rng)
        for phone in phones:  # in the organizer's order, every time
            credential, client, own = phone
            if (own is not None and own.pk == unit.campaign_unit_id) or rng.random() < 0.1:
                continue
            _cast(meeting, credential, client, unit, rng.choice(["好", "良好", "较好", "一般"]))
            if rng.random() < 0.1:
                _cast(meeting, credential, client, unit, "差", revote=True)
            if leaky:
                _leak(credential, unit)
        if index == 2:
            meeting.during = linkage.snapshot(_extra(leaky))
        services.unit_close(session=session, session_unit=unit)
    meeting.before_close = linkage.snapshot(_extra(leaky))
    view = linkage.view_of(meeting.before_close, session.pk)
    guesses = linkage.key_join(view, meeting.before_close, session.public_id)
    meeting.key_join_while_open = linkage.score(view, guesses, meeting.truth, _person())
    services.session_close(session=session)
    meeting.after = linkage.snapshot(_extra(leaky))
    return meeting


def _extra(leaky: bool) -> tuple[str, ...]:
    return (LEAK_TABLE,) if leaky else ()


def _reissue(phones: list[list[Any]], rng: random.Random) -> None:
    """A leader lost the slip: the organizer reissues it and the new slip signs in on the phone."""
    phone = phones[rng.randrange(GROUPS[0][1])]
    batch = services.credential_reissue(credential=phone[0])
    entry = batch.entries[0]
    phone[0] = RaterCredential.objects.get(pk=entry["credential"])
    assert phone[1].get(f"/rating/t/{entry['token']}").status_code == 302


def _cast(
    meeting: Meeting, credential: Any, client: Client, unit: SessionUnit, grade: str, revote: bool = False
) -> None:
    """One tap on the phone; the phone remembers its receipt. A revote's earlier receipt is on no
    ballot any more, so it simply never gets scored."""
    receipt = uuid.uuid4().hex
    response = post_ballot(client, unit, grade, str(uuid.uuid4()), receipt)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["superseded"] is revote
    meeting.truth[tokens.receipt_hash(receipt)] = int(credential.pk)


def _assert_at_chance(meeting: Meeting, shot: linkage.Snapshot, attacks: dict[str, Any]) -> dict[str, linkage.Score]:
    view = linkage.view_of(shot, meeting.session.pk)
    truth = meeting.truth
    scores = {name: linkage.score(view, attack(view), truth, _person()) for name, attack in attacks.items()}
    report = "\n".join(f"{name}: {score}" for name, score in scores.items())
    print(report)
    assert all(score.at_chance for score in scores.values()), report
    assert sum(score.ballots for score in scores.values()) > 0
    return scores


def _person() -> dict[int, int]:
    """Credential → the person's first credential: a reissued slip and the one it replaced are the
    same person, and naming either one links the ballot to them."""
    replaced = dict(RaterCredential.objects.filter(replaces__isnull=False).values_list("pk", "replaces_id"))
    return {pk: replaced.get(pk, pk) for pk in RaterCredential.objects.values_list("pk", flat=True)}


@pytest.fixture
def leak_table() -> Any:
    with connection.cursor() as cursor:
        key = "id SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "id INTEGER PRIMARY KEY"
        cursor.execute(f"CREATE TABLE {LEAK_TABLE} ({key}, credential_id BIGINT, session_unit_id BIGINT)")
    yield LEAK_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {LEAK_TABLE}")


def test_a_reader_without_the_keys_links_no_better_than_chance_during_the_session(
    make_session: Any, campaign_units: dict[str, Any]
) -> None:
    meeting = run_meeting(make_session(), campaign_units)
    assert meeting.during is not None and meeting.before_close is not None
    _assert_at_chance(meeting, meeting.during, linkage.ATTACKS)  # a unit is open
    _assert_at_chance(meeting, meeting.before_close, linkage.ATTACKS)  # a backup just before the close


def test_after_the_close_the_database_its_backups_and_the_server_keys_link_no_better_than_chance(
    make_session: Any, campaign_units: dict[str, Any]
) -> None:
    session = make_session()
    meeting = run_meeting(session, campaign_units)
    assert meeting.after is not None and meeting.before_close is not None
    assert not keys.session_key_exists(session.public_id)
    attacks = dict(linkage.ATTACKS)
    backup = meeting.before_close
    attacks["key_join"] = lambda view: linkage.key_join(view, backup, session.public_id)
    _assert_at_chance(meeting, meeting.after, attacks)
    view = linkage.view_of(meeting.after, session.pk)
    assert all(b["tag"] is None and b["sealed_sheet"] is None for b in view.ballots)
    assert all(c["sealed_secrets"] == "" for c in view.credentials.values())


def test_with_the_session_key_while_it_is_open_the_server_itself_can_link(
    make_session: Any, campaign_units: dict[str, Any]
) -> None:
    """Positive control: the key join works, which is why the key lives outside the database."""
    meeting = run_meeting(make_session(), campaign_units)
    score = meeting.key_join_while_open
    assert score is not None and score.linked == score.ballots > 0, score


def test_the_attacks_link_a_leaky_design_where_a_credential_row_is_written_with_each_ballot(
    make_session: Any, campaign_units: dict[str, Any], leak_table: str, monkeypatch: Any
) -> None:
    """Negative control, the design before issue 10: a Participation-like row written with each
    ballot and ballots kept in arrival order. The order join (and on PostgreSQL the xmin join)
    then links nearly every ballot, far beyond chance."""
    monkeypatch.setattr(services, "_rewrite", lambda session, rows: None)
    meeting = run_meeting(make_session(), campaign_units, leaky=True)
    assert meeting.during is not None
    view = linkage.view_of(meeting.during, meeting.session.pk)
    attacks = ["xmin_join", "order_join"] if connection.vendor == "postgresql" else ["order_join"]
    for name in attacks:
        result = linkage.score(view, linkage.ATTACKS[name](view), meeting.truth, _person())
        print(f"leaky {name}: {result}")
        assert not result.at_chance and result.linked > 0.9 * result.ballots, (name, result)


def test_no_value_stored_with_a_ballot_is_stored_with_a_credential(
    make_session: Any, campaign_units: dict[str, Any]
) -> None:
    meeting = run_meeting(make_session(), campaign_units)
    for shot in (meeting.during, meeting.before_close, meeting.after):
        assert shot is not None
        view = linkage.view_of(shot, meeting.session.pk)
        assert not view.credential_rows  # nothing but the credential itself names a credential
        credential_values = {str(v) for c in view.credentials.values() for k, v in c.items() if not k.startswith("_")}
        for ballot in view.ballots:
            for key, value in ballot.items():
                # The session and the rater group are on both by design: the group is the baseline.
                # The unit rated is a row id of another table: on a fresh database it can equal a
                # credential's row id by chance (both count from 1), which links nothing.
                if key not in (
                    "_xmin",
                    "_pos",
                    "session_id",
                    "session_unit_id",
                    "rater_group",
                    "is_test",
                ) and value not in (
                    None,
                    "",
                ):
                    assert str(value) not in credential_values, (key, value)


def test_with_sheet_rules_sheets_stay_grouped_for_recounts_yet_link_no_better_than_chance(
    rating_campaign: Any, campaign_units: dict[str, Any]
) -> None:
    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings.verify import verify_session

    rules = {"all_identical_invalid": False, "min_valid_ballots": 1, "quotas": [{"grades": ["好"], "max_count": 3}]}
    SchemeVersion.objects.create(campaign=rating_campaign, number=3, data=rating_scheme(rules))
    session = services.session_create(campaign=rating_campaign, component_id="lide", name="配额测评")
    meeting = run_meeting(session, campaign_units)
    assert meeting.during is not None and meeting.after is not None
    during = linkage.view_of(meeting.during, session.pk)
    assert linkage._grouping_column(during.ballots) is None  # no grouping visible while open
    after = linkage.view_of(meeting.after, session.pk)
    assert linkage._grouping_column(after.ballots) == "sheet"  # grouped after the close, for recounts
    attacks = dict(linkage.ATTACKS)
    backup = meeting.before_close
    assert backup is not None
    attacks["key_join"] = lambda view: linkage.key_join(view, backup, session.public_id)
    _assert_at_chance(meeting, meeting.during, linkage.ATTACKS)
    _assert_at_chance(meeting, meeting.after, attacks)
    session.refresh_from_db()
    report = verify_session(session)
    assert report.ok, report.discrepancies
