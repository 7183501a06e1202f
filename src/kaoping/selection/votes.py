"""Casting a ballot: approval ("choose at most N" of the admitted candidates) or graded (a grade or
不了解 for every admitted candidate, the voter's rater group on the ballot; ``selection.graded``).

One ballot per credential: ``tag = HMAC(sheet key, "selection")`` is unique per selection, so a
second ballot of the same voter replaces the first (revote) while the vote is open; a resend of
the same request (same ``idem_key`` and content) is answered again and stores nothing; the same
key with other content is refused. Nothing about the voter is written: not on the ballot and not
on the credential (live rating's secrecy model, docs/live-rating.md and docs/selection.md).

The cookie is selection's own (``COOKIE_SALT`` below): ratings' rater cookie is signed for the
rating path and carries a rater's own unit, and a cookie for one must never open the other.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaoping.ratings import tokens
from kaoping.selection import graded
from kaoping.selection.models import Ballot, Method, Nomination, Phase, Review, Selection, Voter
from kaoping.selection.services import SelectionError

COOKIE_NAME = "kp_voter"
COOKIE_SALT = "kaoping.selection.voter"
COOKIE_MAX_AGE = 12 * 3600


class VoterCookie(NamedTuple):
    voter_id: int
    sheet: str
    selection_public_id: str


def voter_cookie(voter_id: int, sheet: str, public_id: str) -> str:
    return signing.dumps({"v": 1, "c": voter_id, "s": sheet, "p": public_id}, salt=COOKIE_SALT, compress=True)


def read_voter_cookie(value: str | None) -> VoterCookie | None:
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("v") != 1:
        return None
    voter, sheet, public = data.get("c"), data.get("s"), data.get("p")
    if not (isinstance(voter, int) and isinstance(sheet, str) and isinstance(public, str)):
        return None
    if not tokens.looks_like_sheet_key(sheet):
        return None
    return VoterCookie(voter, sheet, public)


def sheet_tag(sheet: str) -> str:
    return hmac.new(bytes.fromhex(sheet), b"selection", hashlib.sha256).hexdigest()


def over_quota_message(quota: int) -> str:
    return _("最多只能选 %(n)d 人,请减少选择后再提交") % {"n": quota}


def ungraded_message(names: list[str]) -> str:
    return _("请为每位候选人选择一项(可选“不了解”),尚未选择:%(names)s") % {"names": "、".join(names)}


def ungraded_prompt() -> str:
    """The page's own words before sending (the names are added by the script)."""
    return _("请为每位候选人选择一项(可选“不了解”),尚未选择:")


@dataclass(frozen=True)
class Cast:
    status: int  # 201 stored, 200 replay, 200 replaced
    receipt: str
    replaced: bool = False


def _digest(content: str, receipt: str) -> str:
    return hashlib.sha256((content + "\x00" + receipt).encode()).hexdigest()


def _graded_values(
    selection: Selection, voter: Voter, grades: Mapping[int, str], candidates: list[tuple[int, str]]
) -> dict[str, Any]:
    """A graded ballot's content, or the refusal (every candidate must get a grade or 不了解)."""
    numbers = {number for number, _name in candidates}
    if any(number not in numbers for number in grades):
        raise SelectionError(400, _("所评的人不在本次评选的候选人中"))
    if any(value and value not in graded.GRADE_NAMES and value != graded.ABSTAIN_VALUE for value in grades.values()):
        raise SelectionError(400, _("评价等次不正确,请在“优秀、良好、一般、较差、不了解”中选择"))
    missing = [name for number, name in candidates if not grades.get(number)]
    if missing:
        raise SelectionError(400, ungraded_message(missing))
    if voter.group not in graded.group_names(selection.rater_groups):
        raise SelectionError(403, _("该投票码没有所属的评议组,请联系会务人员"))
    stored = {str(n): (None if grades[n] == graded.ABSTAIN_VALUE else grades[n]) for n in sorted(numbers)}
    return {"grades": stored, "group": voter.group}


