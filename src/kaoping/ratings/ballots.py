"""The ballot write path. The database, not this code, guarantees one ballot per rater and unit.

A ballot is one row and only one row: nothing about the credential is written when it is cast, so
no time, order or transaction in the database pairs a ballot with the rater who cast it (the
secrecy model is in ``kaoping.ratings.models`` and docs/live-rating.md). One rater, one unit:
``UniqueConstraint(session_unit, tag)`` with ``tag = HMAC(sheet key, unit)``; one request, one
ballot: the unique ``idem_key``.

The first attempt is optimistic: validate and insert. A replay, a second ballot for the same unit
or a concurrent twin then fails on a unique constraint, and the careful path (replay → conflict →
supersede) answers it in a fresh transaction (research §5.1).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from kaoping.ratings import keys, scoring, tokens
from kaoping.ratings.errors import RatingError
from kaoping.ratings.models import (
    Ballot,
    RaterCredential,
    RatingSession,
    RevotePolicy,
    SessionMode,
    SessionStatus,
    SessionUnit,
    SupersededKey,
    UnitStatus,
)
from kaoping.ratings.writer_lock import ballot_writer_turn

_MAX_ID = 2**63 - 1  # the largest key either database stores; a larger number names no unit


@dataclass(frozen=True)
class SubmitResult:
    status: int  # 201 stored, 200 replay of an earlier identical request
    receipt: str
    superseded: bool = False  # a revote replaced the earlier grade
    stale: bool = False  # this key was replaced by a later revote


@dataclass(frozen=True)
class _Request:
    credential_id: int
    sheet: str  # the rater's sheet key, from the signed cookie
    unit_id: int
    grade: str
    key: uuid.UUID
    receipt: str
    session_public_id: str
    own_unit_id: int | None  # campaign unit the rater belongs to, from the signed cookie
    page_round: int | None = None  # the session round the phone's page was opened in (None: not checked)

    @property
    def digest(self) -> str:
        return tokens.request_digest(self.unit_id, self.grade, self.receipt)

    @property
    def tag(self) -> str:
        return tokens.unit_tag(self.sheet, self.unit_id)


def ballot_submit(
    *,
    credential_id: int,
    sheet: str,
    session_unit_id: int,
    grade: str,
    idem_key: str | None,
    receipt: str,
    session_public_id: str,
    own_unit_id: int | None,
    page_round: int | None = None,
) -> SubmitResult:
    """Store one grade. Safe to call again with the same key: it answers, it never duplicates.

    ``sheet``, ``session_public_id`` and ``own_unit_id`` come from the rater's signed cookie;
    ``page_round`` from the page: a page of an earlier round (before test ballots were cleared or the
    session went live) is refused, so a rehearsal's queued ballot never lands in the real vote."""
    key = _parse_key(idem_key)
    receipt = _check_receipt(receipt)
    if not tokens.looks_like_sheet_key(sheet):
        raise RatingError(403, _("请重新扫描评分条"))
    if not 0 < session_unit_id <= _MAX_ID:
        raise RatingError(400, _("该单位不在本场测评中"))
    if page_round is not None and not 0 < page_round <= _MAX_ID:
        raise RatingError(409, _round_message())
    request = _Request(
        credential_id, sheet, session_unit_id, grade, key, receipt, session_public_id, own_unit_id, page_round
    )
    with ballot_writer_turn():
        return _submit(request)


def _round_message() -> str:
    return _("测评已重新开始(测试选票已清除或已切换为正式测评),请刷新页面后重新评分")


def _parse_key(idem_key: str | None) -> uuid.UUID:
    if not idem_key:
        raise RatingError(400, _("缺少提交编号(Idempotency-Key),请刷新页面后重试"))
    try:
        return uuid.UUID(str(idem_key))
    except ValueError:
        raise RatingError(400, _("提交编号格式不正确,请刷新页面后重试")) from None


