"""Queue, run and report background jobs (see models.Job).

``request`` is the one way in: at most one job per key is queued or running. A request while the
job is queued adds nothing (the queued run will read the newest data); a request while it runs
makes it run once more when this pass ends. ``run`` is what a task function calls: it claims the
job, hands the work a ``Progress``, and records the outcome or a Chinese error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kaoping.jobs.models import Job, JobState

log = logging.getLogger(__name__)

# A running job whose worker has not reported for this long is taken as lost (the worker died):
# the next request starts it again.
ABANDONED_AFTER = timedelta(minutes=5)
# Progress is written at most this often (seconds): a bar, not a log.
PROGRESS_EVERY = 0.5


class JobError(Exception):
    """A failure whose message (Chinese, naming what and where) is shown to the user as is."""


def latest(key: str) -> Job | None:
    return Job.objects.filter(key=key).order_by("-pk").first()


def abandoned(job: Job) -> bool:
    """A running job whose worker stopped reporting (it died)."""
    seen = job.heartbeat_at or job.started_at or job.created_at
    return job.state == JobState.RUNNING and seen < timezone.now() - ABANDONED_AFTER


def request(key: str, title: str, task: Task, *, params: dict[str, Any] | None = None, user: Any = None) -> Job:
    """The job for ``key``: the one queued or running, else a new one handed to the task queue."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(key=key).order_by("-pk").first()
        if job is not None and job.state == JobState.QUEUED:
            return job
        if job is not None and job.state == JobState.RUNNING and not abandoned(job):
            Job.objects.filter(pk=job.pk).update(again=True)
            return job
        if job is not None and job.state == JobState.RUNNING:
            Job.objects.filter(pk=job.pk).update(
                state=JobState.FAILED, error=_("后台任务进程中断,已重新开始。"), finished_at=timezone.now()
            )
        job = Job.objects.create(
            key=key, title=title, task_path=task.module_path, params=params or {}, created_by=_user(user)
        )
        # In the same transaction: the worker sees the task exactly when it sees the job.
        task.enqueue(job.pk)
    job.refresh_from_db()  # an inline backend (tests) has run it already
    return job


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def retry(job: Job) -> Job:
    """Run a failed job again with the same parameters."""
    if job.state != JobState.FAILED:
        raise JobError(_("只有失败的任务可以重试。"))
    task: Task = import_string(job.task_path)
    return request(job.key, job.title, task, params=job.params, user=job.created_by)


class Progress:
    """What the work reports while it runs; written to the job row at most every PROGRESS_EVERY s."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._written = 0.0

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.job.params
        return params

    def advance(self, done: int, total: int, step: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < PROGRESS_EVERY:
            return
        self._written = now
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total, step=step[:200], heartbeat_at=timezone.now())


Work = Callable[[Progress], dict[str, Any] | None]


def run(job_id: int, work: Work) -> None:
    """Claim the job and do the work, again while requests arrived meanwhile; record how it ended."""
    job = _claim(job_id)
    if job is None:
        return
    while True:
        try:
            outcome = work(Progress(job)) or {}
        except Exception as error:
            _fail(job, error)
            raise
        if not _finish_or_again(job, outcome):
            return


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return None  # retried or superseded meanwhile
        now = timezone.now()
        job.state, job.started_at, job.heartbeat_at, job.again = JobState.RUNNING, now, now, False
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "heartbeat_at", "again", "attempts"])
    return job


def _finish_or_again(job: Job, outcome: dict[str, Any]) -> bool:
    """True: another request came while running, so run once more."""
    with transaction.atomic():
        again = Job.objects.select_for_update().filter(pk=job.pk).values_list("again", flat=True).first()
        now = timezone.now()
        if again:
            Job.objects.filter(pk=job.pk).update(again=False, heartbeat_at=now)
            return True
        Job.objects.filter(pk=job.pk).update(
            state=JobState.DONE, finished_at=now, heartbeat_at=now, outcome=outcome, done=F("total")
        )
    _prune(job.key)
    return False


# Finished jobs kept per key (a campaign's recomputes add up to thousands a year).
KEEP_FINISHED = 5


def _prune(key: str) -> None:
    finished = Job.objects.filter(key=key, state=JobState.DONE).order_by("-pk").values_list("pk", flat=True)
    old = list(finished[KEEP_FINISHED:])
    if old:
        Job.objects.filter(pk__in=old).delete()


def _fail(job: Job, error: Exception) -> None:
    if isinstance(error, JobError):
        message = str(error)
    else:
        log.exception("background job %s (%s) failed", job.pk, job.title)
        message = _("“%(title)s”执行出错,未能完成。可以重试;如仍失败,请联系系统管理员查看后台任务日志。") % {
            "title": job.title
        }
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=message, finished_at=timezone.now(), again=False)
