"""Computing and storing a campaign's analysis, and what the page shows of it.

``compute_and_store`` is the worker's side: it reads the scheme, the counted ballots (closed
units of closed rating sessions, as results reads them), the item scores of the stored result
(or of a fresh computation when the stored result is older than the data) and runs
``analytics.compute.analyse``. ``shown`` is the page's side, like ``results.services.standings``:
the stored analysis when it matches the data version now, else a job bringing it up to date.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kaoping.analytics.compute import ItemRow, analyse
from kaoping.analytics.models import Analysis
from kaoping.assessments import selectors as assess
from kaoping.campaigns.models import Campaign
from kaoping.engine import codec
from kaoping.engine.results import ItemResult, UnitResult
from kaoping.jobs import services as jobs
from kaoping.jobs.models import Job, JobState
from kaoping.results import compute as results_compute
from kaoping.results import inputs
from kaoping.results.models import StoredStandings, StoredUnitResult
from kaoping.results.versions import current_version

Report = Callable[[int, int, str], None]


def job_key(campaign: Campaign | int) -> str:
    return f"analytics:{campaign if isinstance(campaign, int) else campaign.pk}"


def request_analysis(campaign: Campaign, user: Any = None) -> Job:
    from kaoping.analytics.tasks import compute_analysis

    title = _("评委与结果分析:%(campaign)s") % {"campaign": campaign.name}
    return jobs.request(job_key(campaign), title, compute_analysis, params={"campaign": campaign.pk}, user=user)


def _leaves(unit_id: str, items: tuple[ItemResult, ...]) -> Iterator[ItemRow]:
    for item in items:
        if item.children:
            yield from _leaves(unit_id, item.children)
        else:
            yield (unit_id, item.item_id, item.name, item.score, item.max)


def _item_rows(units: list[UnitResult]) -> Iterator[ItemRow]:
    for unit in units:
        for component in unit.components:
            yield from _leaves(unit.unit_id, component.items)


def _unit_results(campaign: Campaign, version: str) -> list[UnitResult]:
    stored = StoredStandings.objects.filter(campaign=campaign).values_list("version", flat=True).first()
    if stored == version:
        rows = StoredUnitResult.objects.filter(campaign=campaign).values_list("data", flat=True)
        return [codec.decode_unit(data) for data in rows.iterator(chunk_size=500)]
    return list(results_compute.compute_campaign_result(campaign).units)


def _analyse_without_gc(*args: Any) -> dict[str, Any]:
    """The analysis with the cyclic garbage collector paused, as results.compute runs the engine: a
    province-scale run allocates millions of small objects and no reference cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return analyse(*args)
    finally:
        if collecting:
            gc.enable()


def compute_and_store(campaign: Campaign, report: Report) -> Analysis:
    started = time.perf_counter()
    version = current_version(campaign).key
    report(0, 0, _("读取考核数据"))
    scheme = assess.scheme_for(campaign)
    units = inputs.engine_units(inputs.load_units(campaign))
    ballots = inputs.ballots_of(campaign)
    report(0, 0, _("读取各单位指标得分"))
    results = _unit_results(campaign, version)
    data = _analyse_without_gc(scheme, units, ballots, list(_item_rows(results)), report)
    data["units"] = len(units)
    data["ballots"] = len(ballots)
    analysis, _created = Analysis.objects.update_or_create(
        campaign=campaign,
        defaults={
            "version": version,
            "computed_at": timezone.now(),
            "seconds": time.perf_counter() - started,
            "data": data,
        },
    )
    return analysis


@dataclass(frozen=True, slots=True)
class Shown:
    stored: Analysis | None
    current: bool
    job: Job | None


def shown(campaign: Campaign) -> Shown:
    """The stored analysis, asking for a new one when it is older than the data."""
    version = current_version(campaign).key
    stored = Analysis.objects.filter(campaign=campaign).first()
    if stored is not None and stored.version == version:
        return Shown(stored, True, None)
    job = jobs.latest(job_key(campaign))
    if job is None or job.state == JobState.DONE or jobs.abandoned(job):
        job = request_analysis(campaign)  # a failed one waits for its retry button
    if job.state == JobState.DONE:  # an inline task backend has run it already
        stored = Analysis.objects.filter(campaign=campaign).first()
        if stored is not None and stored.version == version:
            return Shown(stored, True, None)
    return Shown(stored, False, job)