def _check_receipt(receipt: str) -> str:
    if len(receipt) != 32 or any(c not in "0123456789abcdef" for c in receipt):
        raise RatingError(400, _("回执码格式不正确,请刷新页面后重试"))
    return receipt


def _submit(request: _Request) -> SubmitResult:
    careful = False
    for _attempt in range(6):
        try:
            if not careful:
                return _submit_fast(request)
            with transaction.atomic(durable=True):
                return _submit_careful(request)
        except IntegrityError:
            careful = True  # a concurrent request for the same key or (rater, unit) committed first
        except RatingError:
            if careful:
                raise
            careful = True  # a refusal is re-checked on the careful path: a late retry still replays
    raise RatingError(409, _("提交冲突,请稍后重试"))


# --------------------------------------------------------------------------------------------
# The fast path
# --------------------------------------------------------------------------------------------


def _submit_fast(request: _Request) -> SubmitResult:
    """Validate and insert while open, without a row lock, so hundreds of raters grading the same
    unit never queue behind each other: by the INSERT itself where the rules allow, else read,
    validate and insert in one short transaction."""
    spec = _spec_of_session(request.session_public_id)
    if spec is not None and not scoring.has_sheet_rules(spec):
        _check_grade(request.grade, spec)
        return _insert_if_allowed(request)
    with transaction.atomic(durable=True):
        return _validate_and_insert(request)


@lru_cache(maxsize=64)
def _spec_of_session(public_id: str) -> Any:
    # Keyed by the session's UUID: its scheme version and component never change.
    try:
        session = RatingSession.objects.filter(public_id=public_id).only("scheme_version_id", "component_id").first()
    except ValidationError:  # not a UUID: the careful path answers it
        return None
    return None if session is None else scoring.session_spec(session)


def _insert_if_allowed(request: _Request) -> SubmitResult:
    """INSERT the ballot only where the credential is not revoked, the session and the unit are
    open and the unit is not the rater's own, read by the INSERT itself: one autocommit statement
    on PostgreSQL (the meeting's throughput was bound by round trips), one write transaction on
    SQLite. The unit's status is read in the statement's own snapshot, after it has locked the
    ballot table, as ``hold_ballot_writers`` requires.

    Nothing stored → RatingError, and ``_submit`` lets the careful path find out why and say so.
    A replay or a second ballot raises IntegrityError, answered there too."""
    params = _insert_params(request, sealed_sheet=None)
    with _insert_if_allowed_transaction(), connection.cursor() as cursor:
        cursor.execute(_insert_if_allowed_sql(), params)
        if cursor.rowcount != 1:
            raise RatingError(409, _("该单位的测评已关闭,不能再提交"))  # re-checked by the careful path
    return SubmitResult(status=201, receipt=request.receipt)


def _insert_if_allowed_transaction() -> Any:
    if connection.vendor != "postgresql":
        return transaction.atomic(durable=True)
    # Alone, the statement is its own transaction. Inside an outer one (a test's), a savepoint
    # keeps a unique violation from aborting it.
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _insert_params(request: _Request, sealed_sheet: str | None) -> dict[str, Any]:
    def as_uuid(model: Any, name: str, value: uuid.UUID) -> Any:
        return model._meta.get_field(name).get_db_prep_value(value, connection)

    return {
        "credential": request.credential_id,
        "unit": request.unit_id,
        "session": as_uuid(RatingSession, "public_id", uuid.UUID(request.session_public_id)),
        "own": -1 if request.own_unit_id is None else request.own_unit_id,
        "round": request.page_round or 0,
        "open": UnitStatus.OPEN.value,
        "session_open": SessionStatus.OPEN.value,
        "test": SessionMode.TEST.value,
        "ballot": as_uuid(Ballot, "id", uuid.uuid4()),
        "key": as_uuid(Ballot, "idem_key", request.key),
        "digest": request.digest,
        "tag": request.tag,
        "sealed": sealed_sheet,
        "grade": request.grade,
        "receipt_hash": tokens.receipt_hash(request.receipt),
    }


