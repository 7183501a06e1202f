"""An attacker who reads the database and tries to link ballots to rater credentials (issue 10 §1).

``snapshot`` copies what a reader of the database gets: every row of every Kaoping table with its
system columns (PostgreSQL ``xmin`` and ``ctid``, SQLite ``rowid``), the way a backup or a
``SELECT`` holds them. The attacks below work on a snapshot only — generic over the schema, so
the same code runs against a leaky variant (the negative control) and against today's tables:

* ``xmin_join``   — a ballot and a credential-side row written by the same or the nearest
                    transaction (PostgreSQL);
* ``order_join``  — the k-th ballot of a unit in physical order ↔ the k-th credential-side row of
                    that unit, or the k-th credential of the group (SQLite rowid, PostgreSQL ctid);
* ``time_join``   — a ballot's time estimated from the audit events written around it ↔ the
                    credential whose timestamped records are nearest;
* ``audit_join``  — audit events that name a credential inside the unit's voting window;
* ``pattern_join``— ballots grouped by any value they share across units ↔ credentials by the
                    set of units they graded or did not grade;
* ``key_join``    — with the server's keys: open every sealed value and recompute every tag.

Each attack answers, per ballot (by receipt hash), the credential it guesses; ``score`` compares
the guesses with the truth the simulated phones kept, against what guessing blindly gives.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import connection

Guess = dict[str, int]  # receipt hash → credential pk


@dataclass
class Snapshot:
    vendor: str
    tables: dict[str, list[dict[str, Any]]]  # db table → rows (columns + "_xmin", "_pos")

    def rows(self, model_label: str) -> list[dict[str, Any]]:
        return self.tables.get(apps.get_model(model_label)._meta.db_table, [])


def snapshot(extra_tables: tuple[str, ...] = ()) -> Snapshot:
    """Every row of every Kaoping table (and ``extra_tables``), with system columns."""
    tables = [m._meta.db_table for m in apps.get_models() if m.__module__.startswith("kaoping.")]
    copied = {}
    with connection.cursor() as cursor:
        for table in [*tables, *extra_tables]:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                # ctid as (page, line) in physical order; xmin as a number.
                position = "(ctid::text::point)[0] * 100000 + (ctid::text::point)[1]"
                sql = f"SELECT xmin::text::bigint, {position}, * FROM {quoted}"
            else:
                sql = f"SELECT NULL, rowid, * FROM {quoted}"
            cursor.execute(sql)
            names = ["_xmin", "_pos", *[c[0] for c in cursor.description[2:]]]
            copied[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return Snapshot(connection.vendor, copied)


# --------------------------------------------------------------------------------------------
# What the attacker derives from a snapshot
# --------------------------------------------------------------------------------------------


@dataclass
class View:
    ballots: list[dict[str, Any]]
    credentials: dict[int, dict[str, Any]]
    # rows of any other table that name a credential: (credential pk, unit id or None, row)
    credential_rows: list[tuple[int, int | None, dict[str, Any]]]
    audit: list[dict[str, Any]]
    timed: dict[int, list[datetime]] = field(default_factory=dict)  # credential → times seen

    def candidates(self, ballot: dict[str, Any]) -> list[int]:
        return sorted(pk for pk, c in self.credentials.items() if c["rater_group"] == ballot["rater_group"])


def view_of(shot: Snapshot, session_pk: int) -> View:
    ballots = [b for b in shot.rows("ratings.Ballot") if b["session_id"] == session_pk]
    credentials = {c["id"]: c for c in shot.rows("ratings.RaterCredential") if c["session_id"] == session_pk}
    credential_rows = []
    for table, rows in shot.tables.items():
        if table == apps.get_model("ratings.RaterCredential")._meta.db_table:
            continue
        for row in rows:
            credential = row.get("credential_id")
            if credential in credentials:
                credential_rows.append((credential, row.get("session_unit_id"), row))
    audit = [e for e in shot.rows("audit.AuditEvent") if e["chain"] == f"rating-session:{session_pk}"]
    view = View(ballots, credentials, credential_rows, sorted(audit, key=lambda e: e["seq"]))
    for event in view.audit:
        for pk in _credentials_named(event, credentials):
            view.timed.setdefault(pk, []).append(_as_time(event["at"]))
    for batch in shot.rows("ratings.SlipBatch"):
        if batch["session_id"] == session_pk:
            for pk in credentials:  # a slip list's time applies to all of its credentials
                view.timed.setdefault(pk, []).append(_as_time(batch["created_at"]))
    return view


def _credentials_named(event: dict[str, Any], credentials: dict[int, Any]) -> list[int]:
    named = []
    text = f"{event['object_id']} {event['new']} {event['old']}"
    for pk in credentials:
        if (
            (event["object_type"] == "rating_credential" and str(pk) == str(event["object_id"]))
            or f"'new': {pk}" in text
            or f'"new": {pk}' in text
        ):
            named.append(pk)
    if event["action"] == "rating_credential_reissued":
        named.append(int(event["object_id"]))
    return [pk for pk in named if pk in credentials]


def _as_time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace(" ", "T")[:26])


def _blind(view: View, ballot: dict[str, Any]) -> int:
    """What an attacker without information guesses: the first candidate."""
    candidates = view.candidates(ballot)
    return candidates[0] if candidates else -1


# --------------------------------------------------------------------------------------------
# Attacks
# --------------------------------------------------------------------------------------------


def xmin_join(view: View) -> Guess:
    """The credential-side row written by the ballot's own transaction, else the nearest one
    (at equal distance, the one written just after the ballot)."""
    guesses: Guess = {}
    side = [(row["_xmin"], pk) for pk, _unit, row in view.credential_rows if row.get("_xmin") is not None]
    side += [(c["_xmin"], pk) for pk, c in view.credentials.items() if c.get("_xmin") is not None]
    for ballot in view.ballots:
        candidates = set(view.candidates(ballot))
        xmin = ballot["_xmin"]
        near = [(abs(other - xmin), other < xmin, pk) for other, pk in side if pk in candidates and xmin]
        guesses[ballot["receipt_hash"]] = min(near)[2] if near else _blind(view, ballot)
    return guesses


def order_join(view: View) -> Guess:
    """Within a unit, the k-th ballot of a group in physical order ↔ the k-th credential-side row of
    that unit (or, with none, the k-th credential of the group in physical order)."""
    guesses: Guess = {}
    by_unit: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
    for ballot in view.ballots:
        by_unit[(ballot["session_unit_id"], ballot["rater_group"])].append(ballot)
    for (unit, group), ballots in by_unit.items():
        ballots.sort(key=lambda b: b["_pos"])
        side = sorted(
            (row["_pos"], pk)
            for pk, row_unit, row in view.credential_rows
            if row_unit == unit and view.credentials[pk]["rater_group"] == group
        )
        order = [pk for _pos, pk in side] or [
            pk
            for _pos, pk in sorted((c["_pos"], pk) for pk, c in view.credentials.items() if c["rater_group"] == group)
        ]
        for rank, ballot in enumerate(ballots):
            guesses[ballot["receipt_hash"]] = order[rank % len(order)] if order else _blind(view, ballot)
    return guesses


def time_join(view: View) -> Guess:
    """A ballot's time from the audit event nearest by transaction (PostgreSQL) ↔ the credential
    with the nearest timestamped record. SQLite keeps no order across tables: no estimate."""
    guesses: Guess = {}
    events = [(e["_xmin"], _as_time(e["at"])) for e in view.audit if e.get("_xmin") is not None]
    for ballot in view.ballots:
        estimate = min(events, key=lambda e: abs(e[0] - ballot["_xmin"]))[1] if events and ballot["_xmin"] else None
        candidates = view.candidates(ballot)
        timed = [
            (min(abs((t - estimate).total_seconds()) for t in view.timed[pk]), pk)
            for pk in candidates
            if estimate is not None and view.timed.get(pk)
        ]
        guesses[ballot["receipt_hash"]] = min(timed)[1] if timed else _blind(view, ballot)
    return guesses


def audit_join(view: View) -> Guess:
    """Audit events naming a credential between the unit's opening and closing."""
    guesses: Guess = {}
    windows: dict[Any, tuple[int, int]] = {}
    opened: dict[Any, int] = {}
    units = {str(b["session_unit_id"]) for b in view.ballots}
    for event in view.audit:
        text = f"{event['new']}"
        for unit in units:
            if event["action"] == "rating_unit_opened" and f"{unit}" in text:
                opened[unit] = event["seq"]
            if event["action"] == "rating_unit_closed" and unit in opened:
                windows[unit] = (opened[unit], event["seq"])
    for ballot in view.ballots:
        start, end = windows.get(str(ballot["session_unit_id"]), (0, 10**9))
        named = [
            pk
            for event in view.audit
            if start <= event["seq"] <= end
            for pk in _credentials_named(event, view.credentials)
            if pk in view.candidates(ballot)
        ]
        guesses[ballot["receipt_hash"]] = named[0] if named else _blind(view, ballot)
    return guesses


