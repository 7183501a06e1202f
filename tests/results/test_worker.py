"""The production path: a change commits, a task is stored in the database, and a separate
``db_worker`` run (as on any host) computes and stores the result that pages then read."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import item_ref
from kaoping.engine import codec
from kaoping.jobs.models import Job
from kaoping.results import compute, services, tasks
from kaoping.results.models import StoredStandings, StoredUnitResult
from kaoping.results.versions import current_version

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "recompute_standings", tasks.recompute_standings.using(backend="database"))


def _worker() -> None:
    """One worker process's pass over the queue, as ``manage.py db_worker`` runs on a host."""
    compute.forget_states()
    call_command("db_worker", "--batch", "--no-startup-delay", "--backend", "database", "--no-reload")


def test_a_committed_change_queues_one_task_that_a_worker_runs_and_stores(
    database_queue: None, open_campaign: Any, unit_a: Any, scheme: Any, reporter_a: Any, reviewer: Any,
    client_for: Any, organizer: Any,
) -> None:  # fmt: skip
    fill_unit(unit_a, reporter_a)  # many audited saves, each committed on its own
    assess_services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    assert DBTaskResult.objects.count() == 1  # one task per campaign while one is queued
    assert not StoredStandings.objects.exists()  # nothing is computed in the web process

    _worker()
    job = Job.objects.get(key=services.job_key(open_campaign))
    assert job.state == "done" and job.done == job.total > 0
    assert StoredStandings.objects.get(campaign=open_campaign).version == current_version(open_campaign).key

    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    page = client_for(organizer).get(reverse("results:standings", args=[open_campaign.pk]), {"category": "school"})
    assert "数据已变动,正在重新计算…" in page.content.decode()
    _worker()
    stored = codec.decode_unit(StoredUnitResult.objects.get(unit=unit_a).data)
    assert stored.total == services.compute_campaign_result(open_campaign).unit(str(unit_a.pk)).total
    assert StoredStandings.objects.get(campaign=open_campaign).version == current_version(open_campaign).key
