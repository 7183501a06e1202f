"""Writes of live rating. The database, not this code, guarantees one ballot per token and unit.

Ballot write path (research §5.1): Participation and Ballot are inserted in one durable
transaction; a concurrent duplicate hits a UniqueConstraint and is answered as a replay (same
idempotency key and payload → 200), a conflict (final-on-submit → 409), a mismatch (same key,
other payload → 422) or a supersede (revote allowed: the one current row is updated).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record, verify_chain
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.ratings import scoring, tokens
from kaoping.ratings.models import (
    Ballot,
    Participation,
    RaterCredential,
    RatingSession,
    RevotePolicy,
    SessionMode,
    SessionStatus,
    SessionUnit,
    SlipBatch,
    SupersededKey,
    UnitStatus,
)
from kaoping.ratings.writer_lock import ballot_writer_turn

# Negative control for the load harness: check-then-insert, to run on tables whose unique
# constraints were dropped. Never set this outside benchmarks/rating_load.
UNSAFE_ENV = "KAOPING_RATING_UNSAFE_CHECK_THEN_INSERT"


class RatingError(Exception):
    """A refusal with an HTTP status and a Chinese message for the rater or organizer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RaterSpec:
    label: str
    group: str
    own_unit_id: int | None = None


@dataclass(frozen=True)
class SubmitResult:
    status: int  # 201 stored, 200 replay of an earlier identical request
    receipt: str
    superseded: bool = False  # a revote replaced the earlier grade
    stale: bool = False  # this key was replaced by a later revote


# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------


