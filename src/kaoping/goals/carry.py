"""What goals carries into next year's campaign (``campaigns.hooks.carry_over``): every key task not
finished (已完成), in its area, with its departments, status and open milestones. Targets are a
year's own and are not carried; last year's reports stay with last year's tasks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign
from kaoping.goals.models import KeyTask, Milestone, TaskArea, TaskStatus


def carry_unfinished_tasks(previous: Campaign, campaign: Campaign, actor: Any) -> list[str]:
    unfinished = list(
        KeyTask.objects.filter(area__campaign=previous)
        .exclude(status=TaskStatus.DONE)
        .select_related("area")
        .prefetch_related("supporting", "milestones")
        .order_by("area__number", "number")
    )
    areas: dict[int, TaskArea] = {}
    for task in unfinished:
        area = areas.get(task.area.number)
        if area is None:
            area = areas[task.area.number] = TaskArea.objects.create(
                campaign=campaign, number=task.area.number, name=task.area.name
            )
        _carry(task, area, previous, actor)
    return [_("结转未完成的重点工作 %(count)s 项") % {"count": len(unfinished)}] if unfinished else []


def _carry(task: KeyTask, area: TaskArea, previous: Campaign, actor: Any) -> None:
    new = KeyTask.objects.create(
        area=area,
        number=task.number,
        title=task.title,
        description=task.description,
        lead_id=task.lead_id,
        status=task.status,
        due_on=task.due_on,
        carried_from=task,
    )
    new.supporting.set(task.supporting.all())
    Milestone.objects.bulk_create(
        Milestone(task=new, name=m.name, due_on=m.due_on) for m in task.milestones.all() if m.done_on is None
    )
    audit_record(
        chain=f"campaign:{area.campaign_id}",
        action="goal.task.create",
        object_type="key_task",
        object_id=new.number,
        actor=actor,
        field=f"task[{new.number}. {new.title}]",
        new={"area": area.name, "title": new.title, "status": new.status},
        reason=_("由“%(name)s”重点工作 %(number)s 结转(未完成)") % {"name": previous.name, "number": task.number},
    )
