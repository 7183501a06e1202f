"""Every write to targets and key tasks: checked, in one transaction, refused on an archived
campaign, and audited on the campaign's chain with the target's or task's name in the field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.readonly import require_writable
from kaoping.evidence import uploads
from kaoping.goals.models import KeyTask, Milestone, Target, TargetReport, TaskArea, TaskReport, TaskStatus
from kaoping.orgs.models import Department

MAX_TEXT = 4000
MAX_VALUE = Decimal("1e15")


class GoalError(Exception):
    """A refused write; ``messages`` are Chinese and say what is wrong."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def _chain(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# -- targets -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetFields:
    name: str
    measure: str
    target_value: Decimal
    area: str = ""
    unit: CampaignUnit | None = None
    department: Department | None = None
    source: str = ""


def _check_target(campaign: Campaign, fields: TargetFields) -> None:
    problems = []
    if not fields.name.strip():
        problems.append(_("请填写目标任务名称"))
    if not fields.measure.strip():
        problems.append(_("请填写计量单位,例如 万元、所、%、人"))
    if fields.target_value <= 0 or fields.target_value >= MAX_VALUE:
        problems.append(_("目标值须大于 0 且小于 10 的 15 次方"))
    if (fields.unit is None) == (fields.department is None):
        problems.append(_("请选择一个责任单位或一个责任处室(二者选一)"))
    if fields.unit is not None and fields.unit.campaign_id != campaign.pk:
        problems.append(_("责任单位不在本考核活动中"))
    if fields.department is not None and fields.department.bureau_id != campaign.owner_id:
        problems.append(_("责任处室不属于本考核的组织单位"))
    if problems:
        raise GoalError(*problems)


def _target_values(target: Target) -> dict[str, Any]:
    return {
        "name": target.name,
        "measure": target.measure,
        "target_value": _text(target.target_value),
        "responsible": target.owner_name,
        "category": target.area,
    }


