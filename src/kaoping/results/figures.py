"""The charts a results page shows, read from stored rows (``results.charts`` shapes them).

Year over year: the series of a campaign is this bureau's campaigns of earlier years that have a
stored result and the same scheme name, or the same title once its year is taken out
("2025年度区县教育督导考核" and "2026年度区县教育督导考核"); the newest such campaign of each year.
An earlier year is shown only when the user may read it there (the standings for a category's
average, the unit's own result for a unit), so a chart never shows more than the pages would.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import gettext as _

from kaoping.campaigns.access import campaign_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.campaigns.selectors import current_scheme
from kaoping.engine.model import Scheme
from kaoping.engine.results import UnitResult
from kaoping.results import charts, selectors, services
from kaoping.results.models import StoredStandings, StoredUnitResult

_YEAR = re.compile(r"(19|20)\d{2}\s*(年度|年)?")
CACHE_SECONDS = 3600
_STEM_EDGES = " ·-_()()"  # characters trimmed off the ends once the year is gone


def title_stem(name: str) -> str:
    """A campaign's name without its year: what stays the same from one year to the next."""
    return _YEAR.sub("", name).strip(_STEM_EDGES)


def earlier_campaigns(campaign: Campaign, scheme: Scheme) -> list[Campaign]:
    """The same assessment in this bureau's earlier years (newest campaign of each year), oldest first."""
    if campaign.year is None:
        return []
    stem = title_stem(campaign.name)
    found: dict[int, Campaign] = {}
    rows = (
        Campaign.objects.filter(owner_id=campaign.owner_id, year__lt=campaign.year, stored_standings__isnull=False)
        .exclude(pk=campaign.pk)
        .order_by("-year", "-created_at")
    )
    for other in rows:
        assert other.year is not None  # year__lt excludes NULL
        if other.year in found:
            continue
        other_scheme = current_scheme(other)
        if (other_scheme is not None and other_scheme.name == scheme.name) or title_stem(other.name) == stem:
            found[other.year] = other
    return [found[year] for year in sorted(found)]


def _heads(rows: Any) -> list[UnitResult]:
    return services.listed_units(rows.order_by("position"))


def category_figures(user: object, campaign: Campaign, access: Any, scheme: Scheme, category: Any) -> dict[str, Any]:
    """The stats page of one category: grade counts, score histogram and its average by year."""
    units = _heads(selectors.visible_stored_units(user, access).filter(category=category.id))
    maximum = scheme.max_for(category.id)
    band_names = [band.name for band in scheme.grade_bands]
    points = []
    for other in earlier_campaigns(campaign, scheme):
        try:
            _c, other_access = campaign_for(user, other.pk)
        except Http404:
            continue
        if not selectors.can_see_standings(other_access):
            continue
        rows = selectors.visible_stored_units(user, other_access).filter(category=category.id)
        earlier = _heads(rows)
        if earlier:
            assert other.year is not None
            points.append(charts.category_point(earlier, other.year, other.name))
    has_history = bool(points)
    if campaign.year is not None and units:
        points.append(charts.category_point(units, campaign.year, campaign.name))
    return {
        "units": len(units),
        "grades": charts.grade_counts(units, band_names, _("%(category)s等次分布") % {"category": category.name}),
        "histogram": charts.score_histogram(units, maximum, _("%(category)s总分分布") % {"category": category.name}),
        "years": charts.category_years(points, category.name),
        "has_history": has_history,
        "no_year": campaign.year is None,
    }


def unit_figures(user: object, campaign: Campaign, unit: CampaignUnit, result: UnitResult) -> dict[str, Any]:
    """The unit's result page: its components against its category's average, and its years."""
    scheme = current_scheme(campaign)
    if scheme is None:
        return {}
    try:
        category = scheme.category(unit.category)
    except KeyError:
        return {}
    components = [(c, scheme.component(c).name, scheme.component(c).points) for c in category.components]
    peers, averages = _category_averages(campaign, category.id, components)
    points = []
    for other in earlier_campaigns(campaign, scheme):
        earlier = _earlier_result(user, other, unit)
        if earlier is not None:
            assert other.year is not None
            points.append(charts.YearPoint(other.year, other.name, earlier.total, earlier.max, earlier.grade))
    has_history = bool(points)
    if campaign.year is not None:
        points.append(charts.YearPoint(campaign.year, campaign.name, result.total, result.max, result.grade))
    return {
        "against": charts.unit_against_category(result, averages, category.name),
        "peers": peers,
        "years": charts.unit_years(points, result.name),
        "has_history": has_history,
        "no_year": campaign.year is None,
    }


def _category_averages(
    campaign: Campaign, category_id: str, components: list[tuple[str, str, Decimal]]
) -> tuple[int, list[charts.ComponentAverage]]:
    """The category's units and its component averages over every stored unit of the category
    (an aggregate, the same for whoever reads a unit's result). Kept in the cache under the stored
    run's version and time, so the 2,000 rows are read once per stored result, not per page view."""
    stamp = StoredStandings.objects.filter(campaign=campaign).values_list("version", "computed_at").first()
    raw = f"{campaign.pk}|{category_id}|{stamp[0]}|{stamp[1].isoformat()}" if stamp is not None else ""
    key = "kaoping:charts:averages:" + hashlib.sha256(raw.encode()).hexdigest()
    found = cache.get(key) if stamp is not None else None
    if found is None:
        peers = _heads(StoredUnitResult.objects.filter(campaign=campaign, category=category_id))
        found = (len(peers), charts.component_averages(peers, components))
        if stamp is not None:
            cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def _earlier_result(user: object, campaign: Campaign, unit: CampaignUnit) -> UnitResult | None:
    """The same organization's stored result in an earlier campaign, if this user may read it there."""
    earlier = CampaignUnit.objects.filter(campaign=campaign, organization_id=unit.organization_id).first()
    if earlier is None:
        return None
    try:
        _c, access = campaign_for(user, campaign.pk)
        selectors.result_unit(user, access, earlier.pk)
    except Http404:
        return None
    heads = services.listed_units(StoredUnitResult.objects.filter(unit=earlier))
    return heads[0] if heads else None