@lru_cache(maxsize=2)
def _insert_if_allowed_sql_for(vendor: str) -> str:
    def table(model: Any) -> str:
        return str(connection.ops.quote_name(model._meta.db_table))

    return (
        f"INSERT INTO {table(Ballot)}"
        " (id, session_id, session_unit_id, rater_group, grade, receipt_hash, idem_key, request_digest,"
        " tag, sealed_sheet, sheet, is_test)"
        " SELECT %(ballot)s, s.id, u.id, c.rater_group, %(grade)s, %(receipt_hash)s, %(key)s, %(digest)s,"
        " %(tag)s, %(sealed)s, NULL, s.mode = %(test)s"
        f" FROM {table(RaterCredential)} c"
        f" JOIN {table(RatingSession)} s ON s.id = c.session_id"
        f" JOIN {table(SessionUnit)} u ON u.id = %(unit)s AND u.session_id = s.id"
        " WHERE c.id = %(credential)s AND NOT c.revoked AND s.public_id = %(session)s"
        " AND s.status = %(session_open)s AND u.status = %(open)s AND u.campaign_unit_id <> %(own)s"
        " AND (%(round)s = 0 OR s.round = %(round)s)"
    )


def _insert_if_allowed_sql() -> str:
    return _insert_if_allowed_sql_for(connection.vendor)


# --------------------------------------------------------------------------------------------
# Read, validate, insert (schemes with rules over the whole sheet) and the careful path
# --------------------------------------------------------------------------------------------


def _validate_and_insert(request: _Request) -> SubmitResult:
    found = _credential_with_unit(request.credential_id, request.unit_id)
    if found is None:
        raise RatingError(400, _("该单位不在本场测评中"))  # re-checked on the careful path
    credential, unit, spec = _validated(request, found[0])
    _check_sheet(credential.session, request, unit, spec)
    _check_unit_status(found[1])
    return _insert(request, credential, unit, spec)


def _submit_careful(request: _Request, *, lock_existing: bool = True) -> SubmitResult:
    """Read, validate and write under the unit's lock. ``lock_existing=False`` reads the rater's
    earlier ballot without a row lock: only the load harness's negative control passes it
    (benchmarks/rating_load/unsafe_control.py, on tables without their unique constraints)."""
    replay = _replay(request)
    if replay is not None:
        return replay
    credential, unit, spec = _validated(request)
    _lock_open_unit(unit.pk)
    session = credential.session
    existing_qs = Ballot.objects.filter(session_unit_id=unit.pk, tag=request.tag)
    existing = (existing_qs.select_for_update() if lock_existing else existing_qs).first()
    if existing is not None and session.revote_policy == RevotePolicy.FINAL:
        raise RatingError(409, _("您已为该单位评分,本场测评提交后不可修改"))
    _check_sheet(session, request, unit, spec)
    if existing is None:
        return _insert(request, credential, unit, spec)
    SupersededKey.objects.create(
        idem_key=existing.idem_key,
        session_unit_id=unit.pk,
        request_digest=existing.request_digest,
        is_test=existing.is_test,
    )
    Ballot.objects.filter(pk=existing.pk).update(
        grade=request.grade,
        receipt_hash=tokens.receipt_hash(request.receipt),
        idem_key=request.key,
        request_digest=request.digest,
    )
    return SubmitResult(status=201, receipt=request.receipt, superseded=True)


def _replay(request: _Request) -> SubmitResult | None:
    """An earlier request with this key: 200 with the same receipt, or 422 for another payload.

    The digest binds the unit, the grade and the 128-bit receipt nonce only the sending phone
    knows, so a key cannot be replayed by anyone else to learn or change anything."""
    current = Ballot.objects.filter(idem_key=request.key).values_list("request_digest", flat=True).first()
    stale = False
    if current is None:
        current = SupersededKey.objects.filter(idem_key=request.key).values_list("request_digest", flat=True).first()
        if current is None:
            return None
        stale = True
    if current != request.digest:
        raise RatingError(422, _("同一提交编号对应了不同的内容,请刷新页面后重新选择"))
    return SubmitResult(status=200, receipt=request.receipt, stale=stale)


