"""Writes of 评选: selections, nominations and their review, voters, the approval vote, the result,
the tie decision and the 公示. Every write is refused on an archived campaign and audited on the
campaign's chain. Ballots are cast in ``votes.py``.

The vote reuses live rating's generic secrecy helpers (``kaoping.ratings.tokens`` for tokens and
their HMAC, ``kaoping.ratings.keys`` for the key file and sealing, ``kaoping.ratings.slips`` for the
printed slips); see docs/selection.md.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import random
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.readonly import CampaignArchived, require_writable
from kaoping.evidence import uploads
from kaoping.orgs.models import Organization
from kaoping.ratings import keys, tokens
from kaoping.selection import graded, rules
from kaoping.selection.models import Ballot, Kind, Method, Nomination, Phase, Review, Selection, Voter


class SelectionError(Exception):
    def __init__(self, status: int, *messages: str) -> None:
        self.status = status
        self.messages = list(messages)
        super().__init__(";".join(messages))


def chain_of(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def _audit(selection: Selection, action: str, actor: Any, *, object_id: object = None, **values: Any) -> str:
    event = audit_record(
        chain=chain_of(selection.campaign_id),
        action=action,
        object_type="selection",
        object_id=object_id if object_id is not None else selection.number,
        actor=actor,
        field=f"selection[{selection.title}]",
        **values,
    )
    return str(event.hash)


def _writable(campaign: Campaign | int) -> None:
    try:
        require_writable(campaign)
    except CampaignArchived as archived:
        raise SelectionError(409, archived.message) from None


def _locked(selection: Selection) -> Selection:
    return Selection.objects.select_for_update().select_related("campaign").get(pk=selection.pk)


# -- selections --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectionFields:
    title: str
    quota: int
    nomination_start: datetime.date
    nomination_end: datetime.date
    eligible_text: str = ""
    rules: list[dict[str, Any]] = field(default_factory=list)
    method: str = Method.APPROVAL
    rater_groups: str = ""  # graded: "评委:60、党员代表:25、群众代表:15" (graded.parse_groups)


@transaction.atomic
def selection_create(*, campaign: Campaign, fields: SelectionFields, actor: Any) -> Selection:
    _writable(campaign)
    problems = []
    if not fields.title.strip():
        problems.append(_("请填写评选名称"))
    if fields.quota < 1:
        problems.append(_("评选名额至少为 1"))
    if fields.nomination_end < fields.nomination_start:
        problems.append(_("推荐截止日期不能早于开始日期"))
    groups: list[dict[str, str]] = []
    if fields.method not in Method.values:
        problems.append(_("投票方式不正确"))
    elif fields.method == Method.GRADED:
        try:
            groups = graded.parse_groups(fields.rater_groups)
        except graded.GroupsInvalid as invalid:
            problems.append(str(invalid))
    if problems:
        raise SelectionError(400, *problems)
    number = (Selection.objects.filter(campaign=campaign).aggregate(m=Max("number"))["m"] or 0) + 1
    selection = Selection.objects.create(
        campaign=campaign,
        number=number,
        title=fields.title.strip(),
        quota=fields.quota,
        eligible_text=fields.eligible_text.strip(),
        rules=fields.rules,
        nomination_start=fields.nomination_start,
        nomination_end=fields.nomination_end,
        method=fields.method,
        rater_groups=groups,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    keys.session_key_create(selection.public_id)
    _audit(
        selection,
        "selection.create",
        actor,
        new={
            "title": selection.title,
            "quota": selection.quota,
            "rules": [rules.describe(r) for r in selection.rules],
            "window": f"{selection.nomination_start}—{selection.nomination_end}",
            "method": selection.get_method_display(),
            **({"rater_groups": graded.describe_groups(groups)} if groups else {}),
        },
    )
    return selection


# -- nominations -------------------------------------------------------------------------------------


def window_message(selection: Selection, today: datetime.date | None = None) -> str:
    """Empty while nominations are accepted, else why not (Chinese)."""
    today = today or timezone.localdate()
    if selection.phase != Phase.NOMINATING:
        return _("推荐报名已结束,不能再推荐")
    if today < selection.nomination_start:
        return _("推荐报名尚未开始(%(start)s 开始)") % {"start": selection.nomination_start.isoformat()}
    if today > selection.nomination_end:
        return _("推荐报名已于 %(end)s 截止") % {"end": selection.nomination_end.isoformat()}
    return ""


@dataclass(frozen=True)
class NominationFields:
    nominee_name: str
    organization: Organization
    kind: str
    statement: str
    party_member: bool = False
    teaching_years: int | None = None
    disciplined: bool = False


@transaction.atomic
def nominate(
    *, selection: Selection, fields: NominationFields, actor: Any, upload: Any = None, upload_name: str = ""
) -> Nomination:
    _writable(selection.campaign_id)
    selection = _locked(selection)
    closed = window_message(selection)
    if closed:
        raise SelectionError(409, closed)
    problems = []
    if not fields.nominee_name.strip():
        problems.append(_("请填写被推荐人姓名"))
    if not fields.statement.strip():
        problems.append(_("请填写主要事迹"))
    if fields.kind not in Kind.values:
        problems.append(_("推荐方式不正确"))
    if problems:
        raise SelectionError(400, *problems)
    mine = Nomination.objects.filter(selection=selection, nominated_by=actor, kind=Kind.SELF)
    if fields.kind == Kind.SELF and getattr(actor, "pk", None) and mine.exists():
        raise SelectionError(409, _("您已经自荐过,不能重复自荐"))
    stored, facts = "", None
    if upload is not None:
        try:
            stored, facts = uploads.store_upload(upload, upload_name)
        except uploads.UploadRejected as rejected:
            raise SelectionError(400, str(rejected)) from None
    number = (Nomination.objects.filter(selection=selection).aggregate(m=Max("number"))["m"] or 0) + 1
    nomination = Nomination.objects.create(
        selection=selection,
        number=number,
        nominee_name=fields.nominee_name.strip(),
        organization=fields.organization,
        kind=fields.kind,
        statement=fields.statement.strip(),
        party_member=fields.party_member,
        teaching_years=fields.teaching_years,
        disciplined=fields.disciplined,
        evidence_name=facts.original_name if facts else "",
        evidence_stored=stored,
        evidence_type=facts.content_type if facts else "",
        evidence_sha256=facts.sha256 if facts else "",
        nominated_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(
        selection,
        "selection.nominate",
        actor,
        object_id=f"{selection.number}#{number}",
        new={
            "nominee": nomination.nominee_name,
            "organization": fields.organization.name,
            "kind": nomination.get_kind_display(),
        },
    )
    return nomination


@transaction.atomic
def review(*, nomination: Nomination, admit: bool, reason: str, actor: Any) -> Nomination:
    selection = nomination.selection
    _writable(selection.campaign_id)
    selection = _locked(selection)
    if selection.phase != Phase.NOMINATING:
        raise SelectionError(409, _("投票已开始,不能再更改审核结果"))
    reason = reason.strip()
    if admit:
        failed = rules.failures(selection.rules, nomination)
        if failed:
            raise SelectionError(409, _("不符合推荐条件,不能通过:%(why)s") % {"why": ";".join(failed)})
    elif not reason:
        raise SelectionError(400, _("不通过时请填写理由"))
    old = nomination.get_review_display()
    nomination.review = Review.ADMITTED if admit else Review.REFUSED
    nomination.review_reason = reason
    nomination.reviewed_by = actor if getattr(actor, "pk", None) else None
    nomination.reviewed_at = timezone.now()
    nomination.save(update_fields=["review", "review_reason", "reviewed_by", "reviewed_at"])
    _audit(
        selection,
        "selection.review",
        actor,
        object_id=f"{selection.number}#{nomination.number}",
        old=old,
        new={"nominee": nomination.nominee_name, "review": nomination.get_review_display()},
        reason=reason,
    )
    return nomination


# -- voters and slips --------------------------------------------------------------------------------


def _sealer(selection: Selection) -> keys.Sealer:
    try:
        return keys.Sealer(selection.public_id)
    except keys.SessionKeyMissing as missing:
        raise SelectionError(503, str(missing)) from None


@transaction.atomic
def voters_issue(*, selection: Selection, labels: list[str], actor: Any, group: str = "") -> int:
    """One credential per voter; the clear tokens only in the sealed slip list. A graded selection
    issues slips per rater group (``group`` is the group's id) and each voter carries it."""
    _writable(selection.campaign_id)
    selection = _locked(selection)
    if selection.phase == Phase.CLOSED:
        raise SelectionError(409, _("投票已结束,不能再发放投票码"))
    names = graded.group_names(selection.rater_groups)
    if selection.method == Method.GRADED and group not in names:
        raise SelectionError(400, _("请选择投票人所在的评议组"))
    if selection.method != Method.GRADED:
        group = ""
    labels = [label.strip() for label in labels if label.strip()]
    if not labels:
        raise SelectionError(400, _("没有要发放的投票人"))
    too_long = [label for label in labels if len(label) > 100]
    if too_long:
        raise SelectionError(400, _("投票人姓名过长:%(name)s") % {"name": too_long[0][:20]})
    sealer = _sealer(selection)
    order = list(range(len(labels)))
    random.SystemRandom().shuffle(order)  # credential ids say nothing of the listed order
    entries: list[dict[str, Any]] = [{} for _label in labels]
    for index in order:
        token = tokens.new_token()
        Voter.objects.create(
            selection=selection,
            label=labels[index],
            token_lookup=tokens.lookup_hmac(token),
            sealed_sheet=sealer.seal("sheet", secrets.token_hex(32).encode()),
            group=group,
        )
        entries[index] = {"label": labels[index], "group": names.get(group) or _("投票人"), "unit": "", "token": token}
    previous = sealer.unseal_json("slips", selection.sealed_slips) if selection.sealed_slips else []
    selection.sealed_slips = sealer.seal_json("slips", previous + entries)
    selection.save(update_fields=["sealed_slips"])
    issued: dict[str, Any] = {"count": len(labels)}
    if group:
        issued["rater_group"] = names[group]
    _audit(selection, "selection.voters_issued", actor, new=issued)
    return len(labels)


def slip_entries(selection: Selection) -> list[dict[str, Any]]:
    """The printed list (names and clear tokens), read fresh; empty once the vote closed."""
    row = Selection.objects.filter(pk=selection.pk).values("sealed_slips", "phase").first()
    if row is None or not row["sealed_slips"] or row["phase"] == Phase.CLOSED:
        return []
    return list(_sealer(selection).unseal_json("slips", row["sealed_slips"]))


@dataclass(frozen=True)
class SignedIn:
    voter: Voter
    sheet: str


def voter_exchange(*, token: str) -> SignedIn:
    if not tokens.looks_like_token(token):
        raise SelectionError(404, _("投票码无效,请核对投票条或联系会务人员"))
    voter = Voter.objects.select_related("selection").filter(token_lookup=tokens.lookup_hmac(token)).first()
    if voter is None:
        raise SelectionError(404, _("投票码无效,请核对投票条或联系会务人员"))
    if voter.revoked:
        raise SelectionError(403, _("该投票码已作废"))
    if voter.selection.phase == Phase.CLOSED or not voter.sealed_sheet:
        raise SelectionError(403, _("本次评选投票已结束"))
    sheet = _sealer(voter.selection).unseal("sheet", voter.sealed_sheet).decode()
    return SignedIn(voter, sheet)


# -- the vote ----------------------------------------------------------------------------------------


def admitted(selection: Selection) -> list[Nomination]:
    return list(
        Nomination.objects.filter(selection=selection, review=Review.ADMITTED)
        .select_related("organization")
        .order_by("number")
    )


@transaction.atomic
def vote_open(*, selection: Selection, actor: Any) -> None:
    _writable(selection.campaign_id)
    selection = _locked(selection)
    if selection.phase != Phase.NOMINATING:
        raise SelectionError(409, _("投票已经开始或已结束"))
    if Nomination.objects.filter(selection=selection, review=Review.PENDING).exists():
        raise SelectionError(409, _("还有推荐未审核,请全部审核后再开始投票"))
    count = Nomination.objects.filter(selection=selection, review=Review.ADMITTED).count()
    if count == 0:
        raise SelectionError(409, _("没有审核通过的候选人,不能开始投票"))
    selection.phase = Phase.VOTING
    selection.save(update_fields=["phase"])
    _audit(selection, "selection.vote_open", actor, new={"candidates": count, "quota": selection.quota})


def ballot_set_digest(choices: list[list[int]]) -> str:
    """A digest of the approval ballots as a multiset (order-free), for the recount and the audit log."""
    return _multiset_digest(json.dumps(sorted(c)) for c in choices)


def _multiset_digest(canonical: Any) -> str:
    return hashlib.sha256("\n".join(sorted(canonical)).encode()).hexdigest()


def count(choices: list[list[int]], numbers: list[int]) -> dict[int, int]:
    counter: Counter[int] = Counter()
    for chosen in choices:
        counter.update(set(chosen))
    return {number: counter.get(number, 0) for number in numbers}


_BALLOT_FIELDS = ("id", "choices", "group", "grades", "receipt_hash")


def _tally(selection: Selection, rows: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The tally kept at close (and recomputed by the recount) and the digest of the ballot multiset.

    Approval: the count per candidate. Graded: the engine's weighted score per candidate
    (``graded.score``) with its explanation."""
    nominations = admitted(selection)
    if selection.method == Method.GRADED:
        scored = graded.score(
            title=selection.title,
            groups=selection.rater_groups,
            nominees=[(n.number, n.nominee_name) for n in nominations],
            ballots=[(str(row["id"]), row["group"], row["grades"]) for row in rows],
        )
        tally = {
            "scores": {str(k): None if v is None else str(v) for k, v in scored.scores.items()},
            "explanations": {str(k): v for k, v in scored.explanations.items()},
            "flags": scored.flags,
            "ballots": len(rows),
        }
        return tally, _multiset_digest(graded.canonical(row["group"], row["grades"]) for row in rows)
    choices = [list(row["choices"]) for row in rows]
    counts = count(choices, [n.number for n in nominations])
    return {"counts": {str(k): v for k, v in counts.items()}, "ballots": len(rows)}, ballot_set_digest(choices)


def _scores(tally: dict[str, Any] | None) -> dict[int, Decimal | None]:
    scores = (tally or {}).get("scores") or {}
    return {int(k): None if v is None else Decimal(str(v)) for k, v in scores.items()}


def _counts(tally: dict[str, Any] | None) -> dict[int, int]:
    return {int(k): int(v) for k, v in ((tally or {}).get("counts") or {}).items()}


def vote_close(*, selection: Selection, actor: Any) -> str:
    """Count, then forget every link between a ballot and a voter: tags and request keys dropped,
    ballots rewritten in random order under fresh ids, sealed sheet keys and the slip list
    forgotten, the key file destroyed after commit."""
    with transaction.atomic():
        _writable(selection.campaign_id)
        selection = _locked(selection)
        if selection.phase != Phase.VOTING:
            raise SelectionError(409, _("投票尚未开始或已经结束"))
        rows = list(Ballot.objects.filter(selection=selection).values(*_BALLOT_FIELDS))
        tally, digest = _tally(selection, rows)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = ON")
        Ballot.objects.filter(selection=selection).delete()
        fresh = [
            Ballot(
                id=uuid.uuid4(),
                selection=selection,
                choices=sorted(row["choices"]),
                group=row["group"],
                grades=row["grades"],
                receipt_hash=row["receipt_hash"],
            )
            for row in rows
        ]
        random.SystemRandom().shuffle(fresh)
        Ballot.objects.bulk_create(fresh, batch_size=1000)
        Voter.objects.filter(selection=selection).update(sealed_sheet="")
        selection.sealed_slips = ""
        selection.phase = Phase.CLOSED
        selection.tally = tally
        selection.ballot_digest = digest
        selection.save(update_fields=["sealed_slips", "phase", "tally", "ballot_digest"])
        head = _audit(
            selection,
            "selection.vote_close",
            actor,
            new={"ballots": len(rows), "ballot_digest": selection.ballot_digest},
        )
        public_id = selection.public_id
        transaction.on_commit(lambda: _after_close(public_id))
    return head


def _after_close(public_id: Any) -> None:
    keys.session_key_destroy(public_id)
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with contextlib.suppress(OperationalError), connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass(frozen=True)
class Recount:
    ok: bool
    counts: dict[int, int]  # approval
    stored: dict[int, int]
    ballots: int
    message: str
    scores: dict[int, Decimal | None] = field(default_factory=dict)  # graded
    stored_scores: dict[int, Decimal | None] = field(default_factory=dict)


def recount(selection: Selection) -> Recount:
    """Count the stored ballots again (approval in plain Python, graded through the engine) and
    compare with the tally kept at close."""
    rows = list(Ballot.objects.filter(selection=selection).values(*_BALLOT_FIELDS))
    tally, digest = _tally(selection, rows)
    stored_tally = selection.tally or {}
    problems = []
    if selection.phase != Phase.CLOSED:
        problems.append(_("投票尚未结束,没有可核对的计票结果"))
    counts, stored = _counts(tally), _counts(stored_tally)
    scores, stored_scores = _scores(tally), _scores(stored_tally)
    if selection.method == Method.GRADED:
        if scores != stored_scores:
            problems.append(_("重新计分的得分与保存的计票结果不一致"))
    elif stored != counts:
        problems.append(_("重新计票的票数与保存的计票结果不一致"))
    if int(stored_tally.get("ballots") or 0) != len(rows):
        problems.append(_("选票张数与保存的不一致"))
    if selection.ballot_digest and digest != selection.ballot_digest:
        problems.append(_("选票摘要与投票结束时记录的不一致"))
    ok = not problems
    message = _("重新计票一致:%(n)d 张选票") % {"n": len(rows)} if ok else ";".join(problems)
    return Recount(ok, counts, stored, len(rows), message, scores, stored_scores)


# -- the result --------------------------------------------------------------------------------------


@dataclass
class Row:
    nomination: Nomination
    votes: int  # approval: the count
    rank: int = 0
    selected: bool = False
    tied: bool = False
    score: Decimal | None = None  # graded: the weighted score (None: nobody graded the nominee)
    explanation: str = ""  # graded: the engine's words
    graded: bool = False

    @property
    def value(self) -> Decimal | int | None:
        """What ranks the row: the score (graded) or the count (approval); None ranks last."""
        return self.score if self.graded else self.votes


@dataclass
class Result:
    rows: list[Row]
    quota: int
    ballots: int
    tie: bool  # a tie at the boundary exists
    tie_open: bool  # … and the organizer has not decided it yet
    tied_places: int  # how many of the tied are to be selected
    selected: list[Row]
    graded: bool = False
    flags: list[str] = field(default_factory=list)


def _place(rows: list[Row], quota: int, tie_chosen: list[int] | None) -> tuple[list[Row], bool, int]:
    """Rank the rows by value (ties share a rank), select the top ``quota`` of those with a value
    above 0, and flag a tie at the boundary (the organizer's ``tie_chosen`` picks among the tied).
    Returns the ordered rows, whether there is a tie and how many of the tied are to be selected."""
    valued = [row.value for row in rows if row.value is not None]
    ordered = sorted(rows, key=lambda r: (r.value is None, -(r.value or 0), r.nomination.number))
    for row in ordered:
        value = row.value
        row.rank = 1 + (len(valued) if value is None else sum(1 for other in valued if other > value))
    electable = [row for row in ordered if row.value is not None and row.value > 0]
    if len(electable) <= quota:
        for row in electable:
            row.selected = True
        return ordered, False, 0
    boundary = electable[quota - 1].value
    above = [row for row in electable if row.value is not None and boundary is not None and row.value > boundary]
    at = [row for row in electable if row.value == boundary]
    for row in above:
        row.selected = True
    tied_places = quota - len(above)
    if len(at) == tied_places:
        for row in at:
            row.selected = True
        return ordered, False, 0
    chosen = set(tie_chosen or [])
    for row in at:
        row.tied = True
        row.selected = row.nomination.number in chosen
    return ordered, True, tied_places


def result(selection: Selection) -> Result | None:
    """Counts (approval) or weighted scores (graded) in order; the top N; a tie at the N-th place
    flagged, never broken here."""
    if selection.phase != Phase.CLOSED or not selection.tally:
        return None
    tally = selection.tally
    nominations = admitted(selection)
    if selection.method == Method.GRADED:
        scores = _scores(tally)
        words = tally.get("explanations") or {}
        rows = [
            Row(n, 0, score=scores.get(n.number), explanation=str(words.get(str(n.number), "")), graded=True)
            for n in nominations
        ]
    else:
        counts = _counts(tally)
        rows = [Row(n, counts.get(n.number, 0)) for n in nominations]
    rows, tie, tied_places = _place(rows, selection.quota, selection.tie_chosen)
    tie_open = tie and not selection.tie_chosen
    selected = [row for row in rows if row.selected]
    return Result(
        rows,
        selection.quota,
        int(tally.get("ballots", 0)),
        tie,
        tie_open,
        tied_places,
        selected,
        graded=selection.method == Method.GRADED,
        flags=[str(flag) for flag in tally.get("flags") or []],
    )


@transaction.atomic
def tie_resolve(*, selection: Selection, chosen: list[int], reason: str, actor: Any) -> None:
    """The organizer decides a tie at the boundary (after a runoff, or by a decision), with a reason."""
    _writable(selection.campaign_id)
    selection = _locked(selection)
    if selection.public_key:
        raise SelectionError(409, _("评选结果已公示,不能再更改"))
    outcome = result(selection)
    if outcome is None or not outcome.tie:
        raise SelectionError(409, _("没有需要决定的并列"))
    tied = {row.nomination.number: row.nomination.nominee_name for row in outcome.rows if row.tied}
    chosen = sorted(set(chosen))
    if any(number not in tied for number in chosen) or len(chosen) != outcome.tied_places:
        raise SelectionError(
            400,
            _("请在并列的候选人中恰好选出 %(n)d 人") % {"n": outcome.tied_places},
        )
    if not reason.strip():
        raise SelectionError(400, _("请填写决定理由(例如加试投票结果或会议决定)"))
    old = [tied[n] for n in selection.tie_chosen or [] if n in tied]
    selection.tie_chosen = chosen
    selection.tie_reason = reason.strip()
    selection.save(update_fields=["tie_chosen", "tie_reason"])
    _audit(
        selection,
        "selection.tie_resolved",
        actor,
        old=old or None,
        new={"chosen": [tied[n] for n in chosen], "tied": list(tied.values())},
        reason=reason.strip(),
    )


@transaction.atomic
def publish(*, selection: Selection, actor: Any, notice_days: int = 5) -> str:
    """The 公示: a public page under an unguessable key (as publication's public notice)."""
    _writable(selection.campaign_id)
    selection = _locked(selection)
    outcome = result(selection)
    if outcome is None:
        raise SelectionError(409, _("投票结束后才能公示"))
    if outcome.tie_open:
        raise SelectionError(409, _("第 %(n)d 名存在并列,请先记录决定后再公示") % {"n": outcome.quota})
    if selection.public_key:
        raise SelectionError(409, _("评选结果已经公示"))
    if not 1 <= notice_days <= 30:
        raise SelectionError(400, _("公示天数应在 1 至 30 天之间"))
    selection.public_key = secrets.token_urlsafe(18)
    selection.published_on = timezone.localdate()
    selection.notice_days = notice_days
    selection.save(update_fields=["public_key", "published_on", "notice_days"])
    _audit(
        selection,
        "selection.published",
        actor,
        new={"selected": [row.nomination.nominee_name for row in outcome.selected], "days": notice_days},
    )
    return selection.public_key


def notice_end(selection: Selection) -> datetime.date | None:
    if selection.published_on is None:
        return None
    return selection.published_on + datetime.timedelta(days=selection.notice_days - 1)
