"""Every write of the inspection: groups, the checklist, the draw and assignment by hand, the
planned dates, and the visit record (checklist, 点评, photos, findings → problems, submit, reopen).

Each write checks the campaign is writable inside its transaction and is audited on the campaign's
chain (object_type "inspection_group", "inspection_unit" or "campaign").
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.assessments.models import Recusal
from kaoping.audit.services import audit_record
from kaoping.campaigns.access import campaign_access
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import require_writable
from kaoping.campaigns.selectors import current_scheme
from kaoping.evidence import uploads
from kaoping.inspection import draw as drawing
from kaoping.inspection.models import Assignment, Finding, Group, Photo, Plan, RecordState, Verdict
from kaoping.orgs.models import Membership, Role, User
from kaoping.rectification import services as rectification
from kaoping.rectification.models import Problem, Source

MAX_TEXT = 4000
MAX_CHECKLIST = 30


class InspectionError(Exception):
    """A refused write; ``messages`` are the Chinese reasons for the user."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def chain_of(campaign: Campaign | int) -> str:
    return f"campaign:{campaign if isinstance(campaign, int) else campaign.pk}"


def _audit(campaign_id: int, action: str, actor: Any, object_type: str, object_id: object, **kw: Any) -> None:
    audit_record(
        chain=chain_of(campaign_id), action=action, object_type=object_type, object_id=object_id, actor=actor, **kw
    )


def _organizer(actor: Any, campaign: Campaign, message: str) -> None:
    if not campaign_access(actor, campaign).organizer:
        raise InspectionError(message)


def _text(value: str, label: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InspectionError(_("请填写%(label)s") % {"label": label})
    if len(value) > limit:
        raise InspectionError(_("%(label)s最多 %(n)s 个字") % {"label": label, "n": limit})
    return value


# -- people and recusal -----------------------------------------------------------------------------


def people(campaign: Campaign) -> QuerySet[User]:
    """Who may sit in a group: the campaign bureau's own reviewers and organizers, no one else's."""
    return (
        User.objects.filter(
            memberships__organization=campaign.owner, memberships__role__in=[Role.REVIEWER, Role.ORGANIZER]
        )
        .distinct()
        .order_by("display_name", "username")
    )


def is_member(user: Any, group: Group) -> bool:
    pk = getattr(user, "pk", None)
    return pk is not None and (group.leader_id == pk or group.members.filter(pk=pk).exists())


def blocked(
    campaign: Campaign, units: Sequence[CampaignUnit], groups: Sequence[Group]
) -> dict[int, dict[int, list[str]]]:
    """blocked[unit id][group id]: why members of the group must not inspect the unit (empty: none)."""
    members: dict[int, list[User]] = {}
    for group in groups:
        seen = {u.pk: u for u in group.members.all()}
        seen.setdefault(group.leader_id, group.leader)
        members[group.pk] = list(seen.values())
    user_ids = {u.pk for people_ in members.values() for u in people_}
    paths: dict[int, list[str]] = {}
    owner = campaign.owner.path
    for user_id, path in Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "organization__path"):
        if not owner.startswith(path):  # a role at the campaign's bureau or above it is no tie to one unit
            paths.setdefault(user_id, []).append(path)
    declared: dict[tuple[int, int], str] = {}
    for unit_id, user_id, reason in Recusal.objects.filter(
        campaign=campaign, active=True, user_id__in=user_ids
    ).values_list("unit_id", "user_id", "reason"):
        declared[(unit_id, user_id)] = reason
    result: dict[int, dict[int, list[str]]] = {}
    for unit in units:
        row: dict[int, list[str]] = {}
        for group in groups:
            reasons = []
            for person in members[group.pk]:
                own = paths.get(person.pk, [])
                if any(path.startswith(unit.organization.path) for path in own):
                    reasons.append(_("%(person)s 是本单位人员") % {"person": person})
                elif any(unit.organization.path.startswith(path) for path in own):
                    reasons.append(_("%(person)s 所在单位管辖该单位") % {"person": person})
                elif (unit.pk, person.pk) in declared:
                    reasons.append(
                        _("%(person)s 申报回避(%(reason)s)")
                        % {"person": person, "reason": declared[(unit.pk, person.pk)]}
                    )
            if reasons:
                row[group.pk] = reasons
        result[unit.pk] = row
    return result


