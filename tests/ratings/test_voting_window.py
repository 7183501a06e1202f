"""T-A6 voting window: a Hypothesis state machine against an in-memory model of the rules.

Rules: open a unit, close a unit, try to reopen a closed one (refused), cast with a new key, resend
an accepted request, resend any earlier request (same key, same payload), resend it with another
grade, revote with a new key, resend a request a revote replaced, cast on a closed unit, close the
session. Each example is a
fresh session whose revote policy is drawn ('changeable' or 'final'), with three raters, one of
whom belongs to a unit of the session. After every step the stored Ballot and SupersededKey rows
and every unit's status must equal the model's, and no ballot may ever have been accepted on a closed unit.

The service layer is called in-process inside the test's transaction; each example only adds a
new session, so nothing has to be cleaned between examples.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from kaoping.ratings import ballots, services, tokens
from kaoping.ratings.models import Ballot, RevotePolicy, SessionUnit, SupersededKey

pytestmark = pytest.mark.django_db

GRADES = ["好", "良好", "较好", "一般", "差"]
EXAMPLES, STEPS = 200, 50
UNITS = 4  # the cast's campaign has four units
RATERS = [("leaders", None), ("heads", None), ("units", 1)]  # (group, index of own unit)
SEEN: Counter[tuple[str, int, bool, bool]] = Counter()  # (policy, status, superseded, stale) over a run


@dataclass(frozen=True)
class Request:
    rater: int
    unit: int
    grade: str
    key: str
    receipt: str


@dataclass
class Accepted:
    request: Request
    superseded: bool = False


def outcome(call: Any) -> tuple[int, bool, bool]:
    """(HTTP status, superseded, stale) of a service call; refusals are (status, False, False)."""
    try:
        result = call()
    except services.RatingError as error:
        return error.status, False, False
    return result.status, result.superseded, result.stale


class VotingWindow(RuleBasedStateMachine):
    def __init__(self, make_session: Any) -> None:
        super().__init__()
        self.make_session = make_session
        self.status = ["pending"] * UNITS
        self.session_closed = False
        self.current: dict[tuple[int, int], Request] = {}
        self.accepted: dict[str, Accepted] = {}
        self.sent: list[Request] = []
        self.accepted_after_close = 0

    # ---------------------------------------------------------------- setup

    @initialize(policy=st.sampled_from([RevotePolicy.CHANGEABLE, RevotePolicy.FINAL]))
    def new_session(self, policy: str) -> None:
        from tests.ratings.conftest import cookie_of, issue

        self.policy = policy
        self.session = self.make_session(revote_policy=policy)
        self.units = list(SessionUnit.objects.filter(session=self.session).order_by("position"))
        assert len(self.units) == UNITS
        specs = [
            (f"评委{n}", group, None if own is None else self.units[own].campaign_unit)
            for n, (group, own) in enumerate(RATERS)
        ]
        issued = issue(self.session, specs)
        self.credentials = [credential for credential, _token in issued]
        self.cookies = [cookie_of(token) for _credential, token in issued]

    # ---------------------------------------------------------------- the model

    def expected(self, request: Request) -> tuple[int, bool, bool]:
        known = self.accepted.get(request.key)
        if known is not None:  # an idempotency key answers before anything else, even after close
            if known.request == request:
                return 200, False, known.superseded
            return 422, False, False
        if self.session_closed:
            return 403, False, False
        if RATERS[request.rater][1] == request.unit:
            return 403, False, False
        if self.status[request.unit] != "open":
            return 409, False, False
        earlier = self.current.get((request.rater, request.unit))
        if earlier is None:
            return 201, False, False
        if self.policy == RevotePolicy.FINAL:
            return 409, False, False
        return 201, True, False

    def send(self, request: Request) -> None:
        expected = self.expected(request)
        actual = outcome(
            lambda: ballots.ballot_submit(
                credential_id=self.credentials[request.rater].pk,
                sheet=self.cookies[request.rater][0],
                own_unit_id=self.cookies[request.rater][1],
                session_public_id=str(self.session.public_id),
                session_unit_id=self.units[request.unit].pk,
                grade=request.grade,
                idem_key=request.key,
                receipt=request.receipt,
            )
        )
        if actual[0] == 201 and (self.session_closed or self.status[request.unit] != "open"):
            self.accepted_after_close += 1
        assert actual == expected, (request, self.status, self.policy)
        SEEN[(str(self.policy), *actual)] += 1
        self.sent.append(request)
        if actual[0] == 201:
            earlier = self.current.get((request.rater, request.unit))
            if earlier is not None:
                self.accepted[earlier.key].superseded = True
            self.current[(request.rater, request.unit)] = request
            self.accepted[request.key] = Accepted(request)

    def organizer(self, action: Any, unit: int) -> int:
        """200 when the organizer's action went through, else the refusal's status."""
        try:
            action(session=self.session, session_unit=self.units[unit])
        except services.RatingError as error:
            return error.status
        return 200

    # ---------------------------------------------------------------- rules

    @rule(unit=st.integers(0, UNITS - 1))
    def open_unit(self, unit: int) -> None:
        allowed = not self.session_closed and self.status[unit] == "pending"
        assert self.organizer(services.unit_open, unit) == (200 if allowed else 409)
        if allowed:
            self.status[unit] = "open"

    @rule(unit=st.integers(0, UNITS - 1))
    def close_unit(self, unit: int) -> None:
        allowed = not self.session_closed and self.status[unit] == "open"
        assert self.organizer(services.unit_close, unit) == (200 if allowed else 409)
        if allowed:
            self.status[unit] = "closed"

    @precondition(lambda self: "closed" in self.status)
    @rule(pick=st.integers(0, UNITS - 1))
    def reopen_is_refused(self, pick: int) -> None:
        closed = [n for n, status in enumerate(self.status) if status == "closed"]
        unit = closed[pick % len(closed)]
        assert self.organizer(services.unit_open, unit) == 409
        assert SessionUnit.objects.get(pk=self.units[unit].pk).status == "closed"

    @rule(rater=st.integers(0, len(RATERS) - 1), unit=st.integers(0, UNITS - 1), grade=st.sampled_from(GRADES))
    def cast(self, rater: int, unit: int, grade: str) -> None:
        self.send(Request(rater, unit, grade, str(uuid.uuid4()), uuid.uuid4().hex))

    @precondition(lambda self: bool(self.sent))
    @rule(pick=st.integers(0, 10_000))
    def duplicate_cast(self, pick: int) -> None:
        self.send(self.sent[pick % len(self.sent)])

    @precondition(lambda self: bool(self.accepted))
    @rule(pick=st.integers(0, 10_000))
    def resend_an_accepted_request(self, pick: int) -> None:
        """A phone that lost the answer resends what was accepted: the same answer comes back (200)."""
        accepted = sorted((key, a.request) for key, a in self.accepted.items())
        self.send(accepted[pick % len(accepted)][1])

    @precondition(lambda self: bool(self.sent))
    @rule(pick=st.integers(0, 10_000), shift=st.integers(1, len(GRADES) - 1))
    def same_key_other_grade(self, pick: int, shift: int) -> None:
        earlier = self.sent[pick % len(self.sent)]
        grade = GRADES[(GRADES.index(earlier.grade) + shift) % len(GRADES)]
        self.send(Request(earlier.rater, earlier.unit, grade, earlier.key, earlier.receipt))

    @precondition(lambda self: bool(self.current))
    @rule(pick=st.integers(0, 10_000), grade=st.sampled_from(GRADES))
    def cast_again_with_a_new_key(self, pick: int, grade: str) -> None:
        rater, unit = sorted(self.current)[pick % len(self.current)]
        self.send(Request(rater, unit, grade, str(uuid.uuid4()), uuid.uuid4().hex))

    @precondition(lambda self: any(a.superseded for a in self.accepted.values()))
    @rule(pick=st.integers(0, 10_000))
    def late_retry_of_a_superseded_request(self, pick: int) -> None:
        """A phone resends the request a revote replaced: it must replay, never bring the old grade back."""
        replaced = sorted((key, a.request) for key, a in self.accepted.items() if a.superseded)
        self.send(replaced[pick % len(replaced)][1])

    @precondition(lambda self: "closed" in self.status)
    @rule(rater=st.integers(0, len(RATERS) - 1), pick=st.integers(0, UNITS - 1), grade=st.sampled_from(GRADES))
    def cast_after_close(self, rater: int, pick: int, grade: str) -> None:
        closed = [n for n, status in enumerate(self.status) if status == "closed"]
        self.send(Request(rater, closed[pick % len(closed)], grade, str(uuid.uuid4()), uuid.uuid4().hex))

    @precondition(lambda self: "closed" in self.status and not self.session_closed)
    @rule()
    def close_session(self) -> None:
        services.session_close(session=self.session)
        self.session_closed = True
        self.status = ["closed" if status != "pending" else status for status in self.status]

    # ---------------------------------------------------------------- invariants

    @invariant()
    def database_equals_the_model(self) -> None:
        if not hasattr(self, "session"):
            return
        assert self.accepted_after_close == 0
        rows: dict[str, set[tuple[str, ...]]] = {"b": set(), "s": set(), "u": set()}
        with connection.cursor() as cursor:
            cursor.execute(STATE_SQL, [self.session.pk] * 3)
            for kind, *values in cursor.fetchall():
                rows[kind].add(tuple(values))
        # While the session is open a ballot carries its rater's per-unit tag; after, nothing.
        assert {(u, tag, grade, receipt, str(uuid.UUID(key))) for u, tag, grade, receipt, key in rows["b"]} == {
            (
                str(self.units[u].pk),
                "" if self.session_closed else tokens.unit_tag(self.cookies[r][0], self.units[u].pk),
                v.grade,
                tokens.receipt_hash(v.receipt),
                v.key,
            )
            for (r, u), v in self.current.items()
        }
        assert {str(uuid.UUID(key)) for key, *_ in rows["s"]} == {
            key for key, a in self.accepted.items() if a.superseded
        }
        assert rows["u"] == {
            (str(unit.pk), status, "", "", "") for unit, status in zip(self.units, self.status, strict=True)
        }


def _state_sql() -> str:
    """One round trip for the whole stored state of a session (ballots, superseded keys, unit
    statuses); the ORM would build three queries' SQL on every step."""
    ballot, superseded, unit = Ballot._meta.db_table, SupersededKey._meta.db_table, SessionUnit._meta.db_table
    text = "CAST({} AS TEXT)".format
    return (
        f"SELECT 'b', {text('session_unit_id')}, COALESCE(tag, ''), grade, receipt_hash, {text('idem_key')}"
        f" FROM {ballot} WHERE session_id = %s"
        f" UNION ALL SELECT 's', {text('k.idem_key')}, '', '', '', '' FROM {superseded} k"
        f" JOIN {unit} u ON u.id = k.session_unit_id WHERE u.session_id = %s"
        f" UNION ALL SELECT 'u', {text('id')}, status, '', '', '' FROM {unit} WHERE session_id = %s"
    )


