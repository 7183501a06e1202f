"""Every write of the problem list: creating a problem (by hand or from a review, a spot check or
an accepted objection), editing what is asked of the unit, progress reports with evidence, the
re-check that closes (销号) or reopens (重新整改) it, and the campaign's deadline setting.

Each write checks the campaign is writable inside its transaction and is audited on the
campaign's chain (``object_type`` "problem", ``object_id`` "<unit id>#<number>").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.assessments import uploads
from kaoping.assessments.models import SpotCheck
from kaoping.assessments.selectors import recused_unit_ids
from kaoping.audit.services import audit_record
from kaoping.campaigns.access import campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import require_writable
from kaoping.publication.models import Objection, ObjectionState
from kaoping.rectification import reminders
from kaoping.rectification.models import (
    DEFAULT_DAYS,
    Problem,
    ProblemState,
    Progress,
    Recheck,
    RectificationSettings,
    Source,
)

MAX_TEXT = 4000
MAX_SHORT = 200


class RectificationError(Exception):
    """A refused write; ``messages`` are the Chinese reasons for the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class ProblemInput:
    description: str
    source: str = Source.MANUAL
    source_note: str = ""
    item_id: str = ""
    item_name: str = ""
    points_lost: Decimal | None = None
    responsible_unit: str = ""
    responsible_person: str = ""
    measures: str = ""
    deadline: datetime.date | None = None


