"""Every unit's self-evaluation report in one zip, built by a task worker with a progress bar.

The zip goes to ``MEDIA_ROOT/documents/campaign-<id>/`` (the private storage evidence files use,
never served as static files); ``documents.views.batch_download`` hands it only to the campaign's
organizers and leaders. Older zips of the same campaign are removed when their job is gone
(``jobs`` keeps the last few finished jobs per key).
"""

from __future__ import annotations

import gc
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.documents import selfreport
from kaoping.jobs import services as jobs
from kaoping.jobs.models import Job


def batch_dir(campaign_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "documents" / f"campaign-{campaign_id}"


def batch_path(campaign_id: int, job_id: int) -> Path:
    return batch_dir(campaign_id) / f"reports-{job_id}.zip"


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in text).strip() or "unit"


@task
def build_reports_zip(job_id: int) -> None:
    jobs.run(job_id, _build)


def _build(progress: jobs.Progress) -> dict[str, Any]:
    params = progress.params
    campaign = Campaign.objects.select_related("owner").get(pk=params["campaign"])
    kind = params["kind"]
    units = list(
        CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("organization__name")
    )
    for unit in units:
        unit.campaign = campaign  # one campaign object: its scheme is parsed once for every unit
    batch = selfreport.Batch.load(campaign)
    # the 1,000s of entries just read live until the end: keep the garbage collector from walking
    # them again on every collection the writers' many short-lived objects set off
    gc.freeze()
    try:
        return _write(progress, campaign, kind, units, batch)
    finally:
        gc.unfreeze()


def _write(
    progress: jobs.Progress, campaign: Campaign, kind: str, units: list[CampaignUnit], batch: selfreport.Batch
) -> dict[str, Any]:
    from kaoping.documents import docx_writer, pdf_writer  # only in a worker making files, never at start-up

    render = docx_writer.to_docx if kind == "docx" else pdf_writer.to_pdf
    target = batch_path(campaign.pk, progress.job.pk)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    skipped: list[str] = []
    names: set[str] = set()
    # stored, not deflated: a .docx is a zip already and a PDF compresses its own streams
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, unit in enumerate(units):
            progress.advance(done, len(units), unit.organization.name)
            try:
                document = selfreport.self_report(unit, batch=batch)
            except selfreport.ReportError:
                skipped.append(unit.organization.name)
                continue
            name = _safe_name(unit.organization.name)
            if name in names:
                name = f"{name}-{unit.pk}"
            names.add(name)
            archive.writestr(f"{name}-自评报告.{kind}", render(document))
    partial.replace(target)
    _forget_old(campaign.pk)
    summary = _("已生成 %(n)d 个单位的自评报告(%(kind)s)。") % {
        "n": len(units) - len(skipped),
        "kind": "Word" if kind == "docx" else "PDF",
    }
    if skipped:
        summary += _("未生成:%(names)s。") % {"names": "、".join(skipped[:10])}
    return {
        "summary": summary,
        "next": reverse("documents:batch_download", args=[campaign.pk, progress.job.pk]),
        "next_label": _("下载 zip 压缩包"),
    }


def _forget_old(campaign_id: int) -> None:
    """Zips whose job no longer exists (jobs keeps the last few per key) are removed."""
    folder = batch_dir(campaign_id)
    kept = set(Job.objects.filter(key__startswith=f"documents:{campaign_id}:").values_list("pk", flat=True))
    for path in folder.glob("reports-*.zip"):
        job_id = path.stem.removeprefix("reports-")
        if job_id.isdigit() and int(job_id) not in kept:
            path.unlink(missing_ok=True)
