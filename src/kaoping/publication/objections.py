"""异议: a unit objects to a published version within its notice window; the organizer assigns it,
a reviewer answers in writing. An accepted objection is corrected through the normal scoring path
and published as a new version (``services.publish``), whose diff shows what moved."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.assessments import uploads
from kaoping.audit.services import audit_record
from kaoping.campaigns.access import campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.campaigns.readonly import require_writable
from kaoping.orgs.models import Membership, Role, User
from kaoping.publication import reminders
from kaoping.publication.calendar import add_working_days
from kaoping.publication.models import OPEN_STATES, Objection, ObjectionState, PublishedUnit, PublishedVersion
from kaoping.publication.services import PublicationError, chain_of, latest

MAX_REASONS = 2000
MAX_ANSWER = 4000


@dataclass(frozen=True)
class Target:
    item_id: str  # "" = the total
    name: str


def targets(version: PublishedVersion, unit: CampaignUnit) -> list[Target]:
    """What the unit may object to in this version: its total, or any scored item (leaf) it shows."""
    data = PublishedUnit.objects.filter(version=version, unit=unit).values_list("data", flat=True).first()
    found = [Target("", _("总分"))]
    if data is None:
        return found
    for component in data[9]:
        found.extend(Target(item_id, f"{component[1]} · {name}") for item_id, name in _leaves(component[6]))
    return found


def _leaves(items: list[Any]) -> Iterator[tuple[str, str]]:
    for item in items:
        if len(item) > 6 and item[6]:
            yield from _leaves(item[6])
        else:
            yield str(item[0]), f"{item[0]} {item[1]}"


def window_refusal(version: PublishedVersion | None, campaign: Campaign) -> str:
    """Why no objection may be filed now, or ""."""
    if version is None:
        return _("尚未发布公示,不能提出异议")
    if campaign.phase != Phase.NOTICE or version.final_at is not None:
        return _("结果公示阶段已结束,不能再提出异议")
    today = timezone.localdate()
    if not (version.notice_start <= today <= version.notice_end):
        return _("异议须在公示期内提出(公示期 %(start)s 至 %(end)s)") % {
            "start": version.notice_start.isoformat(),
            "end": version.notice_end.isoformat(),
        }
    return ""


@transaction.atomic
def file(
    *,
    unit: CampaignUnit,
    actor: Any,
    item_id: str,
    reasons: str,
    upload: object | None = None,
    original_name: str = "",
) -> Objection:
    """A unit's reporter objects to its total or one item of the latest version, within the window."""
    campaign = unit.campaign
    require_writable(campaign, error=PublicationError)
    campaign.refresh_from_db(fields=["phase"])
    version = latest(campaign)
    refusal = window_refusal(version, campaign)
    if refusal:
        raise PublicationError(refusal)
    assert version is not None
    reasons = reasons.strip()
    if not reasons:
        raise PublicationError(_("请写明异议理由"))
    if len(reasons) > MAX_REASONS:
        raise PublicationError(_("异议理由最多 %(n)s 个字") % {"n": MAX_REASONS})
    target = next((t for t in targets(version, unit) if t.item_id == item_id), None)
    if target is None:
        raise PublicationError(_("所选指标不在本单位的公示结果中,请刷新页面后重选"))
    stored, facts = uploads.store_upload(upload, original_name) if upload is not None else ("", None)
    try:
        objection = _create(version, unit, actor, target, reasons, stored, facts)
    except BaseException:
        if stored:
            uploads.stored_path(stored).unlink(missing_ok=True)
        raise
    return objection


def _create(
    version: PublishedVersion, unit: CampaignUnit, actor: Any, target: Target, reasons: str, stored: str, facts: Any
) -> Objection:
    now = timezone.now()
    number = (Objection.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0) + 1
    objection = Objection.objects.create(
        version=version,
        unit=unit,
        number=number,
        item_id=target.item_id,
        item_name=target.name,
        reasons=reasons,
        evidence_name=facts.original_name if facts else "",
        evidence_stored=stored,
        evidence_type=facts.content_type if facts else "",
        evidence_sha256=facts.sha256 if facts else "",
        filed_by=actor,
        filed_at=now,
        due_on=add_working_days(timezone.localdate(now), version.answer_working_days),
    )
    _audit(
        objection, "objection.file", actor, new={"items": target.name, "reason": reasons, "on": str(objection.due_on)}
    )
    reminders.filed(objection)
    return objection


