"""Last year's problem list as figures of an item's rule (``source: previous_problems``).

Seed 004 item 54 scores how a unit fixed the problems last year's assessment found: "13 个问题,
现已整改到位 11 个". Those figures come from the 整改台账, not from what the unit types: for each
unit of the campaign that took part in last year's campaign (``Campaign.previous``), its problems
there (``problems``), how many are closed (``fixed``: closed last year, or carried into this year
and closed since) and how many are not (``open``). A unit that did not take part last year, or a
campaign without a previous one, gets no figures: the item is missing, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.hooks import FigureSourceProvider
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.rectification.models import Problem, ProblemState
from kaoping.rectification.services import chain_of


def _last_years(campaign: Campaign) -> QuerySet[Problem]:
    return Problem.objects.filter(campaign_id=campaign.previous_id or 0)  # callers check there is one


def _carried(campaign: Campaign) -> QuerySet[Problem]:
    """The copies carried into ``campaign``: only ever from its previous campaign (``carry.py``)."""
    return Problem.objects.filter(campaign=campaign, carried_from__isnull=False)


def _problem_rows(campaign: Campaign) -> list[tuple[int, int, str, int | None, int]]:
    """(pk, organization, state, carried from, campaign) of last year's problems and of their
    copies carried into ``campaign``: two queries, each on an index."""
    fields = ("pk", "organization_id", "state", "carried_from_id", "campaign_id")
    return [*_last_years(campaign).values_list(*fields), *_carried(campaign).values_list(*fields)]


def previous_problem_figures(
    campaign: Campaign, units: Sequence[CampaignUnit], key: str = ""
) -> dict[int, dict[str, Decimal]]:
    if campaign.previous_id is None:
        return {}
    last_year = CampaignUnit.objects.filter(campaign_id=campaign.previous_id)
    took_part = set(last_year.values_list("organization_id", flat=True))
    rows = _problem_rows(campaign)
    closed_later = {carried for _pk, _o, state, carried, _c in rows if carried and state == ProblemState.CLOSED}
    total: dict[int, int] = {}
    fixed: dict[int, int] = {}
    for pk, organization, state, _carried, of_campaign in rows:
        if of_campaign != campaign.previous_id:
            continue
        total[organization] = total.get(organization, 0) + 1
        if state == ProblemState.CLOSED or pk in closed_later:
            fixed[organization] = fixed.get(organization, 0) + 1
    figures: dict[int, dict[str, Decimal]] = {}
    for unit in units:
        organization = unit.organization_id
        if organization not in took_part:
            continue
        problems, done = total.get(organization, 0), fixed.get(organization, 0)
        figures[unit.pk] = {"problems": Decimal(problems), "fixed": Decimal(done), "open": Decimal(problems - done)}
    return figures


def previous_problems_version(campaign: Campaign) -> str:
    """Changes whenever last year's problems or participants may have changed: every such change
    appends to last year's audit chain (a carried copy's, to this year's, which the data version
    reads already), so its head is the fingerprint. One indexed query; every results page of a
    campaign that follows another reads it (benchmarks/results/ledger.md)."""
    if campaign.previous_id is None:
        return "-"
    head = AuditEvent.objects.filter(chain=chain_of(campaign.previous_id)).order_by("-seq").values_list("seq", "hash")
    seq, digest = head.first() or (0, "")
    return f"{seq}.{digest[:12]}"


PREVIOUS_PROBLEMS = FigureSourceProvider(figures=previous_problem_figures, version=previous_problems_version)