def chain_of(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def settings_of(campaign: Campaign) -> RectificationSettings:
    found = RectificationSettings.objects.filter(campaign=campaign).first()
    return found if found is not None else RectificationSettings(campaign=campaign, days=DEFAULT_DAYS)


def default_deadline(campaign: Campaign, today: datetime.date | None = None) -> datetime.date:
    """The campaign's conclusion date (or today, before there is one) plus its rectification days."""
    setting = settings_of(campaign)
    start = setting.concluded_on or today or timezone.localdate()
    return start + datetime.timedelta(days=setting.days)


def may_manage(user: Any, unit: CampaignUnit) -> bool:
    """Creates problems, edits them and re-checks them: the organizers and the unit's reviewers,
    unless recused from the unit (回避)."""
    access = campaign_access(user, unit.campaign)
    if not access.can_review_unit(unit.organization):
        return False
    return unit.pk not in recused_unit_ids(user, unit.campaign)


def may_report(user: Any, unit: CampaignUnit) -> bool:
    return campaign_access(user, unit.campaign).can_report_for(unit.organization)


def _text(value: str, label: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RectificationError(_("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise RectificationError(_("%(label)s最多 %(n)s 个字") % {"label": label, "n": limit})
    return value


def _clean(data: ProblemInput) -> dict[str, Any]:
    if data.source not in Source.values:
        raise RectificationError(_("请选择问题来源"))
    if data.points_lost is not None and (data.points_lost < 0 or data.points_lost >= Decimal("100000000")):
        raise RectificationError(_("扣分须为不小于 0 的数"))
    return {
        "description": _text(data.description, _("问题描述"), required=True),
        "source": data.source,
        "source_note": _text(data.source_note, _("来源说明"), required=False, limit=300),
        "item_id": data.item_id[:64],
        "item_name": data.item_name[:300],
        "points_lost": data.points_lost,
        "responsible_unit": _text(data.responsible_unit, _("责任科室"), required=False, limit=MAX_SHORT),
        "responsible_person": _text(data.responsible_person, _("责任人"), required=False, limit=100),
        "measures": _text(data.measures, _("整改措施"), required=False),
    }


@transaction.atomic
def create(*, unit: CampaignUnit, actor: Any, data: ProblemInput, carried_from: Problem | None = None) -> Problem:
    campaign = unit.campaign
    require_writable(campaign, error=RectificationError)
    fields = _clean(data)
    if data.source == Source.SELF_ASSESSMENT:
        allowed = may_manage(actor, unit) or may_report(actor, unit)
    else:
        allowed = may_manage(actor, unit)
    if not allowed:
        raise RectificationError(_("只有组织者、负责该单位的审核人员或本单位填报人可以登记问题"))
    # numbers per unit: lock the unit's row so two problems never take the same number
    CampaignUnit.objects.select_for_update().filter(pk=unit.pk).first()
    number = (Problem.objects.filter(unit=unit).aggregate(n=Max("number"))["n"] or 0) + 1
    problem = Problem.objects.create(
        campaign=campaign,
        unit=unit,
        organization=unit.organization,
        number=number,
        deadline=data.deadline or default_deadline(campaign),
        carried_from=carried_from,
        created_by=actor,
        created_at=timezone.now(),
        **fields,
    )
    audit_problem(
        problem,
        "problem.create",
        actor,
        new={
            "source": problem.source,
            "items": problem.item_name or None,
            "points_lost": str(problem.points_lost) if problem.points_lost is not None else None,
            "deadline": problem.deadline.isoformat(),
        },
        reason=problem.description,
    )
    reminders.created(problem)
    return problem


def points_lost(points: Decimal | None, score: Decimal | None, *, penalty: bool) -> Decimal | None:
    """Points lost on an item: the deduction of a penalty item, else full points minus the score."""
    if score is None:
        return None
    if penalty:
        return abs(score) if score else None
    if points is None or score >= points:
        return None
    return points - score


def create_from_review(*, unit: CampaignUnit, actor: Any, item: Any, counted: Any, reason: str) -> Problem:
    """One click on the review page: the item, its deduction and the reviewer's reason filled in."""
    lost = points_lost(item.points, counted.score, penalty=counted.penalty)
    name = f"{item.id} {item.name}"
    if reason.strip():
        description = reason.strip()
    elif lost is not None:
        description = _("%(item)s 扣 %(points)s 分") % {"item": name, "points": _plain(lost)}
    else:
        description = _("%(item)s 审核发现的问题") % {"item": name}
    return create(
        unit=unit,
        actor=actor,
        data=ProblemInput(
            description=description, source=Source.REVIEW, item_id=item.id, item_name=name, points_lost=lost
        ),
    )


def create_from_spot_check(*, spot_check: SpotCheck, actor: Any) -> Problem:
    items = list(spot_check.item_ids or [])
    return create(
        unit=spot_check.unit,
        actor=actor,
        data=ProblemInput(
            description=spot_check.findings,
            source=Source.SPOT_CHECK,
            source_note=_("%(on)s 实地抽查(%(who)s)")
            % {"on": spot_check.checked_on.isoformat(), "who": spot_check.inspectors},
            item_id=items[0] if len(items) == 1 else "",
            item_name="、".join(items),
        ),
    )


def create_from_objection(*, objection: Objection, actor: Any) -> Problem:
    """One click for the organizer on an accepted objection: its item, its reasons and the written answer."""
    require_writable(objection.unit.campaign, error=RectificationError)
    if objection.state != ObjectionState.ACCEPTED:
        raise RectificationError(_("只有成立的异议才能登记为整改问题"))
    if not campaign_access(actor, objection.unit.campaign).organizer:
        raise RectificationError(_("只有组织者可以把异议登记为整改问题"))
    return create(
        unit=objection.unit,
        actor=actor,
        data=ProblemInput(
            description=objection.answer or objection.reasons,
            source=Source.OBJECTION,
            source_note=_("第 %(n)s 条异议") % {"n": objection.number},
            item_id=objection.item_id,
            item_name=objection.item_name if objection.item_id else "",
        ),
    )


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _locked(problem: Problem) -> Problem:
    require_writable(problem.campaign_id, error=RectificationError)
    return Problem.objects.select_for_update().select_related("unit__organization", "unit__campaign").get(pk=problem.pk)


@transaction.atomic
def update(
    *,
    problem: Problem,
    actor: Any,
    responsible_unit: str,
    responsible_person: str,
    measures: str,
    deadline: datetime.date | None,
) -> Problem:
    """What is asked of the unit: who answers for it, the measures and the deadline."""
    locked = _locked(problem)
    if not may_manage(actor, locked.unit):
        raise RectificationError(_("只有组织者或负责该单位的审核人员可以修改整改要求"))
    if locked.closed:
        raise RectificationError(_("该问题已销号,不能再修改"))
    if deadline is None:
        raise RectificationError(_("请填写整改期限"))
    new = {
        "responsible_unit": _text(responsible_unit, _("责任科室"), required=False, limit=MAX_SHORT),
        "responsible_person": _text(responsible_person, _("责任人"), required=False, limit=100),
        "measures": _text(measures, _("整改措施"), required=False),
        "deadline": deadline,
    }
    old = {key: getattr(locked, key) for key in new}
    changed = {key: value for key, value in new.items() if value != old[key]}
    if not changed:
        return locked
    Problem.objects.filter(pk=locked.pk).update(version=locked.version + 1, **changed)
    audit_problem(
        locked,
        "problem.update",
        actor,
        old={key: _jsonable(old[key]) for key in changed},
        new={key: _jsonable(value) for key, value in changed.items()},
    )
    locked.refresh_from_db()
    return locked


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def report(
    *, problem: Problem, actor: Any, text: str, done: bool, upload: object | None = None, original_name: str = ""
) -> Progress:
    """The unit's reporter reports progress, one evidence file checked by content; ``done`` asks for the re-check."""
    locked = _locked(problem)
    if not may_report(actor, locked.unit):
        raise RectificationError(_("只有本单位的填报人可以报送整改进展"))
    if locked.closed:
        raise RectificationError(_("该问题已销号,不能再报送进展"))
    text = _text(text, _("整改进展"), required=True)
    stored, facts = uploads.store_upload(upload, original_name) if upload is not None else ("", None)
    try:
        progress = Progress.objects.create(
            problem=locked,
            text=text,
            done=done,
            evidence_name=facts.original_name if facts else "",
            evidence_stored=stored,
            evidence_type=facts.content_type if facts else "",
            evidence_sha256=facts.sha256 if facts else "",
            reported_by=actor,
            reported_at=timezone.now(),
        )
        if done and locked.state != ProblemState.REPORTED:
            Problem.objects.filter(pk=locked.pk).update(state=ProblemState.REPORTED, version=locked.version + 1)
        audit_problem(
            locked,
            "problem.report",
            actor,
            old=locked.state if done else None,
            new={"state": ProblemState.REPORTED if done else locked.state, "evidence": progress.evidence_name or None},
            reason=text,
        )
        if done:
            reminders.reported(locked)
    except BaseException:
        if stored:
            uploads.stored_path(stored).unlink(missing_ok=True)
        raise
    return progress


@transaction.atomic
def recheck(
    *, problem: Problem, actor: Any, close: bool, opinion: str, new_deadline: datetime.date | None = None
) -> Recheck:
    """复查: a reviewer closes the problem (销号) or sends it back (重新整改) with the written opinion."""
    locked = _locked(problem)
    if not may_manage(actor, locked.unit):
        raise RectificationError(_("只有组织者或负责该单位的审核人员可以复查"))
    if locked.closed:
        raise RectificationError(_("该问题已销号"))
    opinion = _text(opinion, _("复查意见"), required=True)
    if not close and new_deadline is not None and new_deadline < timezone.localdate():
        raise RectificationError(_("新的整改期限不能早于今天"))
    now = timezone.now()
    check = Recheck.objects.create(
        problem=locked,
        closed=close,
        opinion=opinion,
        new_deadline=None if close else new_deadline,
        checked_by=actor,
        checked_at=now,
    )
    changes: dict[str, Any] = {
        "state": ProblemState.CLOSED if close else ProblemState.OPEN,
        "version": locked.version + 1,
    }
    if close:
        changes["closed_at"] = now
    elif new_deadline is not None:
        changes["deadline"] = new_deadline
    Problem.objects.filter(pk=locked.pk).update(**changes)
    audit_problem(
        locked,
        "problem.close" if close else "problem.reopen",
        actor,
        old=locked.state,
        new={"state": changes["state"], "deadline": new_deadline.isoformat() if new_deadline and not close else None},
        reason=opinion,
    )
    locked.refresh_from_db()
    reminders.rechecked(locked, closed=close)
    return check


@transaction.atomic
def save_settings(
    *, campaign: Campaign, actor: Any, concluded_on: datetime.date | None, days: int
) -> RectificationSettings:
    require_writable(campaign, error=RectificationError)
    if not campaign_access(actor, campaign).organizer:
        raise RectificationError(_("只有组织者可以设置整改期限"))
    if not 1 <= days <= 365:
        raise RectificationError(_("整改期限请填写 1 至 365 之间的天数"))
    setting, _created = RectificationSettings.objects.select_for_update().get_or_create(campaign=campaign)
    old = {"concluded_on": _jsonable(setting.concluded_on), "days": setting.days}
    setting.concluded_on, setting.days = concluded_on, days
    setting.save()
    audit_record(
        chain=chain_of(campaign),
        action="problem.settings",
        object_type="campaign",
        object_id=campaign.pk,
        actor=actor,
        old=old,
        new={"concluded_on": _jsonable(concluded_on), "days": days},
    )
    return setting


def audit_problem(
    problem: Problem, action: str, actor: Any, *, old: Any = None, new: Any = None, reason: str = ""
) -> None:
    audit_record(
        chain=chain_of(problem.campaign_id),
        action=action,
        object_type="problem",
        object_id=f"{problem.unit_id}#{problem.number}",
        actor=actor,
        field="problem",
        old=old,
        new=new,
        reason=reason,
    )