def assignable(campaign: Campaign, unit: CampaignUnit) -> list[User]:
    """People who may answer an objection of ``unit``: the bureau's organizers and the reviewers of the unit."""
    roles = (Role.ORGANIZER, Role.ADMIN, Role.REVIEWER)
    ids = set(Membership.objects.filter(role__in=roles).values_list("user_id", flat=True).distinct())
    people = User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "username")
    return [p for p in people if _may_answer(p, campaign, unit)]


def _may_answer(user: Any, campaign: Campaign, unit: CampaignUnit) -> bool:
    access = campaign_access(user, campaign)
    return access.organizer or access.can_review_unit(unit.organization)


@transaction.atomic
def assign(*, objection: Objection, assignee: Any, actor: Any) -> Objection:
    campaign = objection.unit.campaign
    require_writable(campaign, error=PublicationError)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.state not in OPEN_STATES:
        raise PublicationError(_("该异议已答复,不能再分派"))
    if assignee is None or not _may_answer(assignee, campaign, objection.unit):
        raise PublicationError(_("只能分派给本考核的组织者或负责该单位的审核人员"))
    old = locked.assignee_id
    Objection.objects.filter(pk=locked.pk).update(
        assignee=assignee, assigned_at=timezone.now(), state=ObjectionState.ASSIGNED
    )
    _audit(locked, "objection.assign", actor, old={"user": old} if old else None, new={"user": assignee.pk})
    locked.refresh_from_db()
    reminders.assigned(locked)
    return locked


def may_answer(objection: Objection, user: Any) -> bool:
    access = campaign_access(user, objection.unit.campaign)
    return access.organizer or (
        objection.assignee_id is not None and objection.assignee_id == getattr(user, "pk", None)
    )


@transaction.atomic
def answer(*, objection: Objection, actor: Any, accepted: bool, text: str) -> Objection:
    """The written answer: 异议成立 (the organizer then corrects and publishes a new version) or 不成立."""
    require_writable(objection.unit.campaign, error=PublicationError)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.state not in OPEN_STATES:
        raise PublicationError(_("该异议已答复"))
    if not may_answer(locked, actor):
        raise PublicationError(_("只有被分派的审核人员或组织者可以答复"))
    text = text.strip()
    if not text:
        raise PublicationError(_("请填写书面答复"))
    if len(text) > MAX_ANSWER:
        raise PublicationError(_("书面答复最多 %(n)s 个字") % {"n": MAX_ANSWER})
    state = ObjectionState.ACCEPTED if accepted else ObjectionState.REJECTED
    Objection.objects.filter(pk=locked.pk).update(
        state=state, answer=text, answered_by=actor, answered_at=timezone.now()
    )
    _audit(locked, "objection.answer", actor, old=locked.state, new=state, reason=text)
    locked.refresh_from_db()
    reminders.answered(locked)
    return locked


def open_count(campaign: Campaign) -> int:
    return Objection.objects.filter(unit__campaign=campaign, state__in=OPEN_STATES).count()


def overdue(objection: Objection) -> bool:
    return objection.open and timezone.localdate() > objection.due_on


def register(campaign: Campaign) -> QuerySet[Objection]:
    return Objection.objects.filter(unit__campaign=campaign).select_related(
        "unit__organization", "version", "assignee", "filed_by", "answered_by"
    )


def _audit(
    objection: Objection, action: str, actor: Any, *, old: Any = None, new: Any = None, reason: str = ""
) -> None:
    audit_record(
        chain=chain_of(objection.unit.campaign_id),
        action=action,
        object_type="objection",
        object_id=f"{objection.unit_id}#{objection.number}",
        actor=actor,
        field="objection",
        old=old,
        new=new,
        reason=reason,
    )
