"""Reads of imported scores: as the engine sees them, and per component for the organizer's page."""

from __future__ import annotations

from kaoping.campaigns.models import Campaign
from kaoping.engine.inputs import ImportedScore as EngineImportedScore
from kaoping.external.models import ImportedScore


def engine_imported_scores(campaign: Campaign) -> list[EngineImportedScore]:
    """Unit ids are ``str(CampaignUnit.pk)``, as the results loader builds them."""
    rows = ImportedScore.objects.filter(campaign=campaign).order_by("unit_id", "component_id")
    return [
        EngineImportedScore(unit_id=str(unit_id), component_id=component_id, raw=raw, raw_max=raw_max)
        for unit_id, component_id, raw, raw_max in rows.values_list("unit_id", "component_id", "raw", "raw_max")
    ]


def scores_by_component(campaign: Campaign) -> dict[str, list[ImportedScore]]:
    grouped: dict[str, list[ImportedScore]] = {}
    rows = ImportedScore.objects.filter(campaign=campaign).select_related("unit__organization", "updated_by")
    for score in rows.order_by("component_id", "unit__category", "unit__organization__code"):
        grouped.setdefault(score.component_id, []).append(score)
    return grouped
