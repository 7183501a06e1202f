from __future__ import annotations

from django.http import Http404

from kaoping.jobs.models import Job


def own_job(user: object, job_id: int) -> Job:
    """A job the user started, or 404 (a job's parameters and errors are its starter's business)."""
    job = Job.objects.filter(pk=job_id, created_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    return job