def _explain(unit: CampaignUnit, groups: Sequence[Group], why: dict[int, list[str]]) -> str:
    return "；".join(f"{g.name}:{'、'.join(why[g.pk])}" for g in groups if g.pk in why)


# -- groups -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInput:
    name: str
    leader: User
    members: Iterable[User]


@transaction.atomic
def save_group(*, campaign: Campaign, actor: Any, data: GroupInput, group: Group | None = None) -> Group:
    require_writable(campaign, error=InspectionError)
    _organizer(actor, campaign, _("只有组织者可以设置督查组"))
    name = _text(data.name, _("组名"), required=True, limit=100)
    allowed = {u.pk for u in people(campaign)}
    chosen = {u.pk: u for u in data.members}
    chosen[data.leader.pk] = data.leader
    if any(pk not in allowed for pk in chosen):
        raise InspectionError(_("组长和组员须是本局的审核人员或组织者"))
    clash = Group.objects.filter(campaign=campaign, name=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise InspectionError(_("已有名为“%(name)s”的督查组") % {"name": name})
    new = {"name": name, "leader": str(data.leader), "members": sorted(str(u) for u in chosen.values())}
    if group is None:
        number = (Group.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        group = Group.objects.create(campaign=campaign, number=number, name=name, leader=data.leader)
        old = None
        action = "inspection.group.create"
    else:
        old = {"name": group.name, "leader": str(group.leader), "members": sorted(str(u) for u in group.members.all())}
        group.name, group.leader = name, data.leader
        group.save()
        action = "inspection.group.update"
    group.members.set(list(chosen.values()))
    if old != new:
        _audit(campaign.pk, action, actor, "inspection_group", group.number, old=old, new=new)
    return group


# -- the checklist ----------------------------------------------------------------------------------


def plan_of(campaign: Campaign) -> Plan:
    found = Plan.objects.filter(campaign=campaign).first()
    return found if found is not None else Plan(campaign=campaign)


def scheme_items(campaign: Campaign, category: str) -> list[str]:
    """The first-level indicators of the unit's category in the campaign's scheme."""
    scheme = current_scheme(campaign)
    if scheme is None:
        return []
    try:
        components = [scheme.component(c) for c in scheme.category(category).components]
    except KeyError:
        return []
    return [f"{i.id} {i.name}" for c in components for i in c.indicators]


def checklist_for(assignment: Assignment) -> list[str]:
    custom = plan_of(assignment.campaign).checklist
    return list(custom) if custom else scheme_items(assignment.campaign, assignment.unit.category)


@transaction.atomic
def save_checklist(*, campaign: Campaign, actor: Any, text: str) -> Plan:
    require_writable(campaign, error=InspectionError)
    _organizer(actor, campaign, _("只有组织者可以设置检查项目"))
    lines = [line.strip()[:200] for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_CHECKLIST:
        raise InspectionError(_("检查项目最多 %(n)s 项") % {"n": MAX_CHECKLIST})
    plan, _created = Plan.objects.select_for_update().get_or_create(campaign=campaign)
    old = list(plan.checklist)
    plan.checklist = lines
    plan.save()
    _audit(campaign.pk, "inspection.checklist", actor, "campaign", campaign.pk, old=old or None, new=lines or None)
    return plan


# -- assignment -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    seed: str
    assignments: list[Assignment]


@transaction.atomic
def draw(*, campaign: Campaign, actor: Any, category: str = "", seed: str = "") -> DrawResult:
    """随机抽签 over every unit (or one category): replaces their assignments; refused when a unit's
    visit is recorded already, or when no draw can honour every recusal (naming the unit and why)."""
    require_writable(campaign, error=InspectionError)
    _organizer(actor, campaign, _("只有组织者可以抽签"))
    groups = list(Group.objects.filter(campaign=campaign).select_related("leader").prefetch_related("members"))
    if not groups:
        raise InspectionError(_("请先设置督查组"))
    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))
    if category:
        units = [u for u in units if u.category == category]
    if not units:
        raise InspectionError(_("没有可分配的参评单位"))
    recorded = Assignment.objects.filter(unit__in=units, started=True).select_related("unit__organization").first()
    if recorded is not None:
        raise InspectionError(_("%(unit)s 已有检查记录,不能重新抽签") % {"unit": recorded.unit.organization.name})
    why = blocked(campaign, units, groups)
    allowed = {u.pk: {g.pk for g in groups if g.pk not in why[u.pk]} for u in units}
    seed = seed or secrets.token_hex(8)
    outcome = drawing.draw([u.pk for u in units], [g.pk for g in groups], allowed, seed)
    by_pk = {u.pk: u for u in units}
    group_by_pk = {g.pk: g for g in groups}
    if isinstance(outcome, drawing.Unplaceable):
        unit = by_pk[int(str(outcome.unit))]
        if not outcome.allowed:
            raise InspectionError(
                _("%(unit)s 无法分配:每个督查组都有须回避的成员(%(why)s)")
                % {"unit": unit.organization.name, "why": _explain(unit, groups, why[unit.pk])}
            )
        names = "、".join(group_by_pk[int(str(g))].name for g in outcome.allowed)
        raise InspectionError(
            _(
                "%(unit)s 无法分配:只有 %(groups)s 可以检查该单位(%(why)s),"
                "而各组单位数相差不超过一个时这些组已分满。请调整督查组成员或改为人工分配"
            )
            % {"unit": unit.organization.name, "groups": names, "why": _explain(unit, groups, why[unit.pk])}
        )
    Assignment.objects.filter(unit__in=units).delete()
    made = []
    for unit in units:
        group = group_by_pk[int(str(outcome.groups[unit.pk]))]
        reason = _explain(unit, groups, why[unit.pk])
        made.append(
            Assignment.objects.create(
                campaign=campaign,
                unit=unit,
                group=group,
                drawn=True,
                reason=(_("已回避:") + reason)[:1000] if reason else "",
            )
        )
    plan, _created = Plan.objects.select_for_update().get_or_create(campaign=campaign)
    plan.draw_seed, plan.drawn_at, plan.drawn_by = seed, timezone.now(), actor
    plan.save()
    sizes = [f"{g.name} {sum(1 for a in made if a.group_id == g.pk)}" for g in groups]
    _audit(
        campaign.pk,
        "inspection.draw",
        actor,
        "campaign",
        campaign.pk,
        new={"seed": seed, "units": len(made), "groups": sizes, "category": category or None},
        reason=_("随机抽签,各组单位数相差不超过一个,须回避的组不检查该单位"),
    )
    return DrawResult(seed=seed, assignments=made)


@transaction.atomic
def assign(*, unit: CampaignUnit, actor: Any, group: Group | None) -> Assignment | None:
    """By hand: the unit to ``group`` (None: no group); refused when a member must recuse."""
    campaign = unit.campaign
    require_writable(campaign, error=InspectionError)
    _organizer(actor, campaign, _("只有组织者可以分配检查单位"))
    current = Assignment.objects.select_for_update().filter(unit=unit).first()
    if current is not None and current.started:
        raise InspectionError(_("%(unit)s 已有检查记录,不能改派") % {"unit": unit.organization.name})
    old = current.group.name if current else None
    if group is None:
        if current is not None:
            current.delete()
            _audit(campaign.pk, "inspection.assign", actor, "inspection_unit", unit.pk, old=old, new=None)
        return None
    if group.campaign_id != campaign.pk:
        raise InspectionError(_("请选择本次考核的督查组"))
    reasons = blocked(campaign, [unit], [group])[unit.pk].get(group.pk)
    if reasons:
        raise InspectionError(
            _("%(group)s 不能检查 %(unit)s:%(why)s")
            % {"group": group.name, "unit": unit.organization.name, "why": "、".join(reasons)}
        )
    if current is None:
        current = Assignment.objects.create(campaign=campaign, unit=unit, group=group, drawn=False)
    elif current.group_id != group.pk:
        current.group, current.drawn, current.reason = group, False, ""
        current.save()
    else:
        return current
    _audit(campaign.pk, "inspection.assign", actor, "inspection_unit", unit.pk, old=old, new=group.name)
    return current


def may_schedule(user: Any, assignment: Assignment) -> bool:
    return campaign_access(user, assignment.campaign).organizer or assignment.group.leader_id == getattr(
        user, "pk", None
    )


@transaction.atomic
def schedule(*, assignment: Assignment, actor: Any, planned_on: datetime.date | None) -> Assignment:
    locked = _locked(assignment)
    if not may_schedule(actor, locked):
        raise InspectionError(_("只有组织者或该组组长可以安排检查日期"))
    if locked.planned_on == planned_on:
        return locked
    old = locked.planned_on.isoformat() if locked.planned_on else None
    locked.planned_on = planned_on
    locked.save(update_fields=["planned_on"])
    _audit(
        locked.campaign_id,
        "inspection.schedule",
        actor,
        "inspection_unit",
        locked.unit_id,
        old=old,
        new=planned_on.isoformat() if planned_on else None,
    )
    return locked


# -- the record -------------------------------------------------------------------------------------


def _locked(assignment: Assignment) -> Assignment:
    require_writable(assignment.campaign_id, error=InspectionError)
    return (
        Assignment.objects.select_for_update()
        .select_related("campaign", "group__leader", "unit__organization")
        .get(pk=assignment.pk)
    )


def _writable_record(locked: Assignment, actor: Any) -> None:
    if not is_member(actor, locked.group):
        raise InspectionError(_("只有%(group)s的成员可以填写该单位的检查记录") % {"group": locked.group.name})
    if locked.submitted:
        raise InspectionError(_("检查记录已提交,不能再修改;如需修改请组织者退回"))


@dataclass(frozen=True)
class CheckInput:
    verdict: str
    note: str = ""


@transaction.atomic
def save_record(
    *,
    assignment: Assignment,
    actor: Any,
    visited_on: datetime.date | None,
    checks: Sequence[CheckInput],
    comment: str,
) -> Assignment:
    locked = _locked(assignment)
    _writable_record(locked, actor)
    labels = checklist_for(locked)
    if len(checks) != len(labels):
        raise InspectionError(_("检查项目已变更,请刷新页面后重新填写"))
    if visited_on is not None and visited_on > timezone.localdate():
        raise InspectionError(_("检查日期不能晚于今天"))
    rows = []
    for label, check in zip(labels, checks, strict=True):
        if check.verdict and check.verdict not in Verdict.values:
            raise InspectionError(_("请为“%(item)s”选择符合、基本符合或不符合") % {"item": label})
        rows.append(
            {"label": label, "verdict": check.verdict, "note": _text(check.note, label, required=False, limit=1000)}
        )
    comment = _text(comment, _("点评"), required=False)
    old = {
        "visited_on": locked.visited_on.isoformat() if locked.visited_on else None,
        "checks": locked.checks,
        "comment": locked.comment,
    }
    new = {"visited_on": visited_on.isoformat() if visited_on else None, "checks": rows, "comment": comment}
    if old == new:
        return locked
    locked.visited_on, locked.checks, locked.comment, locked.started = visited_on, rows, comment, True
    locked.version += 1
    locked.save()
    done = sum(1 for r in rows if r["verdict"])
    _audit(
        locked.campaign_id,
        "inspection.record.save",
        actor,
        "inspection_unit",
        locked.unit_id,
        new={"visited_on": new["visited_on"], "checked": f"{done}/{len(rows)}", "comment": bool(comment)},
    )
    return locked


@transaction.atomic
def add_photo(*, assignment: Assignment, actor: Any, upload: object, original_name: str) -> Photo:
    """A photo as evidence, checked by content like every upload (kaoping.evidence)."""
    locked = _locked(assignment)
    _writable_record(locked, actor)
    stored, facts = uploads.store_upload(upload, original_name)
    try:
        if not facts.content_type.startswith("image/") and facts.content_type != "application/pdf":
            raise InspectionError(_("现场照片请上传 JPG、PNG 或 WebP 图片(或 PDF)"))
        photo = Photo.objects.create(
            assignment=locked,
            name=facts.original_name,
            stored=stored,
            content_type=facts.content_type,
            sha256=facts.sha256,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        Assignment.objects.filter(pk=locked.pk).update(started=True)
        _audit(locked.campaign_id, "inspection.photo", actor, "inspection_unit", locked.unit_id, new=photo.name)
    except BaseException:
        uploads.stored_path(stored).unlink(missing_ok=True)
        raise
    return photo


@transaction.atomic
def add_finding(*, assignment: Assignment, actor: Any, text: str) -> Finding:
    locked = _locked(assignment)
    _writable_record(locked, actor)
    text = _text(text, _("发现的问题"), required=True)
    number = (locked.findings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding.objects.create(
        assignment=locked, number=number, text=text, created_by=actor, created_at=timezone.now()
    )
    Assignment.objects.filter(pk=locked.pk).update(started=True)
    _audit(locked.campaign_id, "inspection.finding", actor, "inspection_unit", locked.unit_id, new=number, reason=text)
    return finding


@transaction.atomic
def finding_to_problem(*, finding: Finding, actor: Any) -> Problem:
    """One click: the finding becomes a problem in the 问题清单 (source 督查检查), linked back."""
    locked = _locked(finding.assignment)
    if not (is_member(actor, locked.group) or campaign_access(actor, locked.campaign).organizer):
        raise InspectionError(_("只有该督查组成员或组织者可以把问题登记为整改问题"))
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.problem_id is not None:
        raise InspectionError(_("该问题已登记为整改问题"))
    on = locked.visited_on or timezone.localdate()
    try:
        problem = rectification.create(
            unit=locked.unit,
            actor=actor,
            data=rectification.ProblemInput(
                description=finding.text,
                source=Source.INSPECTION,
                source_note=_("%(on)s %(group)s督查检查") % {"on": on.isoformat(), "group": locked.group.name},
            ),
        )
    except rectification.RectificationError as error:
        raise InspectionError(*error.messages) from None
    finding.problem = problem
    finding.save(update_fields=["problem"])
    _audit(
        locked.campaign_id,
        "inspection.finding.problem",
        actor,
        "inspection_unit",
        locked.unit_id,
        new={"finding": finding.number, "problem": problem.number},
    )
    return problem


@transaction.atomic
def submit(*, assignment: Assignment, actor: Any) -> Assignment:
    locked = _locked(assignment)
    if locked.group.leader_id != getattr(actor, "pk", None):
        raise InspectionError(_("只有%(group)s组长可以提交检查记录") % {"group": locked.group.name})
    if locked.submitted:
        raise InspectionError(_("检查记录已提交"))
    missing = []
    if locked.visited_on is None:
        missing.append(_("检查日期"))
    labels = checklist_for(locked)
    if [row.get("label") for row in locked.checks] != labels or any(not row.get("verdict") for row in locked.checks):
        missing.append(_("每个检查项目的结论"))
    if not locked.comment.strip():
        missing.append(_("点评"))
    if missing:
        raise InspectionError(_("提交前请填写:%(what)s") % {"what": "、".join(missing)})
    locked.state, locked.submitted_at, locked.submitted_by = RecordState.SUBMITTED, timezone.now(), actor
    locked.version += 1
    locked.save()
    _audit(
        locked.campaign_id,
        "inspection.record.submit",
        actor,
        "inspection_unit",
        locked.unit_id,
        old="draft",
        new="submitted",
    )
    return locked


@transaction.atomic
def reopen(*, assignment: Assignment, actor: Any, reason: str) -> Assignment:
    locked = _locked(assignment)
    _organizer(actor, locked.campaign, _("只有组织者可以退回检查记录"))
    if not locked.submitted:
        raise InspectionError(_("检查记录尚未提交"))
    reason = _text(reason, _("退回原因"), required=True, limit=300)
    locked.state, locked.submitted_at, locked.submitted_by = RecordState.DRAFT, None, None
    locked.version += 1
    locked.save()
    _audit(
        locked.campaign_id,
        "inspection.record.reopen",
        actor,
        "inspection_unit",
        locked.unit_id,
        old="submitted",
        new="draft",
        reason=reason,
    )
    return locked
