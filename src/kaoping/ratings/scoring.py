"""The bridge to the engine: a session's scheme, ballot-sheet checks and results via ``aggregate``.

Nothing here re-implements aggregation; it builds engine inputs and stores the engine's answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from kaoping.engine.inputs import Ballot as EngineBallot
from kaoping.engine.inputs import Unit
from kaoping.engine.model import Component, RatingSpec, Scheme
from kaoping.engine.rating import aggregate, check_sheet
from kaoping.engine.results import RatingResult, slot_constructor


@lru_cache(maxsize=64)
def _scheme_for_session(public_id: Any, version_pk: int) -> Scheme:
    # Keyed by the session's UUID: a scheme version is immutable and a UUID is never reused. A
    # session keeps the version it was created with (not the campaign's current scheme), parsed
    # through the same cache as every other scheme (campaigns.selectors.scheme_of).
    from kaoping.campaigns.models import SchemeVersion
    from kaoping.campaigns.selectors import scheme_of

    return scheme_of(SchemeVersion.objects.get(pk=version_pk))


def session_scheme(session: Any) -> Scheme:
    return _scheme_for_session(session.public_id, session.scheme_version_id)


def session_component(session: Any) -> Component:
    component = session_scheme(session).component(session.component_id)
    if component.rating is None:
        raise ValueError(f"测评项目“{component.name}”没有设置测评规则")
    return component


def session_spec(session: Any) -> RatingSpec:
    spec = session_component(session).rating
    assert spec is not None
    return spec


def allowed_grades(spec: RatingSpec) -> list[str]:
    names = [grade.name for grade in spec.scale.grades]
    if spec.scale.abstain:
        names.append(spec.scale.abstain)
    return names


def has_sheet_rules(spec: RatingSpec) -> bool:
    rules = spec.ballot_rules
    return bool(rules.quotas) or rules.all_identical_invalid


def partial_spec(spec: RatingSpec) -> RatingSpec:
    """The rules a half-filled sheet can already break: upper bounds only.

    Minimum quotas and "all identical" can still be repaired by the grades still to come, so they
    are checked once the sheet is complete (and by the engine at the session's close).
    """
    rules = spec.ballot_rules
    quotas = tuple(dataclasses.replace(q, min_count=None, min_share=None) for q in rules.quotas)
    return dataclasses.replace(
        spec, ballot_rules=dataclasses.replace(rules, quotas=quotas, all_identical_invalid=False)
    )


def relaxed_component(component: Component) -> Component:
    """For a unit's result before the session ends: per-sheet rules wait for complete sheets."""
    assert component.rating is not None
    rules = dataclasses.replace(component.rating.ballot_rules, quotas=(), all_identical_invalid=False)
    return dataclasses.replace(component, rating=dataclasses.replace(component.rating, ballot_rules=rules))


def sheet_problems(spec: RatingSpec, sheet: Mapping[str, str | None]) -> list[str]:
    """Why a rater's current sheet (unit → grade, None = not yet graded) breaks the ballot rules."""
    complete = all(grade is not None for grade in sheet.values())
    return check_sheet(spec if complete else partial_spec(spec), sheet)


def engine_unit(session_unit: Any) -> Unit:
    campaign_unit = session_unit.campaign_unit
    return Unit(id=str(campaign_unit.pk), name=campaign_unit.organization.name, category=campaign_unit.category)


# one per counted ballot (200,000 at province scale): the unrolled constructor
_new_engine_ballot = slot_constructor(
    EngineBallot,
    ("component_id", "rater_id", "rater_group", "target_unit", "grade", "points", "rater_unit", "sheet"),
)


def _engine_ballot(
    component_id: str, session_pk: int, sheet: str, group: str, grade: str | None, unit: str
) -> EngineBallot:
    # the sheet hash stands in for the rater; the sheet's key spells the rater's name out in full
    # (one session's sheets apart from another's), so a flag names the rater and not the key
    rater = f"S{session_pk}-{sheet[:12]}"
    return _new_engine_ballot(component_id, rater, group, unit, grade, None, None, f"S{session_pk}-{sheet}")


def engine_ballot(component_id: str, session_pk: int, row: Mapping[str, Any]) -> EngineBallot:
    """One stored ballot as the engine sees it."""
    unit = str(row["campaign_unit_id"])
    return _engine_ballot(component_id, session_pk, row["sheet"], row["rater_group"], row["grade"], unit)


def engine_ballots(
    component_id: str, session_pk: int, rows: Iterable[tuple[str | None, str, str, int]]
) -> list[EngineBallot]:
    """``engine_ballot`` of each counted (sheet, rater group, grade, campaign unit id) row, each
    unit's id made once."""
    units: dict[int, str] = {}
    ballots = []
    for sheet, group, grade, unit_pk in rows:
        if sheet is None:  # written when the unit closed, before any of its ballots counts
            raise ValueError("已计入的选票缺少选票编号(应在该单位测评结束时写入)")
        unit = units.get(unit_pk)
        if unit is None:
            unit = units[unit_pk] = str(unit_pk)
        ballots.append(_engine_ballot(component_id, session_pk, sheet, group, grade, unit))
    return ballots


def result_data(result: RatingResult, *, provisional: bool) -> dict[str, Any]:
    return {
        "score": None if result.score is None else format(result.score, "f"),
        "raw": None if result.raw is None else format(result.raw, "f"),
        "explanation": result.explanation,
        "grade_counts": [[name, count] for name, count in result.grade_counts],
        "groups": [
            {
                "name": group.name,
                "weight": format(group.weight, "f"),
                "ballots": group.valid_ballots,
                "mean": None if group.mean is None else format(group.mean, "f"),
            }
            for group in result.groups
        ],
        "flags": [flag.message for flag in result.flags],
        "provisional": provisional,
    }


def compute_results(
    session: Any, session_units: Iterable[Any], rows: Iterable[Mapping[str, Any]], *, final: bool
) -> tuple[dict[int, dict[str, Any]], list[str]]:
    """Engine results for ``session_units`` from ballot rows; (per session-unit pk, sheet flags)."""
    component = session_component(session)
    if not final:
        component = relaxed_component(component)
    units = list(session_units)
    by_campaign_unit = {str(su.campaign_unit_id): su for su in units}
    ballots = [engine_ballot(component.id, session.pk, row) for row in rows]
    outcome = aggregate(component, ballots, [engine_unit(su) for su in units], session_scheme(session).rounding)
    provisional = not final and has_sheet_rules(session_spec(session))
    results = {
        by_campaign_unit[unit_id].pk: result_data(result, provisional=provisional)
        for unit_id, result in outcome.results.items()
    }
    return results, [flag.message for flag in outcome.flags]
