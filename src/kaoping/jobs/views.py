"""A job's page and progress bar for the person who started it, and its retry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kaoping.jobs import selectors, services


@login_required
@require_GET
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job(request.user, job_id)
    # on its own page the title is the heading, so the bar (and its polls) leave it out
    poll_url = reverse("jobs:progress", args=[job.pk]) + "?in_page=1"
    return render(request, "jobs/job.html", {**progress_context(job, poll_url=poll_url), "in_page": True})


@login_required
@require_GET
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The bar alone, polled by htmx until the job ends (then it shows the outcome or the error)."""
    job = selectors.own_job(request.user, job_id)
    in_page = bool(request.GET.get("in_page"))
    poll_url = reverse("jobs:progress", args=[job.pk]) + ("?in_page=1" if in_page else "")
    return render(request, "jobs/_progress.html", {**progress_context(job, poll_url=poll_url), "in_page": in_page})


@login_required
@require_POST
def job_retry(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job(request.user, job_id)
    try:
        job = services.retry(job)
    except services.JobError:
        raise Http404 from None
    return redirect("jobs:job", job.pk)


def progress_context(job: object, *, poll_url: str = "", retry_url: str = "") -> dict[str, object]:
    """What jobs/_progress.html needs; pages that show their own jobs pass their own URLs."""
    pk = getattr(job, "pk", None)
    return {
        "job": job,
        "poll_url": poll_url or (reverse("jobs:progress", args=[pk]) if pk else ""),
        "retry_url": retry_url or (reverse("jobs:retry", args=[pk]) if pk else ""),
    }