STATE_SQL = _state_sql()


def test_voting_window_matches_the_model_for_200_sequences_of_up_to_50_steps(make_session: Any) -> None:
    SEEN.clear()
    started = time.perf_counter()
    run_state_machine_as_test(
        lambda: VotingWindow(make_session),
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # the same 200 sequences every run: a random draw once reached no revote under
            # 'changeable' at all, failing the coverage checks below without any fault in the code
            derandomize=True,
        ),
    )
    print(f"voting window: {EXAMPLES} examples × ≤ {STEPS} steps in {time.perf_counter() - started:.1f} s")
    print(sorted(SEEN.items()))
    # The run reached every answer of the rules (a sanity check of the generator, not of the code).
    changeable, final = str(RevotePolicy.CHANGEABLE), str(RevotePolicy.FINAL)
    for policy in (changeable, final):
        for status in (201, 200, 409, 403):
            assert any(p == policy and s == status for p, s, _superseded, _stale in SEEN), (policy, status)
    assert any(s == 422 for _p, s, _superseded, _stale in SEEN)
    assert SEEN[(changeable, 201, True, False)] > 0  # a revote superseded the earlier grade
    assert SEEN[(changeable, 200, False, True)] > 0  # a late retry of a superseded key replayed
    assert not any(p == final and superseded for p, _s, superseded, _stale in SEEN)
