"""Results API: standings for the bureau; a unit's own result after publication."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from kaoping.api.errors import Problem, errors_for
from kaoping.campaigns.access import campaign_for
from kaoping.engine.explain import explain_unit
from kaoping.engine.numbers import fmt
from kaoping.engine.results import UnitResult
from kaoping.results import selectors, services

router = Router(auth=django_auth, tags=["results"])


def _recomputing() -> HttpError:
    """The stored result is older than the data and a worker is recomputing it (503, retry)."""
    return HttpError(503, _("考核数据已变动,结果正在重新计算,请稍后再试。"))


class ComponentOut(Schema):
    id: str
    name: str
    score: str | None
    max: str


class UnitResultOut(Schema):  # not "UnitOut": campaigns had one, and OpenAPI components are named by class
    unit_id: int
    name: str
    category: str
    total: str | None
    max: str
    grade: str | None
    stars: str | None
    rank: int | None
    components: list[ComponentOut]
    flags: list[str]
    explanation: str | None = None


def _num(value: Any) -> str | None:
    return None if value is None else fmt(value)


def _unit_out(unit: UnitResult, *, explain: bool = False) -> dict[str, Any]:
    return {
        "unit_id": int(unit.unit_id),
        "name": unit.name,
        "category": unit.category,
        "total": _num(unit.total),
        "max": _num(unit.max),
        "grade": unit.grade,
        "stars": unit.stars,
        "rank": unit.rank,
        "components": [
            {"id": c.component_id, "name": c.name, "score": _num(c.score), "max": _num(c.max)} for c in unit.components
        ],
        "flags": [f.message for f in unit.flags],
        "explanation": explain_unit(unit) if explain else None,
    }


@router.get("/{campaign_id}/standings", response={200: list[UnitResultOut], 503: Problem, **errors_for()})
def standings(request: HttpRequest, campaign_id: int) -> list[dict[str, Any]]:
    campaign, access = campaign_for(request.user, campaign_id)
    if not selectors.can_see_standings(access):
        raise Http404
    shown = services.standings(campaign)
    if not shown.current:
        raise _recomputing()
    rows = selectors.visible_stored_units(request.user, access).order_by("position")
    return [_unit_out(u) for u in services.listed_units(rows)]


@router.get("/{campaign_id}/units/{unit_id}", response={200: UnitResultOut, 503: Problem, **errors_for()})
def unit_result(request: HttpRequest, campaign_id: int, unit_id: int) -> dict[str, Any]:
    campaign, access = campaign_for(request.user, campaign_id)
    unit = selectors.result_unit(request.user, access, unit_id)
    result = services.stored_unit_result(unit) if services.standings(campaign).current else None
    if result is None:
        raise _recomputing()
    return _unit_out(result, explain=True)
