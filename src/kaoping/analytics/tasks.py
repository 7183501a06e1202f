"""The analysis of a campaign, run by a task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from kaoping.analytics import services
from kaoping.campaigns.models import Campaign
from kaoping.jobs import services as jobs


@task
def compute_analysis(job_id: int) -> None:
    def work(progress: jobs.Progress) -> dict[str, object]:
        campaign = Campaign.objects.get(pk=progress.params["campaign"])
        stored = services.compute_and_store(campaign, lambda done, total, step: progress.advance(done, total, step))
        return {"version": stored.version, "seconds": round(stored.seconds, 3)}

    jobs.run(job_id, work)
