"""目标任务完成情况表 (and, for the bureau's people, 重点工作推进情况表) as an Excel download: what the
overview page shows to the same viewer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.models import Campaign
from kaoping.formats.filing_xlsx import Heading
from kaoping.formats.goals_xlsx import TargetLine, TaskLine, goals_workbook
from kaoping.goals import access as goal_access
from kaoping.goals import selectors
from kaoping.goals.selectors import TargetRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _target_line(row: TargetRow) -> TargetLine:
    target, rate = row.target, row.rate
    return TargetLine(
        number=target.number,
        area=target.area,
        name=target.name,
        owner=target.owner_name,
        measure=target.measure,
        target=target.target_value,
        done=rate.done,
        rate=rate.rate,
        stated=rate.stated,
        on=str(rate.on) if rate.on else "",  # a date: its ISO text
    )


def _task_lines(campaign: Campaign) -> list[TaskLine]:
    lines = []
    for block in selectors.task_blocks(campaign):
        for task in block.tasks:
            marks = [m.done_on for m in selectors.milestones(task)]
            lines.append(
                TaskLine(
                    number=task.number,
                    area=f"{block.area.number}. {block.area.name}",
                    title=task.title,
                    lead=task.lead.name,
                    supporting="、".join(d.name for d in task.supporting.all()),
                    status=str(task.get_status_display()),
                    milestones=f"{sum(1 for m in marks if m is not None)}/{len(marks)}" if marks else "",
                    due=task.due_on.isoformat() if task.due_on else "",
                    late=selectors.overdue_task(task),
                )
            )
    return lines


@login_required
@require_GET
def goals_xlsx(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign, access = campaign_for(request.user, campaign_id)
    targets = [_target_line(row) for row in selectors.target_rows(campaign, access)]
    tasks = _task_lines(campaign) if goal_access.sees_bureau(access) else None
    today = timezone.localdate()
    heading = Heading(
        campaign=campaign.name,
        bureau=campaign.owner.name,
        date=f"{today.year}年{today.month}月{today.day}日",
        version="",
    )
    response = HttpResponse(goals_workbook(heading, campaign.name, targets, tasks), content_type=XLSX)
    name = f"{campaign.name}目标任务与重点工作.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or ""
    response["Cache-Control"] = "private, no-store"
    return response
