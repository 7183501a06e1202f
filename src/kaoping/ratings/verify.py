"""An independent recount of a session from its raw ballots (``manage.py verify_session``).

It reads the raw ballots with GROUP BY queries and applies the scheme's settings (grade values,
weights, trimming, sheet rules, rounding) in plain Python — deliberately *not* through the
engine's code — then compares every unit's total with the stored engine result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from kaoping.audit.services import verify_chain
from kaoping.ratings import keys, scoring
from kaoping.ratings.models import (
    Ballot,
    RaterCredential,
    RatingSession,
    SessionStatus,
    SessionUnit,
    SlipBatch,
    UnitStatus,
)


@dataclass
class Report:
    checked: int = 0
    ballots: int = 0
    invalid_sheets: int = 0
    discrepancies: list[str] = field(default_factory=list)
    chain_ok: bool = True
    chain_head: str = ""

    @property
    def ok(self) -> bool:
        return not self.discrepancies and self.chain_ok


# Ballots of closed units carry an anonymous sheet (one per ballot, or per rater's sheet after the
# session's close where the scheme has sheet rules); ballots of a unit still open do not.
_COUNTED = "sheet IS NOT NULL"


def _table() -> str:
    return connection.ops.quote_name(Ballot._meta.db_table)


def _sheet_counts(session: RatingSession) -> dict[str, dict[str, int]]:
    sql = (
        f"SELECT sheet, grade, COUNT(*) FROM {_table()} WHERE session_id = %s AND is_test = %s"
        f" AND {_COUNTED} GROUP BY sheet, grade"
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.is_test])
        for sheet, grade, n in cursor.fetchall():
            counts[sheet][grade] = n
    return counts


def _sheet_groups(session: RatingSession) -> dict[str, set[str]]:
    sql = (
        f"SELECT sheet, rater_group FROM {_table()} WHERE session_id = %s AND is_test = %s"
        f" AND {_COUNTED} GROUP BY sheet, rater_group"
    )
    groups: dict[str, set[str]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.is_test])
        for sheet, group in cursor.fetchall():
            groups[sheet].add(group)
    return groups


def _invalid_sheets(session: RatingSession, final: bool) -> set[str]:
    spec = scoring.session_spec(session)
    values = {g.name for g in spec.scale.grades}
    abstain = spec.scale.abstain
    group_ids = {g.id for g in spec.groups}
    invalid = set()
    for sheet, groups in _sheet_groups(session).items():
        if groups - group_ids:
            invalid.add(sheet)
    for sheet, counts in _sheet_counts(session).items():
        if any(grade not in values and grade != abstain for grade in counts):
            invalid.add(sheet)
            continue
        if not final:
            continue
        entries = sum(counts.values())
        graded = {g: n for g, n in counts.items() if g != abstain}
        for quota in spec.ballot_rules.quotas:
            count = sum(graded.get(g, 0) for g in quota.grades)
            broken = (
                (quota.max_count is not None and count > quota.max_count)
                or (quota.min_count is not None and count < quota.min_count)
                or (quota.max_share is not None and count * 100 > quota.max_share * entries)
                or (quota.min_share is not None and count * 100 < quota.min_share * entries)
            )
            if broken:
                invalid.add(sheet)
        if spec.ballot_rules.all_identical_invalid and sum(graded.values()) >= 2 and len(graded) == 1:
            invalid.add(sheet)
    return invalid


def _unit_tallies(session: RatingSession) -> dict[int, list[tuple[str, str, str, int]]]:
    """(group, grade, sheet-valid flag via caller) rows per unit: GROUP BY unit, group, grade, sheet."""
    sql = (
        f"SELECT session_unit_id, rater_group, grade, sheet, COUNT(*) FROM {_table()} "
        f"WHERE session_id = %s AND is_test = %s AND {_COUNTED} GROUP BY session_unit_id, rater_group, grade, sheet"
    )
    rows: dict[int, list[tuple[str, str, str, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [session.pk, session.is_test])
        for unit_id, group, grade, sheet, n in cursor.fetchall():
            rows[unit_id].append((group, grade, sheet, n))
    return rows


def _trim(values: list[tuple[Decimal, int]], above: int, per_side: int) -> list[tuple[Decimal, int]]:
    if per_side <= 0 or len(values) <= max(above, 2 * per_side):
        return values
    ordered = sorted(values)
    return ordered[per_side:-per_side]


def recount_unit(session: RatingSession, rows: list[tuple[str, str, str, int]], invalid: set[str]) -> Decimal | None:
    spec = scoring.session_spec(session)
    component = scoring.session_component(session)
    value = {g.name: g.value for g in spec.scale.grades}
    order = {g.id: i for i, g in enumerate(spec.groups)}
    votes: list[tuple[Decimal, int]] = []
    for group, grade, sheet, n in rows:
        if sheet in invalid or grade not in value:
            continue
        votes.extend([(value[grade], order[group])] * n)
    if not votes or len(votes) < spec.ballot_rules.min_valid_ballots:
        return None
    trim = spec.trim
    if trim is not None and trim.scope == "overall":
        votes = _trim(votes, trim.above, trim.per_side)
        per_group = {i: [v for v in votes if v[1] == i] for i in order.values()}
    else:
        per_group = {i: [v for v in votes if v[1] == i] for i in order.values()}
        if trim is not None:
            per_group = {i: _trim(vs, trim.above, trim.per_side) for i, vs in per_group.items()}
    present = {i: vs for i, vs in per_group.items() if vs}
    if len(present) < len(spec.groups) and spec.empty_group == "fail":
        return None
    weight_sum = sum((spec.groups[i].weight for i in present), Decimal(0))
    if weight_sum <= 0:
        return None
    raw = sum(
        (
            sum((v for v, _g in vs), Decimal(0)) / len(vs) * spec.groups[i].weight / weight_sum
            for i, vs in present.items()
        ),
        Decimal(0),
    )
    score = (
        raw * component.points if spec.scale.mode == "coefficient" else raw / spec.scale.scale_max * component.points
    )
    rounding = scoring.session_scheme(session).rounding.rating
    if rounding is None:
        return score
    return rounding.apply(score)


def verify_session(session: RatingSession) -> Report:
    report = Report()
    final = session.status == SessionStatus.CLOSED
    invalid = _invalid_sheets(session, final)
    report.invalid_sheets = len(invalid)
    tallies = _unit_tallies(session)
    for unit in SessionUnit.objects.filter(session=session, status=UnitStatus.CLOSED).select_related(
        "campaign_unit__organization"
    ):
        rows = tallies.get(unit.pk, [])
        report.ballots += sum(n for *_rest, n in rows)
        mine = recount_unit(session, rows, invalid)
        stored = (unit.result or {}).get("score")
        engine = None if stored is None else Decimal(stored)
        report.checked += 1
        if mine != engine:
            name = unit.campaign_unit.organization.name
            report.discrepancies.append(f"{name}:独立复算 {mine},系统结果 {engine}")
    check = verify_chain(session.chain)
    report.chain_ok, report.chain_head = check.ok, check.head
    if not check.ok:
        report.discrepancies.append(f"审计链在第 {check.broken_at} 条处断开")
    if final:
        report.discrepancies.extend(_secrecy_after_close(session))
    return report


def _secrecy_after_close(session: RatingSession) -> list[str]:
    """After the close nothing may be left that links a ballot to a credential."""
    problems = []
    keys.session_key_destroy(session.public_id)  # left behind only by a crash right after the close
    linked = Ballot.objects.filter(session=session).exclude(tag=None, sealed_sheet=None).count()
    if linked:
        problems.append(f"有 {linked} 张选票在测评结束后仍带有评委标记")
    if RaterCredential.objects.filter(session=session).exclude(sealed_secrets="").exists():
        problems.append("测评结束后仍保存着评委的加密信息")
    if SlipBatch.objects.filter(session=session).exclude(sealed_entries="").exists():
        problems.append("测评结束后仍保存着评分条名单")
    return problems