def _content(method: str, chosen: list[int], grades: Mapping[int, str]) -> str:
    if method == Method.GRADED:
        return graded.canonical("", {str(k): v for k, v in grades.items()})
    return ",".join(map(str, chosen))


def ballot_submit(
    *,
    cookie: VoterCookie,
    idem_key: str,
    receipt: str,
    choices: list[int] | None = None,
    grades: Mapping[int, str] | None = None,
) -> Cast:
    """``choices`` for an approval ballot; ``grades`` (number → grade name, ``graded.ABSTAIN_VALUE``
    or "" for none) for a graded one."""
    try:
        key = uuid.UUID(str(idem_key))
    except ValueError:
        raise SelectionError(400, _("提交编号格式不正确,请刷新页面后重试")) from None
    if not tokens.looks_like_token(receipt):
        raise SelectionError(400, _("回执码格式不正确,请刷新页面后重试"))
    chosen = sorted(set(choices or []))
    grades = dict(grades or {})
    tag = sheet_tag(cookie.sheet)
    with transaction.atomic():
        selection = Selection.objects.select_for_update().filter(public_id=cookie.selection_public_id).first()
        voter = Voter.objects.filter(pk=cookie.voter_id, selection=selection).first() if selection else None
        if selection is None or voter is None:
            raise SelectionError(403, _("请重新扫描投票条"))
        if voter.revoked:
            raise SelectionError(403, _("该投票码已作废"))
        if selection.phase != Phase.VOTING:
            raise SelectionError(403, _("本次评选投票已结束") if selection.phase == Phase.CLOSED else _("投票尚未开始"))
        digest = _digest(_content(selection.method, chosen, grades), receipt)
        replay = Ballot.objects.filter(idem_key=key).first()
        if replay is not None:
            if replay.selection_id != selection.pk or replay.tag != tag or replay.digest != digest:
                raise SelectionError(422, _("同一提交编号对应了不同的内容"))
            return Cast(200, receipt)
        candidates = list(
            Nomination.objects.filter(selection=selection, review=Review.ADMITTED)
            .order_by("number")
            .values_list("number", "nominee_name")
        )
        values: dict[str, Any] = {"idem_key": key, "digest": digest, "receipt_hash": tokens.receipt_hash(receipt)}
        if selection.method == Method.GRADED:
            values.update(_graded_values(selection, voter, grades, candidates))
        else:
            numbers = {number for number, _name in candidates}
            if any(number not in numbers for number in chosen):
                raise SelectionError(400, _("所选的人不在本次评选的候选人中"))
            if len(chosen) > selection.quota:
                raise SelectionError(400, over_quota_message(selection.quota))
            if not chosen:
                raise SelectionError(400, _("请至少选择 1 人"))
            values["choices"] = chosen
        existing = Ballot.objects.filter(selection=selection, tag=tag).first()
        if existing is not None:
            Ballot.objects.filter(pk=existing.pk).update(**values)
            return Cast(200, receipt, replaced=True)
        try:
            with transaction.atomic():
                Ballot.objects.create(selection=selection, tag=tag, **values)
        except IntegrityError:
            raise SelectionError(409, _("提交冲突,请刷新页面后重试")) from None
    return Cast(201, receipt)


def _own_ballot(cookie: VoterCookie) -> Ballot | None:
    return Ballot.objects.filter(selection__public_id=cookie.selection_public_id, tag=sheet_tag(cookie.sheet)).first()


def current_choices(cookie: VoterCookie) -> list[int]:
    ballot = _own_ballot(cookie)
    return list(ballot.choices) if ballot else []


def current_grades(cookie: VoterCookie) -> dict[int, str]:
    """The voter's stored grades (number → grade name or ``graded.ABSTAIN_VALUE``) while the vote is open."""
    ballot = _own_ballot(cookie)
    if ballot is None:
        return {}
    return {int(k): v or graded.ABSTAIN_VALUE for k, v in (ballot.grades or {}).items()}
