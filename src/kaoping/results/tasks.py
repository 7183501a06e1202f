"""The standings recompute, run by a task worker (``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task

from kaoping.campaigns.models import Campaign
from kaoping.jobs import services as jobs
from kaoping.results import compute


@task
def recompute_standings(job_id: int) -> None:
    def work(progress: jobs.Progress) -> dict[str, object]:
        campaign = Campaign.objects.get(pk=progress.params["campaign"])
        state = compute.recompute(campaign, lambda done, total, step: progress.advance(done, total, step))
        progress.advance(len(state.units), len(state.units), "", force=True)
        return {"version": state.version.key, "seconds": round(state.seconds, 3)}

    jobs.run(job_id, work)
