"""Casting an approval ballot: "choose at most N" of the admitted candidates.

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
from dataclasses import dataclass
from typing import NamedTuple

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaoping.ratings import tokens
from kaoping.selection.models import Ballot, Nomination, Phase, Review, Selection, Voter
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


@dataclass(frozen=True)
class Cast:
    status: int  # 201 stored, 200 replay, 200 replaced
    receipt: str
    replaced: bool = False


def _digest(choices: list[int], receipt: str) -> str:
    return hashlib.sha256((",".join(map(str, choices)) + "\x00" + receipt).encode()).hexdigest()


def ballot_submit(*, cookie: VoterCookie, choices: list[int], idem_key: str, receipt: str) -> Cast:
    try:
        key = uuid.UUID(str(idem_key))
    except ValueError:
        raise SelectionError(400, _("提交编号格式不正确,请刷新页面后重试")) from None
    if not tokens.looks_like_token(receipt):
        raise SelectionError(400, _("回执码格式不正确,请刷新页面后重试"))
    chosen = sorted(set(choices))
    digest = _digest(chosen, receipt)
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
        replay = Ballot.objects.filter(idem_key=key).first()
        if replay is not None:
            if replay.selection_id != selection.pk or replay.tag != tag or replay.digest != digest:
                raise SelectionError(422, _("同一提交编号对应了不同的内容"))
            return Cast(200, receipt)
        numbers = set(
            Nomination.objects.filter(selection=selection, review=Review.ADMITTED).values_list("number", flat=True)
        )
        if any(number not in numbers for number in chosen):
            raise SelectionError(400, _("所选的人不在本次评选的候选人中"))
        if len(chosen) > selection.quota:
            raise SelectionError(400, over_quota_message(selection.quota))
        if not chosen:
            raise SelectionError(400, _("请至少选择 1 人"))
        values = {"choices": chosen, "idem_key": key, "digest": digest, "receipt_hash": tokens.receipt_hash(receipt)}
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


def current_choices(cookie: VoterCookie) -> list[int]:
    ballot = Ballot.objects.filter(selection__public_id=cookie.selection_public_id, tag=sheet_tag(cookie.sheet)).first()
    return list(ballot.choices) if ballot else []