def pattern_join(view: View) -> Guess:
    """Ballots grouped by any value they share across units (a sheet id, a tag, a seal …); each
    group's set of units ↔ the credential whose credential-side rows name the same units."""
    guesses: Guess = {}
    grouping = _grouping_column(view.ballots)
    units_of: dict[int, frozenset[Any]] = {
        pk: frozenset(unit for credential, unit, _row in view.credential_rows if credential == pk and unit)
        for pk in view.credentials
    }
    for ballot in view.ballots:
        guess = _blind(view, ballot)
        if grouping is not None:
            mine = frozenset(b["session_unit_id"] for b in view.ballots if b[grouping] == ballot[grouping])
            matches = [pk for pk in view.candidates(ballot) if units_of.get(pk) == mine]
            if matches:
                guess = matches[0]
        guesses[ballot["receipt_hash"]] = guess
    return guesses


def _grouping_column(ballots: list[dict[str, Any]]) -> str | None:
    """A column whose equal values span several units: it groups one rater's ballots."""
    for column in sorted(ballots[0]) if ballots else []:
        if column.startswith("_") or column in ("session_id", "session_unit_id", "rater_group", "grade", "is_test"):
            continue
        units: dict[Any, set[Any]] = defaultdict(set)
        for ballot in ballots:
            if ballot[column] is not None:
                units[ballot[column]].add(ballot["session_unit_id"])
        if any(len(u) > 1 for u in units.values()):
            return column
    return None


