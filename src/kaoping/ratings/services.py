"""Writes of live rating: sessions, units, credentials. Ballots are cast in ``ballots.py``.

The session's key file (``keys.py``) is created with the session and destroyed when it closes.
Closing a unit rewrites its ballots in random order under fresh ids; closing the session applies
the scheme's sheet rules, rewrites every ballot once more without its tag and seal, forgets the
raters' own units and slip lists, and destroys the key: from then on nothing stored links a ballot
to a credential (docs/live-rating.md, threat model).
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record, verify_chain
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import require_writable
from kaoping.ratings import keys, scoring, selectors, tokens
from kaoping.ratings.ballots import hold_ballot_writers
from kaoping.ratings.errors import RatingError
from kaoping.ratings.models import (
    Ballot,
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

__all__ = [
    "RaterSpec",
    "RatingError",
    "chain_check",
    "credential_exchange",
    "credential_reissue",
    "credentials_issue",
    "session_clear_test",
    "session_close",
    "session_create",
    "session_destroy_links",
    "session_go_live",
    "session_set_show_goals",
    "session_writable",
    "unit_close",
    "unit_open",
]


@dataclass(frozen=True)
class RaterSpec:
    label: str
    group: str
    own_unit_id: int | None = None


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
    show_goals: bool = False,
    actor: Any = None,
) -> RatingSession:
    """A session in test mode over the campaign's units (in ``unit_order`` if given)."""
    _writable(campaign.pk)  # first, so an archived campaign is refused for that reason alone
    version = campaign.current_version()
    if version is None:
        raise RatingError(400, _("该考核活动还没有考核方案"))
    session = RatingSession(
        campaign=campaign,
        scheme_version=version,
        component_id=component_id,
        name=name,
        revote_policy=revote_policy,
        show_goals=show_goals,
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
    keys.session_key_create(session.public_id)
    try:
        with transaction.atomic():
            _writable(campaign.pk)
            session.save()
            SessionUnit.objects.bulk_create(
                SessionUnit(session=session, campaign_unit=units[pk], position=i) for i, pk in enumerate(order, 1)
            )
            _audit(
                session,
                "rating_session_created",
                actor,
                new={"component": component_id, "units": len(order), "show_goals": show_goals},
            )
    except BaseException:
        keys.session_key_destroy(session.public_id)
        raise
    return session


def _audit(
    session: RatingSession, action: str, actor: Any, *, new: Any = None, old: Any = None, object_id: object = None
) -> str:
    event = audit_record(
        chain=session.chain,
        action=action,
        object_type="rating_session",
        object_id=object_id if object_id is not None else session.pk,
        actor=actor,
        old=old,
        new=new,
    )
    return event.hash


def session_set_show_goals(*, session: RatingSession, show_goals: bool, actor: Any = None) -> None:
    """Show (or stop showing) the units' targets and the key tasks on the raters' phones; audited.

    Refused on an archived campaign and on a closed session; setting the value it has already is a
    no-op that records nothing."""
    _writable(session.campaign_id)  # first, so an archived campaign is refused for that reason alone
    with transaction.atomic():
        locked = _locked_open(session)
        if locked.show_goals == show_goals:
            session.show_goals = show_goals
            return
        RatingSession.objects.filter(pk=session.pk).update(show_goals=show_goals)
        _audit(
            session,
            "rating_session_settings",
            actor,
            old={"show_goals": locked.show_goals},
            new={"show_goals": show_goals},
        )
    session.show_goals = show_goals


def _writable(campaign_id: int) -> None:
    """An archived campaign is read-only: every organizer write of live rating is refused."""
    require_writable(campaign_id, error=lambda message: RatingError(409, message))


def session_writable(session: RatingSession) -> None:
    """RatingError when the session's campaign is archived: for a form to say so before anything else."""
    _writable(session.campaign_id)


# Sessions are locked FOR NO KEY UPDATE (no_key=True): a ballot insert takes FOR KEY SHARE on
# its session row through the foreign key, and a plain FOR UPDATE here would deadlock with it.


def _locked(session: RatingSession) -> RatingSession:
    _writable(session.campaign_id)
    return RatingSession.objects.select_for_update(no_key=True).get(pk=session.pk)


def _locked_open(session: RatingSession) -> RatingSession:
    session = _locked(session)
    if session.status == SessionStatus.CLOSED:
        raise RatingError(409, _("本场测评已结束,不能再修改"))
    return session


def unit_open(*, session: RatingSession, session_unit: SessionUnit, actor: Any = None) -> None:
    with transaction.atomic():
        session = _locked_open(session)
        updated = SessionUnit.objects.filter(pk=session_unit.pk, session=session, status=UnitStatus.PENDING).update(
            status=UnitStatus.OPEN
        )
        if not updated:
            raise RatingError(409, _("只有未开始的单位才能开始测评"))
        _audit(session, "rating_unit_opened", actor, new={"unit": session_unit.campaign_unit_id})


def ballot_set_digest(rows: Iterable[dict[str, Any]]) -> str:
    """A fingerprint of a ballot set, written into the hash-chained audit log at each close.

    Over what a ballot says (group, grade, receipt hash), never its row id, which the closes
    rewrite: an auditor can recompute it from the raw-ballot export at any later time."""
    lines = sorted(f"{row['rater_group']}|{row['grade']}|{row['receipt_hash']}" for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def unit_close(*, session: RatingSession, session_unit: SessionUnit, actor: Any = None) -> dict[str, Any]:
    """Close one unit: no more ballots; the engine's result for it is stored for the board, and the
    unit's ballots are rewritten in random order so their arrival order is not kept."""
    with transaction.atomic():
        hold_ballot_writers()
        session = _locked_open(session)
        updated = SessionUnit.objects.filter(pk=session_unit.pk, session=session, status=UnitStatus.OPEN).update(
            status=UnitStatus.CLOSED
        )
        if not updated:
            raise RatingError(409, _("只有测评中的单位才能关闭"))
        unit = SessionUnit.objects.select_related("campaign_unit__organization").get(pk=session_unit.pk)
        rows = list(_ballot_rows(session).filter(session_unit=unit))
        for row in rows:
            row["sheet"] = secrets.token_hex(16)  # one anonymous sheet per ballot until the session's close
        results, _flags = scoring.compute_results(session, [unit], rows, final=False)
        unit.result = results[unit.pk]
        unit.save(update_fields=["result"])
        _rewrite(session, rows)
        _audit(
            session,
            "rating_unit_closed",
            actor,
            new={"unit": unit.campaign_unit_id, "ballots": len(rows), "ballot_digest": ballot_set_digest(rows)},
        )
        result: dict[str, Any] = unit.result
        return result


_BALLOT_COLUMNS = (
    "id",
    "session_unit_id",
    "rater_group",
    "grade",
    "receipt_hash",
    "idem_key",
    "request_digest",
    "tag",
    "sealed_sheet",
    "sheet",
    "is_test",
)


def _ballot_rows(session: RatingSession) -> Any:
    return Ballot.objects.filter(session=session, is_test=session.is_test).values(
        *_BALLOT_COLUMNS, campaign_unit_id=F("session_unit__campaign_unit_id")
    )


def _rewrite(session: RatingSession, rows: list[dict[str, Any]]) -> None:
    """Replace these ballots by the same ballots in random order under fresh ids, in one
    transaction: what survives in the table says nothing of when or in which order they came.

    On SQLite the deleted rows are overwritten with zeros (secure_delete); PostgreSQL keeps dead
    row versions until vacuum, with the same content and nothing more."""
    if not rows:
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    deleted, _detail = Ballot.objects.filter(pk__in=[row["id"] for row in rows]).delete()
    if deleted != len(rows):
        raise RatingError(409, _("选票在整理时发生变化,请重试"))  # rolls the whole close back
    fresh = [_ballot_from_row(session, row) for row in rows]
    random.SystemRandom().shuffle(fresh)
    Ballot.objects.bulk_create(fresh, batch_size=1000)


def _ballot_from_row(session: RatingSession, row: dict[str, Any]) -> Ballot:
    values = {name: row[name] for name in _BALLOT_COLUMNS if name != "id"}
    return Ballot(id=uuid.uuid4(), session_id=session.pk, **values)


def session_close(*, session: RatingSession, actor: Any = None) -> str:
    """Close every unit and the session; final engine results; returns the audit chain head.

    Then nothing that could pair a ballot with a credential is kept: ballots lose their tags and
    seals (a random sheet pseudonym stays where the scheme's sheet rules need one for recounts),
    the raters' own units and the slip lists are forgotten, and the session key is destroyed."""
    with transaction.atomic():
        hold_ballot_writers()
        session = _locked_open(session)
        SessionUnit.objects.filter(session=session).exclude(status=UnitStatus.PENDING).update(status=UnitStatus.CLOSED)
        units = list(SessionUnit.objects.filter(session=session).select_related("campaign_unit__organization"))
        rows = list(_ballot_rows(session))
        _final_sheets(session, rows)
        results, flags = scoring.compute_results(session, units, rows, final=True)
        for unit in units:
            unit.result = results[unit.pk] if unit.status == UnitStatus.CLOSED else None
        SessionUnit.objects.bulk_update(units, ["result"])
        due = selectors.due_counts(session, units)
        for row in rows:
            row["tag"] = row["sealed_sheet"] = None
        _rewrite(session, rows)
        _forget_links(session)
        session.status = SessionStatus.CLOSED
        session.final_results = {"flags": flags, "due": {str(pk): counts for pk, counts in due.items()}}
        digest = ballot_set_digest(rows)
        head = _audit(session, "rating_session_closed", actor, new={"ballots": len(rows), "ballot_digest": digest})
        session.chain_head = head
        session.save(update_fields=["status", "final_results", "chain_head"])
        public_id = session.public_id
        transaction.on_commit(lambda: _after_close(public_id))
    return head


def _final_sheets(session: RatingSession, rows: list[dict[str, Any]]) -> None:
    """Each ballot's anonymous sheet for the final count: one random pseudonym per rater's sheet
    where the scheme has rules over the whole sheet (opened from the sealed sheet keys, which only
    this close can do), otherwise one per ballot, as the unit's close left it."""
    if not scoring.has_sheet_rules(scoring.session_spec(session)):
        for row in rows:
            row["sheet"] = row["sheet"] or secrets.token_hex(16)
        return
    pseudonyms: dict[bytes, str] = defaultdict(lambda: secrets.token_hex(16))
    try:
        sealer = keys.Sealer(session.public_id)
    except keys.SessionKeyMissing as missing:
        raise RatingError(503, str(missing)) from None
    for row in rows:
        row["sheet"] = pseudonyms[sealer.unseal("sheet", row["sealed_sheet"])]


def _forget_links(session: RatingSession) -> None:
    RaterCredential.objects.filter(session=session).update(sealed_secrets="")
    SlipBatch.objects.filter(session=session).update(sealed_entries="", destroyed=True)


def _after_close(public_id: Any) -> None:
    keys.session_key_destroy(public_id)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        # Old page images of the rewritten ballots leave the write-ahead log. Best effort: a
        # reader still inside an old snapshot keeps them until the next checkpoint.
        with contextlib.suppress(OperationalError), connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _wipe_ballots(session: RatingSession, *, is_test: bool) -> int:
    SupersededKey.objects.filter(session_unit__session=session, is_test=is_test).delete()
    count, _detail = Ballot.objects.filter(session=session, is_test=is_test).delete()
    return count


def session_clear_test(*, session: RatingSession, actor: Any = None) -> int:
    """One click: remove every test ballot and reopen the units for another rehearsal."""
    with transaction.atomic():
        hold_ballot_writers()
        session = _locked_open(session)
        if not session.is_test:
            raise RatingError(409, _("正式测评中不能清除选票"))
        count = _wipe_ballots(session, is_test=True)
        SessionUnit.objects.filter(session=session).update(status=UnitStatus.PENDING, result=None)
        RatingSession.objects.filter(pk=session.pk).update(round=F("round") + 1)
        _audit(session, "rating_test_cleared", actor, new={"test_ballots_removed": count})
    return count


def session_go_live(*, session: RatingSession, actor: Any = None) -> None:
    """Leave test mode: test ballots are removed and every unit starts again as not yet opened."""
    with transaction.atomic():
        hold_ballot_writers()
        session = _locked_open(session)
        if not session.is_test:
            raise RatingError(409, _("本场测评已经是正式模式"))
        count = _wipe_ballots(session, is_test=True)
        SessionUnit.objects.filter(session=session).update(status=UnitStatus.PENDING, result=None)
        session.mode = SessionMode.LIVE
        session.round += 1
        session.save(update_fields=["mode", "round"])
        _audit(session, "rating_went_live", actor, new={"test_ballots_removed": count})


def session_destroy_links(*, session: RatingSession, actor: Any = None) -> None:
    """After close: the raters' names go too; the anonymous ballots stay for recounts."""
    with transaction.atomic():
        session = _locked(session)
        if session.status != SessionStatus.CLOSED:
            raise RatingError(409, _("测评结束后才能销毁评分码名单"))
        _forget_links(session)
        RaterCredential.objects.filter(session=session).update(label="")
        session.links_destroyed = True
        session.save(update_fields=["links_destroyed"])
        _audit(session, "rating_links_destroyed", actor)
    keys.session_key_destroy(session.public_id)  # already gone, unless a crash came between


def chain_check(session: RatingSession) -> tuple[bool, str]:
    check = verify_chain(session.chain)
    return check.ok, check.head


# --------------------------------------------------------------------------------------------
# Credentials
# --------------------------------------------------------------------------------------------


def credentials_issue(*, session: RatingSession, raters: list[RaterSpec], actor: Any = None) -> SlipBatch:
    """New personal tokens; the clear tokens live only in the returned slip batch, sealed.

    Credentials are created in random order, so their ids say nothing of the order in which the
    organizer listed (or seated) the raters; the slip list keeps the organizer's order."""
    _writable(session.campaign_id)
    if session.status == SessionStatus.CLOSED:
        raise RatingError(409, _("本场测评已结束,不能再修改"))
    groups = {group.id: group.name for group in scoring.session_spec(session).groups}
    unit_ids = set(SessionUnit.objects.filter(session=session).values_list("campaign_unit_id", flat=True))
    unit_names = dict(CampaignUnit.objects.filter(pk__in=unit_ids).values_list("pk", "organization__name"))
    problems = _rater_problems(raters, groups, unit_ids)
    if problems or not raters:
        raise RatingError(400, ";".join(problems) or _("没有要发放的评委"))
    order = list(range(len(raters)))
    random.SystemRandom().shuffle(order)
    entries: list[dict[str, Any]] = [{} for _rater in raters]
    try:
        sealer = keys.Sealer(session.public_id)
    except keys.SessionKeyMissing as missing:
        raise RatingError(503, str(missing)) from None
    with transaction.atomic():
        _locked_open(session)
        for index in order:
            rater = raters[index]
            token = tokens.new_token()
            secrets_of = {"sheet": secrets.token_hex(32), "own_unit": rater.own_unit_id}
            credential = RaterCredential.objects.create(
                session=session,
                token_lookup=tokens.lookup_hmac(token),
                label=rater.label.strip(),
                rater_group=rater.group,
                sealed_secrets=sealer.seal_json("credential", secrets_of),
            )
            entries[index] = _slip_entry(credential, token, rater.own_unit_id, groups, unit_names)
        batch = _slip_batch(session, entries, sealer)
        _audit(session, "rating_credentials_issued", actor, new={"count": len(entries)})
    return batch


def _rater_problems(raters: list[RaterSpec], groups: dict[str, str], unit_ids: set[int]) -> list[str]:
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
    return problems


def _slip_batch(session: RatingSession, entries: list[dict[str, Any]], sealer: keys.Sealer) -> SlipBatch:
    sealed = sealer.seal_json("slips", entries)
    batch = SlipBatch.objects.create(session=session, count=len(entries), sealed_entries=sealed)
    batch.session = session
    return batch


def _slip_entry(
    credential: RaterCredential, token: str, own_unit_id: int | None, groups: dict[str, str], units: dict[int, str]
) -> dict[str, Any]:
    return {
        "credential": credential.pk,
        "label": credential.label,
        "group": groups.get(credential.rater_group, credential.rater_group),
        "unit": units.get(own_unit_id, "") if own_unit_id else "",
        "token": token,
    }


def credential_reissue(*, credential: RaterCredential, actor: Any = None) -> SlipBatch:
    """A lost slip: revoke it and issue a new token to the same person, who continues the same
    sheet (the same group, unit and sheet key): what they graded stays counted and cannot be
    graded twice; an open unit they graded can still be changed where the session allows it."""
    session = credential.session
    _writable(session.campaign_id)
    if session.status == SessionStatus.CLOSED:
        raise RatingError(409, _("本场测评已结束,不能再修改"))
    groups = {group.id: group.name for group in scoring.session_spec(session).groups}
    units = dict(CampaignUnit.objects.filter(campaign=session.campaign).values_list("pk", "organization__name"))
    sheet, own_unit = selectors.credential_secrets(credential, session=session)
    sealer = keys.Sealer(session.public_id)
    with transaction.atomic():
        _locked_open(session)
        revoked = RaterCredential.objects.filter(pk=credential.pk, revoked=False).update(revoked=True)
        if not revoked:
            raise RatingError(409, _("该评分码已经作废"))
        token = tokens.new_token()
        fresh = RaterCredential.objects.create(
            session=session,
            token_lookup=tokens.lookup_hmac(token),
            label=credential.label,
            rater_group=credential.rater_group,
            sealed_secrets=sealer.seal_json("credential", {"sheet": sheet, "own_unit": own_unit}),
            replaces=credential,
        )
        batch = _slip_batch(session, [_slip_entry(fresh, token, own_unit, groups, units)], sealer)
        _audit(session, "rating_credential_reissued", actor, object_id=credential.pk, new={"new": fresh.pk})
    return batch


@dataclass(frozen=True)
class SignedIn:
    credential: RaterCredential
    sheet: str
    own_unit_id: int | None


def credential_exchange(*, token: str) -> SignedIn:
    """The token → the credential with its sheet key and own unit. Unknown, revoked or closed →
    RatingError."""
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
    sheet, own_unit = selectors.credential_secrets(credential)
    return SignedIn(credential, sheet, own_unit)
