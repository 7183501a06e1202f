"""Background jobs: one per key, re-run when asked while running, lost workers noticed, failures kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from kaoping.jobs import services
from kaoping.jobs.models import Job, JobState

RUNS: list[int] = []


@task
def count_runs(job_id: int) -> None:
    services.run(job_id, lambda progress: RUNS.append(job_id) or {"summary": "好了"})


@task
def always_fails(job_id: int) -> None:
    def work(progress: services.Progress) -> None:
        raise services.JobError("第 3 行:单位代码重复")

    services.run(job_id, work)


@pytest.fixture(autouse=True)
def _no_runs() -> None:
    RUNS.clear()


queued = count_runs.using(backend="queue_only")


def test_a_second_request_while_queued_is_the_same_job(db: Any) -> None:
    first = services.request("k", "任务", queued)
    assert services.request("k", "任务", queued).pk == first.pk
    assert Job.objects.count() == 1


def test_a_request_while_running_runs_the_work_once_more(db: Any) -> None:
    job = services.request("k", "任务", queued)
    calls: list[int] = []

    def work(progress: services.Progress) -> None:
        calls.append(1)
        if len(calls) == 1:
            services.request("k", "任务", queued)  # a change arrives while it runs

    services.run(job.pk, work)
    assert len(calls) == 2
    assert Job.objects.get(pk=job.pk).state == JobState.DONE
    assert Job.objects.count() == 1


def test_a_running_job_whose_worker_went_silent_is_replaced(db: Any) -> None:
    job = services.request("k", "任务", queued)
    silent = timezone.now() - services.ABANDONED_AFTER - timedelta(seconds=1)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat_at=silent)
    fresh = services.request("k", "任务", queued)
    assert fresh.pk != job.pk and fresh.state == JobState.QUEUED
    lost = Job.objects.get(pk=job.pk)
    assert lost.state == JobState.FAILED and "中断" in lost.error


def test_a_failure_keeps_its_chinese_message_and_only_a_failed_job_can_be_retried(db: Any) -> None:
    job = services.request("k", "导入", always_fails)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "第 3 行:单位代码重复"
    with pytest.raises(services.JobError):
        services.retry(services.request("other", "任务", queued))
    again = services.retry(job)
    assert again.pk != job.pk and again.state == JobState.FAILED  # it fails the same way, as a new job


@task
def broken(job_id: int) -> None:
    services.run(job_id, lambda progress: {"ratio": 1 / 0})


def test_an_unexpected_error_is_told_without_internals(db: Any) -> None:
    job = services.request("k", "计算", broken)
    job.refresh_from_db()
    assert "执行出错" in job.error and "ZeroDivision" not in job.error and "division" not in job.error


def test_finished_jobs_are_pruned_to_the_last_few_per_key(db: Any) -> None:
    for _ in range(services.KEEP_FINISHED + 3):
        services.request("k", "任务", count_runs)
    assert Job.objects.filter(key="k").count() == services.KEEP_FINISHED
    assert len(RUNS) == services.KEEP_FINISHED + 3


def test_a_job_page_is_for_its_starter_only(db: Any, client_for: Any, organizer: Any, reviewer: Any) -> None:
    job = services.request("k", "导入单位和用户", count_runs, user=organizer)
    page = client_for(organizer).get(reverse("jobs:job", args=[job.pk]))
    assert page.status_code == 200 and "好了" in page.content.decode()
    assert client_for(reviewer).get(reverse("jobs:job", args=[job.pk])).status_code == 404
    assert client_for(reviewer).get(reverse("jobs:progress", args=[job.pk])).status_code == 404


def test_the_progress_fragment_shows_done_of_total(db: Any, client_for: Any, organizer: Any) -> None:
    job = services.request("k", "导入单位和用户", queued, user=organizer)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=40, total=160, step="写入用户")
    fragment = client_for(organizer).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert '<progress value="40" max="160"' in fragment and "40/160(25%)" in fragment and "写入用户" in fragment
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}"' in fragment  # still polling