def _validated(
    request: _Request, credential: RaterCredential | None = None
) -> tuple[RaterCredential, SessionUnit, Any]:
    if credential is None:
        credential = _credential_with_session(request.credential_id)
    if credential is None or credential.revoked:
        raise RatingError(403, _("该评分码已作废,请使用新的评分条"))
    session = credential.session
    if str(session.public_id) != request.session_public_id:
        raise RatingError(403, _("请重新扫描评分条"))
    if session.status == SessionStatus.CLOSED:
        raise RatingError(403, _("本场测评已结束"))
    if request.page_round is not None and session.round != request.page_round:
        raise RatingError(409, _round_message())
    unit = _session_unit(session, request)
    spec = scoring.session_spec(session)
    _check_grade(request.grade, spec)
    return credential, unit, spec


def _check_grade(grade: str, spec: Any) -> None:
    if grade not in scoring.allowed_grades(spec):
        raise RatingError(400, _("等次“%(grade)s”不是本测评的等次") % {"grade": grade})


def _session_unit(session: RatingSession, request: _Request) -> SessionUnit:
    """The session's unit (from the per-process cache); its open/closed state is checked under
    lock inside the write transaction by ``_lock_open_unit``."""
    campaign_unit = _campaign_unit_of(session.public_id, session.pk).get(request.unit_id)
    if campaign_unit is None:
        raise RatingError(400, _("该单位不在本场测评中"))
    if request.own_unit_id is not None and campaign_unit == request.own_unit_id:
        raise RatingError(403, _("评委不能为本单位评分"))
    return SessionUnit(pk=request.unit_id, session=session, campaign_unit_id=campaign_unit)


@lru_cache(maxsize=256)
def _campaign_unit_of(public_id: uuid.UUID, session_pk: int) -> Mapping[int, int]:
    """Session unit → campaign unit, read-only (shared between requests)."""
    return MappingProxyType(dict(session_unit_ids(public_id, session_pk)))


@lru_cache(maxsize=256)
def session_unit_ids(public_id: uuid.UUID, session_pk: int) -> tuple[tuple[int, int], ...]:
    """(session unit, campaign unit) pairs; fixed once the session exists, so cached per process."""
    rows = SessionUnit.objects.filter(session_id=session_pk).values_list("pk", "campaign_unit_id")
    return tuple((pk, campaign_unit) for pk, campaign_unit in rows)


def _check_sheet(session: RatingSession, request: _Request, unit: SessionUnit, spec: Any) -> None:
    """The rules over the rater's whole sheet, on the sheet as it would be with this grade.

    The rater's other ballots are found by their tags, which only this rater's sheet key gives."""
    if not scoring.has_sheet_rules(spec):
        return  # no per-sheet rule to break: skip reading the rater's other grades
    eligible = [
        pk
        for pk, campaign_unit in session_unit_ids(session.public_id, session.pk)
        if campaign_unit != request.own_unit_id
    ]
    tags = [tokens.unit_tag(request.sheet, pk) for pk in eligible]
    current: dict[int, str | None] = dict.fromkeys(eligible)
    current.update(
        Ballot.objects.filter(session_unit_id__in=eligible, tag__in=tags, is_test=session.is_test).values_list(
            "session_unit_id", "grade"
        )
    )
    current[unit.pk] = request.grade
    problems = scoring.sheet_problems(spec, {str(pk): value for pk, value in current.items()})
    if problems:
        names = dict(SessionUnit.objects.filter(session=session).values_list("pk", "campaign_unit__organization__name"))
        text = ";".join(problems)
        for pk, name in names.items():
            text = text.replace(f"“{pk}”", f"“{name}”")
        raise RatingError(400, _("这次选择不符合本测评的选票规则:%(problems)s") % {"problems": text})


