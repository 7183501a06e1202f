"""What web processes do with results: ask for a recompute, and read the stored result.

Pages never compute. A change to a campaign's data (an audit event on its chain, see
``results.apps``) asks for a recompute after the change commits; a page that finds the stored
result older than the data asks too. ``jobs.services.request`` keeps it to one queued or running
job per campaign, and the task (``results.tasks``) runs in a worker on any host. Meanwhile pages
show the stored result with a notice and a progress bar, and reload when it is current.
See docs/decisions/results-pipeline.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.engine import codec
from kaoping.engine.results import Flag, UnitResult
from kaoping.jobs import services as jobs
from kaoping.jobs.models import Job, JobState
from kaoping.results import compute, inputs
from kaoping.results.models import StoredStandings, StoredUnitResult
from kaoping.results.tasks import recompute_standings
from kaoping.results.versions import current_version

unit_key = inputs.unit_key
build_inputs = inputs.build_inputs
compute_campaign_result = compute.compute_campaign_result


def job_key(campaign: Campaign | int) -> str:
    return f"standings:{campaign if isinstance(campaign, int) else campaign.pk}"


def request_recompute(campaign: Campaign, user: Any = None) -> Job:
    """Ask a worker to bring the stored result up to date (at most one job per campaign)."""
    title = _("计算考核结果:%(campaign)s") % {"campaign": campaign.name}
    return jobs.request(job_key(campaign), title, recompute_standings, params={"campaign": campaign.pk}, user=user)


def request_after_commit(campaign_pk: int) -> None:
    """Ask for a recompute once the current transaction commits (once per campaign per transaction)."""
    connection = transaction.get_connection()
    marker = ("kaoping-recompute", campaign_pk)
    if any(getattr(func, "marker", None) == marker for _sids, func, _robust in connection.run_on_commit):
        return

    def ask() -> None:
        campaign = Campaign.objects.filter(pk=campaign_pk).first()
        if campaign is not None:
            request_recompute(campaign)

    ask.marker = marker  # type: ignore[attr-defined]
    transaction.on_commit(ask)


@dataclass(frozen=True, slots=True)
class Standings:
    """The stored result as a page shows it: ``current`` when it matches the data now, else a
    ``job`` is bringing it up to date. ``stored`` is None before the first result is stored."""

    stored: StoredStandings | None
    current: bool
    job: Job | None
    version: str

    @property
    def flags(self) -> tuple[Flag, ...]:
        return codec.decode_flags(self.stored.flags) if self.stored is not None else ()

    @property
    def stale(self) -> bool:
        return not self.current


def standings(campaign: Campaign) -> Standings:
    """The stored standings, asking for a recompute when they are older than the data."""
    version = current_version(campaign).key
    stored = StoredStandings.objects.filter(campaign=campaign).first()
    if stored is not None and stored.version == version:
        return Standings(stored, True, None, version)
    job = jobs.latest(job_key(campaign))
    if job is None or job.state == JobState.DONE or jobs.abandoned(job):
        job = request_recompute(campaign)  # a failed one waits for its retry button, not every page view
    if job.state == JobState.DONE:  # an inline task backend (tests, a single-process setup) has run it
        stored = StoredStandings.objects.filter(campaign=campaign).first()
        if stored is not None and stored.version == version:
            return Standings(stored, True, None, version)
    return Standings(stored, False, job, version)


def stored_unit_result(unit: CampaignUnit) -> UnitResult | None:
    """A unit's stored result with its whole explained tree, or None (not computed yet)."""
    row = StoredUnitResult.objects.filter(unit=unit).values_list("data", flat=True).first()
    if row is None:
        return None
    try:
        return codec.decode_unit(row)
    except codec.StaleFormat:  # written by an earlier version of Kaoping: recomputed on request
        return None


def listed_units(rows: QuerySet[StoredUnitResult]) -> list[UnitResult]:
    """What a list shows of each row, in the queryset's order: the stored head (no item trees),
    or the whole result for a row stored before heads were (decoded from ``data``)."""
    heads = list(rows.values_list("pk", "head"))
    missing = [pk for pk, head in heads if head is None]
    full = dict(StoredUnitResult.objects.filter(pk__in=missing).values_list("pk", "data")) if missing else {}
    return [codec.decode_unit(head if head is not None else full[pk]) for pk, head in heads]


def units_with_total(campaign: Campaign, *, wait: bool) -> set[str] | None:
    """The engine ids of the units that have a total at the current data (one indexed query on
    the stored rows). Without ``wait`` None while a recompute is due; with it, computed here if need
    be (a deliberate step such as publishing depends on it)."""
    shown = standings(campaign)
    if shown.current:
        rows = StoredUnitResult.objects.filter(campaign=campaign, total__isnull=False)
        return {unit_key(pk) for pk in rows.values_list("unit_id", flat=True)}
    if not wait:
        return None
    return {u.unit_id for u in compute_campaign_result(campaign).units if u.total is not None}