def session_create(
    *,
    campaign: Campaign,
    component_id: str,
    name: str,
    revote_policy: str = RevotePolicy.CHANGEABLE,
    unit_order: list[int] | None = None,
    actor: Any = None,
) -> RatingSession:
    """A session in test mode over the campaign's units (in ``unit_order`` if given)."""
    version = campaign.current_scheme()
    if version is None:
        raise RatingError(400, _("该考核活动还没有考核方案"))
    session = RatingSession(
        campaign=campaign,
        scheme_version=version,
        component_id=component_id,
        name=name,
        revote_policy=revote_policy,
        sheet_salt=tokens.new_salt(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        scoring.session_component(session)
    except (KeyError, ValueError):
        raise RatingError(400, _("方案中没有测评项目“%(id)s”或它不是现场测评") % {"id": component_id}) from None
    units = {u.pk: u for u in CampaignUnit.objects.filter(campaign=campaign).select_related("organization")}
    order = unit_order if unit_order is not None else sorted(units, key=lambda pk: (units[pk].category, pk))
    unknown = [pk for pk in order if pk not in units]
    if unknown or len(set(order)) != len(order) or not order:
        raise RatingError(400, _("出场顺序中的单位有误(重复、为空或不属于本考核活动)"))
    with transaction.atomic():
        session.save()
        SessionUnit.objects.bulk_create(
            SessionUnit(session=session, campaign_unit=units[pk], position=i) for i, pk in enumerate(order, 1)
        )
        _audit(session, "rating_session_created", actor, new={"component": component_id, "units": len(order)})
    return session


def _audit(session: RatingSession, action: str, actor: Any, *, new: Any = None, object_id: object = None) -> str:
    event = audit_record(
        chain=session.chain,
        action=action,
        object_type="rating_session",
        object_id=object_id if object_id is not None else session.pk,
        actor=actor,
        new=new,
    )
    return event.hash


# Sessions are locked FOR NO KEY UPDATE (no_key=True): a ballot insert takes FOR KEY SHARE on
# its session row through the foreign key, and a plain FOR UPDATE here would deadlock with a
# ballot that holds its unit's FOR SHARE lock while ``unit_close`` waits for that lock.


def _require_open(session: RatingSession) -> None:
    if session.status == SessionStatus.CLOSED:
        raise RatingError(409, _("本场测评已结束,不能再修改"))


def unit_open(*, session: RatingSession, session_unit: SessionUnit, actor: Any = None) -> None:
    with transaction.atomic():
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _require_open(session)
        updated = SessionUnit.objects.filter(pk=session_unit.pk, session=session, status=UnitStatus.PENDING).update(
            status=UnitStatus.OPEN
        )
        if not updated:
            raise RatingError(409, _("只有未开始的单位才能开始测评"))
        _audit(session, "rating_unit_opened", actor, new={"unit": session_unit.campaign_unit_id})


def _ballot_digest(rows: list[tuple[str, str, str, str]]) -> str:
    """A fingerprint of a unit's ballot set at close, written into the hash-chained audit log."""
    text = "\n".join("|".join(row) for row in sorted(rows))
    return hashlib.sha256(text.encode()).hexdigest()


def unit_close(*, session: RatingSession, session_unit: SessionUnit, actor: Any = None) -> dict[str, Any]:
    """Close one unit: no more ballots; the engine's result for it is stored for the board."""
    with transaction.atomic():
        hold_ballot_writers()
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _require_open(session)
        updated = SessionUnit.objects.filter(pk=session_unit.pk, session=session, status=UnitStatus.OPEN).update(
            status=UnitStatus.CLOSED
        )
        if not updated:
            raise RatingError(409, _("只有测评中的单位才能关闭"))
        unit = SessionUnit.objects.select_related("campaign_unit__organization").get(pk=session_unit.pk)
        rows = list(_ballot_rows(session).filter(session_unit=unit))
        results, _flags = scoring.compute_results(session, [unit], rows, final=False)
        unit.result = results[unit.pk]
        unit.save(update_fields=["result"])
        result: dict[str, Any] = unit.result
        digest = _ballot_digest([(str(r["id"]), r["rater_group"], r["grade"], r["receipt_hash"]) for r in rows])
        _audit(
            session,
            "rating_unit_closed",
            actor,
            new={"unit": unit.campaign_unit_id, "ballots": len(rows), "ballot_digest": digest},
        )
        return result


def _ballot_rows(session: RatingSession) -> Any:
    return Ballot.objects.filter(session=session, is_test=session.is_test).values(
        "id",
        "sheet",
        "rater_group",
        "grade",
        "receipt_hash",
        "session_unit_id",
        campaign_unit_id=F("session_unit__campaign_unit_id"),
    )


def session_close(*, session: RatingSession, actor: Any = None) -> str:
    """Close every unit and the session; final engine results; returns the audit chain head."""
    with transaction.atomic():
        hold_ballot_writers()
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _require_open(session)
        SessionUnit.objects.filter(session=session).exclude(status=UnitStatus.PENDING).update(status=UnitStatus.CLOSED)
        units = list(SessionUnit.objects.filter(session=session).select_related("campaign_unit__organization"))
        rows = list(_ballot_rows(session))
        results, flags = scoring.compute_results(session, units, rows, final=True)
        for unit in units:
            unit.result = results[unit.pk] if unit.status == UnitStatus.CLOSED else None
        SessionUnit.objects.bulk_update(units, ["result"])
        session.status = SessionStatus.CLOSED
        session.final_results = {"flags": flags}
        digest = _ballot_digest([(str(r["id"]), r["rater_group"], r["grade"], r["receipt_hash"]) for r in rows])
        head = _audit(session, "rating_session_closed", actor, new={"ballots": len(rows), "ballot_digest": digest})
        session.chain_head = head
        session.save(update_fields=["status", "final_results", "chain_head"])
    return head


def _wipe_ballots(session: RatingSession, *, is_test: bool) -> int:
    SupersededKey.objects.filter(participation__credential__session=session, participation__is_test=is_test).delete()
    Participation.objects.filter(credential__session=session, is_test=is_test).delete()
    count, _detail = Ballot.objects.filter(session=session, is_test=is_test).delete()
    return count


def session_clear_test(*, session: RatingSession, actor: Any = None) -> int:
    """One click: remove every test ballot and reopen the units for another rehearsal."""
    with transaction.atomic():
        hold_ballot_writers()
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _require_open(session)
        if not session.is_test:
            raise RatingError(409, _("正式测评中不能清除选票"))
        count = _wipe_ballots(session, is_test=True)
        SessionUnit.objects.filter(session=session).update(status=UnitStatus.PENDING, result=None)
        _audit(session, "rating_test_cleared", actor, new={"test_ballots_removed": count})
    return count


def session_go_live(*, session: RatingSession, actor: Any = None) -> None:
    """Leave test mode: test ballots are removed and every unit starts again as not yet opened."""
    with transaction.atomic():
        hold_ballot_writers()
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _require_open(session)
        if not session.is_test:
            raise RatingError(409, _("本场测评已经是正式模式"))
        count = _wipe_ballots(session, is_test=True)
        SessionUnit.objects.filter(session=session).update(status=UnitStatus.PENDING, result=None)
        session.mode = SessionMode.LIVE
        session.save(update_fields=["mode"])
        _audit(session, "rating_went_live", actor, new={"test_ballots_removed": count})


def session_destroy_links(*, session: RatingSession, actor: Any = None) -> None:
    """After close: destroy the slip lists and the rater names; ballots stay for recounts."""
    with transaction.atomic():
        session = RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        if session.status != SessionStatus.CLOSED:
            raise RatingError(409, _("测评结束后才能销毁评分码名单"))
        SlipBatch.objects.filter(session=session).update(entries=[], destroyed=True)
        RaterCredential.objects.filter(session=session).update(label="", own_unit=None)
        session.sheet_salt = ""
        session.links_destroyed = True
        session.save(update_fields=["sheet_salt", "links_destroyed"])
        _audit(session, "rating_links_destroyed", actor)


def chain_check(session: RatingSession) -> tuple[bool, str]:
    check = verify_chain(session.chain)
    return check.ok, check.head


# --------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------


def credentials_issue(*, session: RatingSession, raters: list[RaterSpec], actor: Any = None) -> SlipBatch:
    """New personal tokens; the clear tokens live only in the returned slip batch."""
    _require_open(session)
    groups = {group.id: group.name for group in scoring.session_spec(session).groups}
    unit_ids = set(SessionUnit.objects.filter(session=session).values_list("campaign_unit_id", flat=True))
    unit_names = dict(CampaignUnit.objects.filter(pk__in=unit_ids).values_list("pk", "organization__name"))
    problems = []
    for line, rater in enumerate(raters, 1):
        if not rater.label.strip():
            problems.append(_("第 %(line)d 位评委没有姓名") % {"line": line})
        if rater.group not in groups:
            problems.append(
                _("第 %(line)d 位评委的评委组“%(group)s”不是本测评的评委组") % {"line": line, "group": rater.group}
            )
        if rater.own_unit_id is not None and rater.own_unit_id not in unit_ids:
            problems.append(_("第 %(line)d 位评委的所在单位不在本场测评中") % {"line": line})
    if problems or not raters:
        raise RatingError(400, ";".join(problems) or _("没有要发放的评委"))
    entries = []
    with transaction.atomic():
        for rater in raters:
            token = tokens.new_token()
            credential = RaterCredential.objects.create(
                session=session,
                token_lookup=tokens.lookup_hmac(token),
                label=rater.label.strip(),
                rater_group=rater.group,
                own_unit_id=rater.own_unit_id,
            )
            entries.append(_slip_entry(credential, token, groups, unit_names))
        batch = SlipBatch.objects.create(session=session, entries=entries)
        _audit(session, "rating_credentials_issued", actor, new={"count": len(entries)})
    return batch


def _slip_entry(
    credential: RaterCredential, token: str, groups: dict[str, str], units: dict[int, str]
) -> dict[str, Any]:
    return {
        "credential": credential.pk,
        "label": credential.label,
        "group": groups.get(credential.rater_group, credential.rater_group),
        "unit": units.get(credential.own_unit_id, "") if credential.own_unit_id else "",
        "token": token,
    }


def credential_reissue(*, credential: RaterCredential, actor: Any = None) -> SlipBatch:
    """A lost slip: revoke it and issue a new token to the same person (same group and unit)."""
    session = credential.session
    _require_open(session)
    groups = {group.id: group.name for group in scoring.session_spec(session).groups}
    units = dict(CampaignUnit.objects.filter(campaign=session.campaign).values_list("pk", "organization__name"))
    with transaction.atomic():
        revoked = RaterCredential.objects.filter(pk=credential.pk, revoked=False).update(revoked=True)
        if not revoked:
            raise RatingError(409, _("该评分码已经作废"))
        token = tokens.new_token()
        fresh = RaterCredential.objects.create(
            session=session,
            token_lookup=tokens.lookup_hmac(token),
            label=credential.label,
            rater_group=credential.rater_group,
            own_unit_id=credential.own_unit_id,
            replaces=credential,
        )
        # The old token's grades stay counted; the new token starts a new sheet. Participation
        # moves to the new credential so the person cannot grade a unit twice.
        Participation.objects.filter(credential=credential).update(credential=fresh)
        batch = SlipBatch.objects.create(session=session, entries=[_slip_entry(fresh, token, groups, units)])
        _audit(session, "rating_credential_reissued", actor, object_id=credential.pk, new={"new": fresh.pk})
    return batch


def credential_exchange(*, token: str) -> tuple[RaterCredential, str]:
    """The token → (credential, sheet id). Unknown, revoked or closed → RatingError."""
    if not tokens.looks_like_token(token):
        raise RatingError(404, _("评分码无效,请核对评分条或联系会务人员"))
    credential = (
        RaterCredential.objects.select_related("session").filter(token_lookup=tokens.lookup_hmac(token)).first()
    )
    if credential is None:
        raise RatingError(404, _("评分码无效,请核对评分条或联系会务人员"))
    if credential.revoked:
        raise RatingError(403, _("该评分码已作废(已补发新的评分条),请使用新的评分条"))
    if credential.session.status == SessionStatus.CLOSED:
        raise RatingError(403, _("本场测评已结束"))
    return credential, tokens.sheet_hmac(token, credential.session.sheet_salt)


# --------------------------------------------------------------------------------------------
# Ballots
# --------------------------------------------------------------------------------------------


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


def ballot_submit(
    *,
    credential_id: int,
    sheet: str,
    session_unit_id: int,
    grade: str,
    idem_key: str | None,
    receipt: str,
    session_public_id: str | None = None,
) -> SubmitResult:
    """Store one grade. Safe to call again with the same key: it answers, it never duplicates.

    The first attempt is optimistic: validate and insert. A replay, a second ballot for the same
    unit or a concurrent twin then fails on a unique constraint, and the careful path (replay →
    conflict → supersede) answers it in a fresh transaction. A refusal on the fast path is also
    re-checked on the careful path, so a late retry of a stored ballot still replays.
    ``session_public_id`` (from the rater's signed cookie) lets the fast path skip reading the
    session: see ``_insert_if_allowed``.
    """
    key = _parse_key(idem_key)
    receipt = _check_receipt(receipt)
    request = _Request(credential_id, sheet, session_unit_id, grade, key, receipt, session_public_id or None)
    with ballot_writer_turn():
        return _submit(request)


def _submit(request: _Request) -> SubmitResult:
    unsafe = os.environ.get(UNSAFE_ENV) == "1"
    careful = unsafe
    for _attempt in range(6):
        try:
            if not careful:
                return _submit_fast(request)
            with transaction.atomic(durable=True):
                return _submit_careful(request, unsafe)
        except IntegrityError:
            careful = True  # a concurrent request for the same key or (rater, unit) committed first
        except RatingError:
            if careful:
                raise
            careful = True
    raise RatingError(409, _("提交冲突,请稍后重试"))


@dataclass(frozen=True)
class _Request:
    credential_id: int
    sheet: str
    unit_id: int
    grade: str
    key: uuid.UUID
    receipt: str
    session_public_id: str | None = None

    @property
    def digest(self) -> str:
        return tokens.request_digest(self.unit_id, self.grade, self.receipt)


def _replay(request: _Request) -> SubmitResult | None:
    participation = Participation.objects.filter(idem_key=request.key).only("credential_id", "request_digest").first()
    stale = False
    if participation is None:
        old = SupersededKey.objects.filter(idem_key=request.key).select_related("participation").first()
        if old is None:
            return None
        participation, stale = old.participation, True
        known_digest = old.request_digest
    else:
        known_digest = participation.request_digest
    if participation.credential_id != request.credential_id or known_digest != request.digest:
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
    if session.status == SessionStatus.CLOSED:
        raise RatingError(403, _("本场测评已结束"))
    unit = _open_unit(session, credential, request.unit_id)
    spec = scoring.session_spec(session)
    _check_grade(request.grade, spec)
    return credential, unit, spec


def _check_grade(grade: str, spec: Any) -> None:
    if grade not in scoring.allowed_grades(spec):
        raise RatingError(400, _("等次“%(grade)s”不是本测评的等次") % {"grade": grade})


def _insert(request: _Request, credential: RaterCredential, unit: SessionUnit) -> SubmitResult:
    session = credential.session
    inserted = _raw_insert(
        unit.pk,
        (
            Participation,
            {
                "credential_id": credential.pk,
                "session_unit_id": unit.pk,
                "idem_key": request.key,
                "request_digest": request.digest,
                "is_test": session.is_test,
            },
        ),
        (
            Ballot,
            {
                "id": uuid.uuid4(),
                "session_id": session.pk,
                "session_unit_id": unit.pk,
                "rater_group": credential.rater_group,
                "sheet": request.sheet,
                "grade": request.grade,
                "receipt_hash": tokens.receipt_hash(request.receipt),
                "is_test": session.is_test,
            },
        ),
    )
    if not inserted:
        _check_unit_status(None)  # closed between the read and the insert
    return SubmitResult(status=201, receipt=request.receipt)


# The ballot path runs hundreds of times a second in a meeting: building the ORM's SQL for the
# credential read and the two inserts cost more CPU than the database work itself, so these three
# statements are written once here. Values still go through each field's own database preparation.
_CREDENTIAL_FIELDS = ("id", "session_id", "rater_group", "own_unit_id", "revoked")
_SESSION_FIELDS = ("id", "status", "mode", "revote_policy", "public_id", "scheme_version_id", "component_id")


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


def _raw_insert(unit_pk: int, *rows: tuple[Any, dict[str, Any]]) -> bool:
    """INSERT one row per (model, attribute values) while the session unit is open; False when it
    is not. Errors (unique violations) surface as the ORM's.

    PostgreSQL takes them as one statement whose every INSERT is guarded by the unit's status, read
    in the statement's own snapshot (see ``hold_ballot_writers`` for why that is enough). SQLite
    serialises writers, so the status read earlier in this transaction still holds.
    """
    if connection.vendor == "postgresql":
        sql, params = _guarded_insert_sql(unit_pk, rows)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return bool(cursor.rowcount == 1)
    with connection.cursor() as cursor:
        for model, values in rows:
            sql, fields = _insert_plan(model, tuple(values), connection.vendor)
            cursor.execute(sql, _prepared(fields, values))
    return True


def _prepared(fields: tuple[Any, ...], values: dict[str, Any]) -> list[Any]:
    return [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]


def _guarded_insert_sql(unit_pk: int, rows: tuple[tuple[Any, dict[str, Any]], ...]) -> tuple[str, list[Any]]:
    sql, plans = _guarded_insert_plan(tuple((model, tuple(values)) for model, values in rows))
    params: list[Any] = [unit_pk, UnitStatus.OPEN.value]
    for fields, (_model, values) in zip(plans, rows, strict=True):
        params.extend(_prepared(fields, values))
    return sql, params


@lru_cache(maxsize=8)
def _guarded_insert_plan(
    shapes: tuple[tuple[Any, tuple[str, ...]], ...],
) -> tuple[str, tuple[tuple[Any, ...], ...]]:
    quote = connection.ops.quote_name
    sql = f"WITH open_unit AS (SELECT 1 FROM {quote(SessionUnit._meta.db_table)} WHERE id = %s AND status = %s)"
    plans = []
    for number, (model, attnames) in enumerate(shapes):
        _values_sql, fields = _insert_plan(model, attnames, connection.vendor)
        # Typed casts: INSERT … SELECT does not take its column types from the target table.
        casts = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in fields)
        insert = (
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"SELECT {casts} FROM open_unit"
        )
        sql += f" {insert}" if number == len(shapes) - 1 else f", w{number} AS ({insert})"
        plans.append(fields)
    return sql, tuple(plans)


@lru_cache(maxsize=8)
def _insert_plan(model: Any, attnames: tuple[str, ...], vendor: str) -> tuple[str, tuple[Any, ...]]:
    fields = tuple(model._meta.get_field(_field_name(model, attname)) for attname in attnames)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    return sql, fields


def _field_name(model: Any, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.name)
    raise LookupError(attname)


def _submit_fast(request: _Request) -> SubmitResult:
    """Validate and insert while open, without a row lock, so hundreds of raters grading the same
    unit never queue behind each other: by the INSERTs themselves where the rules allow, else
    read, validate and insert in one short transaction."""
    spec = _insert_if_allowed_spec(request)
    if spec is not None:
        _check_grade(request.grade, spec)
        return _insert_if_allowed(request)
    with transaction.atomic(durable=True):
        return _validate_and_insert(request)


def _insert_if_allowed_spec(request: _Request) -> Any:
    """The session's rating rules when the ballot can be checked by the INSERT itself: the session
    is known from the signed cookie, and no rule spans the rater's whole sheet (quotas, all
    identical), which would need the sheet's other grades read first."""
    if request.session_public_id is None:
        return None
    spec = _spec_of_session(request.session_public_id)
    return None if spec is None or scoring.has_sheet_rules(spec) else spec


@lru_cache(maxsize=64)
def _spec_of_session(public_id: str) -> Any:
    # Keyed by the session's UUID: its scheme version and component never change.
    session = RatingSession.objects.filter(public_id=public_id).only("scheme_version_id", "component_id").first()
    return None if session is None else scoring.session_spec(session)


def _insert_if_allowed(request: _Request) -> SubmitResult:
    """INSERT Participation and Ballot only where the credential is not revoked, the session and
    the unit are open and the unit is not the rater's own, read by the INSERT itself.

    PostgreSQL: one autocommit statement, one round trip instead of four (BEGIN, read, insert,
    COMMIT); the meeting's throughput was bound by them. The unit's status is read in the
    statement's own snapshot, after it has locked the ballot table, as ``hold_ballot_writers``
    requires. SQLite: the two INSERTs in one write transaction, which nothing else can enter.

    Nothing stored → RatingError, and ``ballot_submit`` lets the careful path find out why and
    say so. A replay or a second ballot raises IntegrityError, answered there too.
    """
    params = _insert_if_allowed_params(request)
    with _insert_if_allowed_transaction(), connection.cursor() as cursor:
        for sql in _insert_if_allowed_sql(connection.vendor):
            cursor.execute(sql, params)
            if cursor.rowcount != 1:
                raise RatingError(409, _("该单位的测评已关闭,不能再提交"))  # re-checked by the careful path
    return SubmitResult(status=201, receipt=request.receipt)


def _insert_if_allowed_transaction() -> Any:
    if connection.vendor != "postgresql":
        return transaction.atomic(durable=True)
    # Alone, the statement is its own transaction. Inside an outer one (a test's), a savepoint
    # keeps a unique violation from aborting it.
    return transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()


def _insert_if_allowed_params(request: _Request) -> dict[str, Any]:
    def as_uuid(model: Any, name: str, value: uuid.UUID) -> Any:
        return model._meta.get_field(name).get_db_prep_value(value, connection)

    assert request.session_public_id is not None
    return {
        "credential": request.credential_id,
        "unit": request.unit_id,
        "session": as_uuid(RatingSession, "public_id", uuid.UUID(request.session_public_id)),
        "open": UnitStatus.OPEN.value,
        "session_open": SessionStatus.OPEN.value,
        "test": SessionMode.TEST.value,
        "key": as_uuid(Participation, "idem_key", request.key),
        "digest": request.digest,
        "ballot": as_uuid(Ballot, "id", uuid.uuid4()),
        "sheet": request.sheet,
        "grade": request.grade,
        "receipt_hash": tokens.receipt_hash(request.receipt),
    }


@lru_cache(maxsize=2)
def _insert_if_allowed_sql(vendor: str) -> tuple[str, ...]:
    def table(model: Any) -> str:
        return str(connection.ops.quote_name(model._meta.db_table))

    allowed = (
        "SELECT s.id AS session_id, c.rater_group, s.mode = %(test)s AS is_test"
        f" FROM {table(RaterCredential)} c"
        f" JOIN {table(RatingSession)} s ON s.id = c.session_id"
        f" JOIN {table(SessionUnit)} u ON u.id = %(unit)s AND u.session_id = s.id"
        " WHERE c.id = %(credential)s AND NOT c.revoked AND s.public_id = %(session)s"
        " AND s.status = %(session_open)s AND u.status = %(open)s"
        " AND (c.own_unit_id IS NULL OR c.own_unit_id <> u.campaign_unit_id)"
    )
    participation = (
        f"INSERT INTO {table(Participation)} (credential_id, session_unit_id, idem_key, request_digest, is_test)"
        " SELECT %(credential)s, %(unit)s, %(key)s, %(digest)s, is_test FROM {allowed}"
    )
    ballot = (
        f"INSERT INTO {table(Ballot)}"
        " (id, session_id, session_unit_id, rater_group, sheet, grade, receipt_hash, is_test)"
        " SELECT %(ballot)s, session_id, %(unit)s, rater_group, %(sheet)s, %(grade)s, %(receipt_hash)s, is_test"
        " FROM {allowed}"
    )
    if vendor == "postgresql":
        inserts = f"participation AS ({participation.format(allowed='allowed')}) {ballot.format(allowed='allowed')}"
        return (f"WITH allowed AS ({allowed}), {inserts}",)
    # Python's sqlite3 reports no rowcount for a statement that starts with WITH: a subquery here.
    subquery = f"({allowed}) allowed"
    return (participation.format(allowed=subquery), ballot.format(allowed=subquery))


def _validate_and_insert(request: _Request) -> SubmitResult:
    found = _credential_with_unit(request.credential_id, request.unit_id)
    if found is None:
        raise RatingError(400, _("该单位不在本场测评中"))  # re-checked on the careful path
    credential, unit, spec = _validated(request, found[0])
    _check_sheet(credential.session, credential, request.sheet, unit, request.grade, spec)
    _check_unit_status(found[1])
    return _insert(request, credential, unit)


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

    PostgreSQL: SHARE mode on the ballot table conflicts with the ROW EXCLUSIVE lock every ballot
    INSERT takes while its statement is parsed, before its snapshot. So a ballot either committed
    before this lock (and is counted), or its statement starts after this transaction commits and
    its guard reads the unit as closed. Ballots never lock a row, so a meeting's burst on one unit
    does not serialise on it. SQLite: writers are serialised already (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        _execute(f"LOCK TABLE {connection.ops.quote_name(Ballot._meta.db_table)} IN SHARE MODE")


def _execute(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _check_unit_status(status: str | None) -> None:
    if status is None or status == UnitStatus.CLOSED:
        raise RatingError(409, _("该单位的测评已关闭,不能再提交"))
    if status == UnitStatus.PENDING:
        raise RatingError(409, _("该单位的测评尚未开始"))


def _submit_careful(request: _Request, unsafe: bool) -> SubmitResult:
    replay = _replay(request)
    if replay is not None:
        return replay
    credential, unit, spec = _validated(request)
    _lock_open_unit(unit.pk)
    session = credential.session
    existing_qs = Participation.objects.filter(credential=credential, session_unit=unit)
    # The negative control reads without a lock (plain check-then-insert); never in production.
    existing = (existing_qs if unsafe else existing_qs.select_for_update()).first()
    if existing is not None and session.revote_policy == RevotePolicy.FINAL:
        raise RatingError(409, _("您已为该单位评分,本场测评提交后不可修改"))
    _check_sheet(session, credential, request.sheet, unit, request.grade, spec)
    if existing is None:
        return _insert(request, credential, unit)
    SupersededKey.objects.create(
        idem_key=existing.idem_key, participation=existing, request_digest=existing.request_digest
    )
    Participation.objects.filter(pk=existing.pk).update(idem_key=request.key, request_digest=request.digest)
    updated = Ballot.objects.filter(session_unit=unit, sheet=request.sheet).update(
        grade=request.grade, receipt_hash=tokens.receipt_hash(request.receipt)
    )
    if updated != 1:
        # A reissued slip: the person's earlier grade sits on the old sheet and stays as it was.
        raise RatingError(409, _("补发评分条后,已评过的单位不能再修改"))
    return SubmitResult(status=201, receipt=request.receipt, superseded=True)


def _open_unit(session: RatingSession, credential: RaterCredential, unit_id: int) -> SessionUnit:
    """The session's unit (from the per-process cache); its open/closed state is checked under
    lock inside the write transaction by ``_lock_open_unit``."""
    campaign_unit = _campaign_unit_of(session.public_id, session.pk).get(unit_id)
    if campaign_unit is None:
        raise RatingError(400, _("该单位不在本场测评中"))
    if credential.own_unit_id is not None and campaign_unit == credential.own_unit_id:
        raise RatingError(403, _("评委不能为本单位评分"))
    return SessionUnit(pk=unit_id, session=session, campaign_unit_id=campaign_unit)


@lru_cache(maxsize=256)
def _campaign_unit_of(public_id: uuid.UUID, session_pk: int) -> Mapping[int, int]:
    """Session unit → campaign unit, read-only (shared between requests)."""
    return MappingProxyType(dict(_session_unit_ids(public_id, session_pk)))


@lru_cache(maxsize=256)
def _session_unit_ids(public_id: uuid.UUID, session_pk: int) -> tuple[tuple[int, int], ...]:
    """(session unit, campaign unit) pairs; fixed once the session exists, so cached per process."""
    rows = SessionUnit.objects.filter(session_id=session_pk).values_list("pk", "campaign_unit_id")
    return tuple((pk, campaign_unit) for pk, campaign_unit in rows)


def _check_sheet(
    session: RatingSession, credential: RaterCredential, sheet: str, unit: SessionUnit, grade: str, spec: Any
) -> None:
    if not scoring.has_sheet_rules(spec):
        return  # no per-sheet rule to break: skip reading the rater's other grades
    eligible = [
        pk
        for pk, campaign_unit in _session_unit_ids(session.public_id, session.pk)
        if campaign_unit != credential.own_unit_id
    ]
    current: dict[int, str | None] = dict.fromkeys(eligible)
    current.update(
        Ballot.objects.filter(session=session, sheet=sheet, is_test=session.is_test).values_list(
            "session_unit_id", "grade"
        )
    )
    current[unit.pk] = grade
    problems = scoring.sheet_problems(spec, {str(pk): value for pk, value in current.items()})
    if problems:
        names = dict(SessionUnit.objects.filter(session=session).values_list("pk", "campaign_unit__organization__name"))
        text = ";".join(problems)
        for pk, name in names.items():
            text = text.replace(f"“{pk}”", f"“{name}”")
        raise RatingError(400, _("这次选择不符合本测评的选票规则:%(problems)s") % {"problems": text})