def _sealed_sheet(session: RatingSession, request: _Request, spec: Any) -> str | None:
    """The sheet key sealed with a random nonce, for the session's close to group the sheet; only
    schemes with per-sheet rules need it."""
    if not scoring.has_sheet_rules(spec):
        return None
    try:
        return keys.seal(session.public_id, "sheet", bytes.fromhex(request.sheet))
    except keys.SessionKeyMissing as missing:
        raise RatingError(503, str(missing)) from None


def _insert(request: _Request, credential: RaterCredential, unit: SessionUnit, spec: Any) -> SubmitResult:
    session = credential.session
    values = {
        "id": uuid.uuid4(),
        "session_id": session.pk,
        "session_unit_id": unit.pk,
        "rater_group": credential.rater_group,
        "grade": request.grade,
        "receipt_hash": tokens.receipt_hash(request.receipt),
        "idem_key": request.key,
        "request_digest": request.digest,
        "tag": request.tag,
        "sealed_sheet": _sealed_sheet(session, request, spec),
        "sheet": None,
        "is_test": session.is_test,
    }
    if not _raw_insert(unit.pk, values):
        _check_unit_status(None)  # closed between the read and the insert
    return SubmitResult(status=201, receipt=request.receipt)


# --------------------------------------------------------------------------------------------
# Locks
# --------------------------------------------------------------------------------------------


def _lock_open_unit(unit_pk: int) -> None:
    """Inside the ballot's transaction: the unit is still open, and stays open until we commit.

    The ballot table is taken in ROW EXCLUSIVE mode (what any INSERT takes) *before* the status is
    read, so a close holding ``hold_ballot_writers`` is either waited for or waits for us.
    """
    if connection.vendor == "postgresql":
        _execute(f"LOCK TABLE {connection.ops.quote_name(Ballot._meta.db_table)} IN ROW EXCLUSIVE MODE")
    table = connection.ops.quote_name(SessionUnit._meta.db_table)
    row = _fetch_one(f"SELECT status FROM {table} WHERE id = %s", [unit_pk])
    _check_unit_status(None if row is None else row[0])