@transaction.atomic
def target_save(*, campaign: Campaign, actor: Any, fields: TargetFields, target: Target | None = None) -> Target:
    """Create a target (``target`` None; numbered next) or change one."""
    require_writable(campaign, error=GoalError)
    _check_target(campaign, fields)
    old = None
    if target is None:
        number = (Target.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        target = Target(campaign=campaign, number=number)
    else:
        old = _target_values(target)
    target.name = fields.name.strip()
    target.measure = fields.measure.strip()
    target.target_value = fields.target_value
    target.area = fields.area.strip()
    target.unit = fields.unit
    target.department = fields.department
    target.source = fields.source.strip()
    target.save()
    new = _target_values(target)
    audit_record(
        chain=_chain(campaign.pk),
        action="goal.target.update" if old else "goal.target.create",
        object_type="goal_target",
        object_id=target.number,
        actor=actor,
        field=f"target[{target.name}]",
        old=old,
        new=new,
    )
    return target


def _store(upload: object | None, original_name: str) -> tuple[str, Any]:
    if upload is None:
        return "", None
    try:
        return uploads.store_upload(upload, original_name)
    except uploads.UploadRejected as rejected:
        raise GoalError(str(rejected)) from None


@transaction.atomic
def target_report(
    *,
    target: Target,
    actor: Any,
    on: date,
    done: Decimal | None,
    stated_rate: Decimal | None = None,
    note: str = "",
    upload: object | None = None,
    original_name: str = "",
) -> TargetReport:
    """A dated report of what is done. A blank figure stays blank (未报送), never 0."""
    require_writable(target.campaign_id, error=GoalError)
    problems = []
    if done is not None and (done < 0 or done >= MAX_VALUE):
        problems.append(_("完成值须为 0 或正数,且小于 10 的 15 次方"))
    if stated_rate is not None and not (0 <= stated_rate <= 1000):
        problems.append(_("报送的完成率须在 0 至 1000 之间"))
    if len(note) > MAX_TEXT:
        problems.append(_("说明最多 %(n)s 个字") % {"n": MAX_TEXT})
    if problems:
        raise GoalError(*problems)
    stored, facts = _store(upload, original_name)
    try:
        report = TargetReport.objects.create(
            target=target,
            on=on,
            done=done,
            stated_rate=stated_rate,
            note=note.strip(),
            evidence_name=facts.original_name if facts else "",
            evidence_stored=stored,
            evidence_type=facts.content_type if facts else "",
            evidence_sha256=facts.sha256 if facts else "",
            reported_by=actor,
            reported_at=timezone.now(),
        )
        audit_record(
            chain=_chain(target.campaign_id),
            action="goal.target.report",
            object_type="goal_target",
            object_id=target.number,
            actor=actor,
            field=f"target[{target.name}]",
            new={
                "on": on.isoformat(),
                "done": _text(done),
                "stated_rate": _text(stated_rate),
                "evidence": facts.original_name if facts else "",
            },
            reason=report.note,
        )
    except BaseException:
        if stored:
            uploads.stored_path(stored).unlink(missing_ok=True)
        raise
    return report


# -- key tasks ---------------------------------------------------------------------------------------


@transaction.atomic
def area_save(*, campaign: Campaign, actor: Any, number: int, name: str) -> TaskArea:
    require_writable(campaign, error=GoalError)
    name = name.strip()
    if not name:
        raise GoalError(_("请填写领域名称"))
    area, _created = TaskArea.objects.update_or_create(campaign=campaign, number=number, defaults={"name": name})
    audit_record(
        chain=_chain(campaign.pk),
        action="goal.area.save",
        object_type="goal_area",
        object_id=number,
        actor=actor,
        field=f"area[{name}]",
        new={"name": name},
    )
    return area


@dataclass(frozen=True)
class TaskFields:
    area: TaskArea
    title: str
    lead: Department
    supporting: tuple[Department, ...] = ()
    description: str = ""
    due_on: date | None = None
    status: str = TaskStatus.NOT_STARTED


def _task_values(task: KeyTask, supporting: tuple[Department, ...] | list[Department]) -> dict[str, Any]:
    return {
        "area": task.area.name,
        "title": task.title,
        "lead": task.lead.name,
        "supporting": [d.name for d in supporting],
        "due": task.due_on.isoformat() if task.due_on else None,
        "status": task.status,
    }


@transaction.atomic
def task_save(*, campaign: Campaign, actor: Any, fields: TaskFields, task: KeyTask | None = None) -> KeyTask:
    """Create a key task (numbered next through the year) or change one."""
    require_writable(campaign, error=GoalError)
    problems = []
    if not fields.title.strip():
        problems.append(_("请填写重点工作名称"))
    if fields.area.campaign_id != campaign.pk:
        problems.append(_("所选领域不在本考核活动中"))
    for department in (fields.lead, *fields.supporting):
        if department.bureau_id != campaign.owner_id:
            problems.append(_("处室“%(name)s”不属于本考核的组织单位") % {"name": department.name})
    if fields.lead in fields.supporting:
        problems.append(_("牵头处室不必再列为配合处室"))
    if fields.status not in TaskStatus.values:
        problems.append(_("请选择状态"))
    if len(fields.description) > MAX_TEXT:
        problems.append(_("工作内容最多 %(n)s 个字") % {"n": MAX_TEXT})
    if problems:
        raise GoalError(*problems)
    old = None
    if task is None:
        number = (KeyTask.objects.filter(area__campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        task = KeyTask(number=number)
    else:
        old = _task_values(task, list(task.supporting.all()))
    task.area = fields.area
    task.title = fields.title.strip()
    task.description = fields.description.strip()
    task.lead = fields.lead
    task.due_on = fields.due_on
    task.status = fields.status
    task.save()
    task.supporting.set(fields.supporting)
    audit_record(
        chain=_chain(campaign.pk),
        action="goal.task.update" if old else "goal.task.create",
        object_type="key_task",
        object_id=task.number,
        actor=actor,
        field=f"task[{task.number}. {task.title}]",
        old=old,
        new=_task_values(task, fields.supporting),
    )
    return task


@transaction.atomic
def task_report(
    *,
    task: KeyTask,
    actor: Any,
    on: date,
    text: str,
    status: str,
    upload: object | None = None,
    original_name: str = "",
) -> TaskReport:
    """Progress with evidence; the task takes the status reported."""
    campaign_id = task.area.campaign_id
    require_writable(campaign_id, error=GoalError)
    text = text.strip()
    problems = []
    if not text:
        problems.append(_("请填写进展情况"))
    if len(text) > MAX_TEXT:
        problems.append(_("进展情况最多 %(n)s 个字") % {"n": MAX_TEXT})
    if status not in TaskStatus.values:
        problems.append(_("请选择状态"))
    if problems:
        raise GoalError(*problems)
    stored, facts = _store(upload, original_name)
    try:
        report = TaskReport.objects.create(
            task=task,
            on=on,
            text=text,
            status=status,
            evidence_name=facts.original_name if facts else "",
            evidence_stored=stored,
            evidence_type=facts.content_type if facts else "",
            evidence_sha256=facts.sha256 if facts else "",
            reported_by=actor,
            reported_at=timezone.now(),
        )
        old_status = task.status
        KeyTask.objects.filter(pk=task.pk).update(status=status)
        task.status = status
        audit_record(
            chain=_chain(campaign_id),
            action="goal.task.report",
            object_type="key_task",
            object_id=task.number,
            actor=actor,
            field=f"task[{task.number}. {task.title}]",
            old={"status": old_status},
            new={"on": on.isoformat(), "status": status, "evidence": facts.original_name if facts else ""},
            reason=text,
        )
    except BaseException:
        if stored:
            uploads.stored_path(stored).unlink(missing_ok=True)
        raise
    return report


@transaction.atomic
def milestone_add(*, task: KeyTask, actor: Any, name: str, due_on: date) -> Milestone:
    campaign_id = task.area.campaign_id
    require_writable(campaign_id, error=GoalError)
    name = name.strip()
    if not name:
        raise GoalError(_("请填写节点名称"))
    if len(name) > 200:
        raise GoalError(_("节点名称最多 200 个字"))
    milestone = Milestone.objects.create(task=task, name=name, due_on=due_on)
    audit_record(
        chain=_chain(campaign_id),
        action="goal.milestone.add",
        object_type="key_task",
        object_id=task.number,
        actor=actor,
        field=f"task[{task.number}. {task.title}]",
        new={"milestone": name, "due": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_done(*, milestone: Milestone, actor: Any, done_on: date | None) -> Milestone:
    """Tick a milestone off on ``done_on`` (None: undo)."""
    task = milestone.task
    campaign_id = task.area.campaign_id
    require_writable(campaign_id, error=GoalError)
    old = milestone.done_on
    Milestone.objects.filter(pk=milestone.pk).update(done_on=done_on)
    milestone.done_on = done_on
    audit_record(
        chain=_chain(campaign_id),
        action="goal.milestone.done" if done_on else "goal.milestone.undone",
        object_type="key_task",
        object_id=task.number,
        actor=actor,
        field=f"task[{task.number}. {task.title}]",
        old={"milestone": milestone.name, "done_on": old.isoformat() if old else None},
        new={"milestone": milestone.name, "done_on": done_on.isoformat() if done_on else None},
    )
    return milestone
