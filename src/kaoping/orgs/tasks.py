"""Importing units and users from an Excel file, run by a task worker: hashing each initial
password takes a noticeable fraction of a second, so a county's few hundred users take minutes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.jobs import services as jobs
from kaoping.orgs import imports, services
from kaoping.orgs.models import Organization, User


@task
def import_orgs(job_id: int) -> None:
    jobs.run(job_id, _import)


def _import(progress: jobs.Progress) -> dict[str, Any]:
    params = progress.params
    bureau = Organization.objects.get(pk=params["bureau"])
    actor = User.objects.filter(pk=params["actor"]).first()
    try:
        with transaction.atomic():  # every row or none
            preview = imports.apply(
                params["rows"], bureau=bureau, actor=actor, progress=lambda done, total: progress.advance(done, total)
            )
    except (imports.ImportFileError, services.OrgError) as error:
        raise jobs.JobError(_("未导入任何数据:") + ";".join(error.messages)) from error
    summary = _("导入完成:单位 %(units)d 个,用户 %(users)d 个") % {
        "units": len(preview.units),
        "users": len(preview.users),
    }
    return {"summary": summary, "next": reverse("orgs:tree"), "next_label": _("查看单位与用户")}