def hold_ballot_writers() -> None:
    """Inside a transaction that closes units or removes ballots: wait for every ballot being
    written to commit, and hold new ones back until this transaction ends.

    PostgreSQL: SHARE ROW EXCLUSIVE mode on the ballot table conflicts with the ROW EXCLUSIVE lock
    every ballot INSERT takes while its statement is parsed, before its snapshot. So a ballot either
    committed before this lock (and is counted), or its statement starts after this transaction
    commits and its guard reads the unit as closed. Ballots never lock a row, so a meeting's burst
    on one unit does not serialise on it. The mode also conflicts with itself: two closes, which
    both rewrite ballots, take turns instead of deadlocking on each other's share lock.
    SQLite: writers are serialised already (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        _execute(f"LOCK TABLE {connection.ops.quote_name(Ballot._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _check_unit_status(status: str | None) -> None:
    if status is None or status == UnitStatus.CLOSED:
        raise RatingError(409, _("该单位的测评已关闭,不能再提交"))
    if status == UnitStatus.PENDING:
        raise RatingError(409, _("该单位的测评尚未开始"))


# --------------------------------------------------------------------------------------------
# Raw reads and inserts
# --------------------------------------------------------------------------------------------

# The ballot path runs hundreds of times a second in a meeting: building the ORM's SQL for the
# credential read and the insert cost more CPU than the database work itself, so these statements
# are written once here. Values still go through each field's own database preparation.
_CREDENTIAL_FIELDS = ("id", "session_id", "rater_group", "revoked")
_SESSION_FIELDS = (
    "id",
    "status",
    "mode",
    "round",
    "revote_policy",
    "public_id",
    "scheme_version_id",
    "component_id",
)


def _credential_with_session(credential_id: int) -> RaterCredential | None:
    """The credential and the session fields the ballot path reads, in one query.

    Other fields stay deferred (read on first access), so the instances behave like ORM ones."""
    row = _fetch_one(_credential_sql(with_unit=False), [credential_id])
    return None if row is None else _credential_from_row(row)


def _credential_with_unit(credential_id: int, unit_id: int) -> tuple[RaterCredential, str] | None:
    """The credential, its session and the unit's status, for the refusal messages; the insert
    re-checks the status itself. None when either is unknown or the unit is another session's;
    the careful path then says which."""
    row = _fetch_one(_credential_sql(with_unit=True), [unit_id, credential_id])
    return None if row is None else (_credential_from_row(row[:-1]), row[-1])


def _fetch_one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _credential_sql(*, with_unit: bool) -> str:
    quote = connection.ops.quote_name
    columns = [f"c.{quote(name)}" for name in _CREDENTIAL_FIELDS] + [f"s.{quote(name)}" for name in _SESSION_FIELDS]
    credentials, sessions = quote(RaterCredential._meta.db_table), quote(RatingSession._meta.db_table)
    sql = f"FROM {credentials} c JOIN {sessions} s ON s.id = c.session_id"
    if with_unit:
        columns.append(f"u.{quote('status')}")
        sql += f" JOIN {quote(SessionUnit._meta.db_table)} u ON u.id = %s AND u.session_id = s.id"
    return f"SELECT {', '.join(columns)} {sql} WHERE c.id = %s"


def _credential_from_row(row: Any) -> RaterCredential:
    split = len(_CREDENTIAL_FIELDS)
    credential: RaterCredential = _from_db(RaterCredential, _CREDENTIAL_FIELDS, row[:split])
    credential.session = _from_db(RatingSession, _SESSION_FIELDS, row[split:])
    return credential


def _from_db(model: Any, names: tuple[str, ...], values: Any) -> Any:
    """Raw columns → an instance with only these fields loaded, converted as the ORM would."""
    by_name = dict(zip(names, values, strict=True))
    ordered, fields = _load_plan(model, names)
    converted = [
        None if by_name[name] is None else field.to_python(by_name[name])
        for name, field in zip(ordered, fields, strict=True)
    ]
    return model.from_db(connection.alias, list(ordered), converted)


@lru_cache(maxsize=8)
def _load_plan(model: Any, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    # Model.from_db wants a subset of fields in the model's own field order.
    fields = tuple(f for f in model._meta.concrete_fields if f.attname in names)
    return tuple(f.attname for f in fields), fields


def _raw_insert(unit_pk: int, values: dict[str, Any]) -> bool:
    """INSERT one ballot while the session unit is open; False when it is not. Errors (unique
    violations) surface as the ORM's.

    PostgreSQL guards the INSERT by the unit's status, read in the statement's own snapshot (see
    ``hold_ballot_writers`` for why that is enough). SQLite serialises writers, so the status
    read earlier in this transaction still holds.
    """
    sql, fields = _insert_plan(tuple(values), connection.vendor)
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql, [*params, unit_pk, UnitStatus.OPEN.value])
            return bool(cursor.rowcount == 1)
        cursor.execute(sql, params)
    return True


@lru_cache(maxsize=8)
def _insert_plan(attnames: tuple[str, ...], vendor: str) -> tuple[str, tuple[Any, ...]]:
    meta: Any = Ballot._meta
    fields = tuple(meta.get_field(_field_name(attname)) for attname in attnames)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    if vendor != "postgresql":
        placeholders = ", ".join(["%s"] * len(fields))
        return f"INSERT INTO {quote(Ballot._meta.db_table)} ({columns}) VALUES ({placeholders})", fields
    # Typed casts: INSERT … SELECT does not take its column types from the target table.
    casts = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)
    units = quote(SessionUnit._meta.db_table)
    return (
        f"INSERT INTO {quote(Ballot._meta.db_table)} ({columns}) SELECT {casts}"
        f" WHERE EXISTS (SELECT 1 FROM {units} WHERE id = %s AND status = %s)",
        fields,
    )


def _field_name(attname: str) -> str:
    for field in Ballot._meta.concrete_fields:
        if field.attname == attname:
            return str(field.name)
    raise LookupError(attname)