def key_join(view: View, shot_with_slips: Snapshot, session_public_id: Any) -> Guess:
    """With the server's keys and files: open the sealed credentials (or the sealed slip lists of
    an earlier copy of the database), recompute every unit tag, match the ballots' tags."""
    from kaoping.ratings import keys, tokens

    guesses: Guess = {}
    sheet_of: dict[int, str] = {}
    try:
        sealer = keys.Sealer(session_public_id)
        for credential in shot_with_slips.rows("ratings.RaterCredential"):
            if credential["id"] in view.credentials and credential.get("sealed_secrets"):
                sheet_of[credential["id"]] = sealer.unseal_json("credential", credential["sealed_secrets"])["sheet"]
    except keys.SessionKeyMissing:
        sheet_of = {}
    tags = {tokens.unit_tag(sheet, b["session_unit_id"]): pk for pk, sheet in sheet_of.items() for b in view.ballots}
    earlier = {b["receipt_hash"]: b for b in shot_with_slips.rows("ratings.Ballot")}
    for ballot in view.ballots:
        tag = ballot.get("tag") or earlier.get(ballot["receipt_hash"], {}).get("tag")
        guesses[ballot["receipt_hash"]] = tags.get(tag, _blind(view, ballot)) if tag else _blind(view, ballot)
    return guesses


ATTACKS: dict[str, Callable[[View], Guess]] = {
    "xmin_join": xmin_join,
    "order_join": order_join,
    "time_join": time_join,
    "audit_join": audit_join,
    "pattern_join": pattern_join,
}


# --------------------------------------------------------------------------------------------
# Scoring against the truth
# --------------------------------------------------------------------------------------------


# One CI run scores 27 attack results on each of two databases; at 10⁻⁶ each, a run fails by
# chance less than once in 10,000 runs. At 10⁻⁴ (chance + 4 SD, the first design) a run did: an
# order join on SQLite linked 23 of 106 against chance 10.1, which a simulation of the close's
# shuffle (200,000 draws) gives 2.6 times in 10,000.
SIGNIFICANCE = 1e-6


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean). Links by blind guessing are a sum of rare, nearly
    independent hits (a random permutation's fixed points are Poisson in the limit); the Poisson
    tail is at least the Poisson-binomial's and within 1.3× of a simulated shuffle's."""
    if count <= 0:
        return 1.0
    term = total = math.exp(-mean)
    for k in range(1, count):
        term *= mean / k
        total += term
    return max(0.0, 1.0 - total)


@dataclass(frozen=True)
class Score:
    linked: int  # ballots whose guessed credential is the true one
    ballots: int
    chance: float  # expected links of blind guessing (Σ 1 / candidates)
    sd: float  # its standard deviation (Poisson-binomial)

    @property
    def p_value(self) -> float:
        """How often a blind guesser links at least this many."""
        return poisson_tail(self.linked, self.chance)

    @property
    def threshold(self) -> int:
        """The most links a blind guesser reaches with probability above ``SIGNIFICANCE``."""
        count = math.ceil(self.chance)
        while poisson_tail(count + 1, self.chance) > SIGNIFICANCE:
            count += 1
        return count

    @property
    def at_chance(self) -> bool:
        return self.p_value > SIGNIFICANCE

    def __str__(self) -> str:
        chance = f"chance {self.chance:.1f} ± {self.sd:.1f}, limit {self.threshold}, p {self.p_value:.1e}"
        return f"{self.linked}/{self.ballots} linked ({chance})"


def score(view: View, guesses: Guess, truth: dict[str, int], person: dict[int, int] | None = None) -> Score:
    """``person`` maps a credential to its person (a reissued slip and the one it replaced)."""
    same = person or {}
    linked = 0
    chance = variance = 0.0
    for ballot in view.ballots:
        receipt = ballot["receipt_hash"]
        if receipt not in truth:
            continue
        guess = guesses.get(receipt, -1)
        linked += same.get(guess, guess) == same.get(truth[receipt], truth[receipt])
        p = 1 / max(1, len(view.candidates(ballot)))
        chance += p
        variance += p * (1 - p)
    counted = sum(1 for b in view.ballots if b["receipt_hash"] in truth)
    return Score(linked, counted, chance, math.sqrt(variance))


def shared_values(view: View) -> Counter[str]:
    """Values that appear both in a ballot and in a credential-side row (ids, keys, digests …)."""
    ballot_values = {
        str(v) for b in view.ballots for k, v in b.items() if not k.startswith("_") and v not in (None, "")
    }
    found: Counter[str] = Counter()
    for _pk, _unit, row in view.credential_rows:
        for key, value in row.items():
            if not key.startswith("_") and key not in ("session_unit_id", "is_test") and str(value) in ballot_values:
                found[key] += 1
    return found
