"""Engine ``Scheme`` → plain JSON-able data in the scheme-file format.

Decimals are written as strings ("13.5") so nothing passes through a float; weights are
written as the points they resolved to. ``scheme_from_data`` reads the result back to an
equal Scheme.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kaoping.engine.model import (
    BallotRules,
    Category,
    Component,
    ConversionSpec,
    GradeBand,
    Indicator,
    ItemKind,
    RatingSpec,
    Rounding,
    RoundingPolicy,
    Scheme,
)
from kaoping.formats.parsing import format_decimal

JsonData = dict[str, Any]


def number(value: Decimal) -> str:
    return format_decimal(value)


def optional_number(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def scheme_to_data(scheme: Scheme) -> JsonData:
    data: JsonData = {
        "scheme": {
            "id": scheme.id,
            "name": scheme.name,
            "year": scheme.year,
            "organizer": scheme.organizer,
        },
        "rounding": rounding_policy(scheme.rounding),
        "not_applicable": scheme.not_applicable.value,
        "score_basis": [basis.value for basis in scheme.score_basis],
        "categories": [category(c) for c in scheme.categories],
        "components": [component(c) for c in scheme.components],
        "grading": {"bands": [band(b) for b in scheme.grade_bands]},
        "stars": [{"name": s.name, "stars": s.stars, "min_score": number(s.min_score)} for s in scheme.stars],
        "ranking": {
            "ties": scheme.ranking.ties.value,
            "chain": [{"kind": t.kind.value, "ref": t.ref} for t in scheme.ranking.chain],
        },
    }
    return data


def rounding_policy(policy: RoundingPolicy) -> JsonData:
    names = ("item", "rating", "conversion", "component", "total")
    return {name: rounding(getattr(policy, name)) for name in names}


def rounding(value: Rounding | None) -> JsonData | None:
    return None if value is None else {"places": value.places, "mode": value.mode.value}


def category(value: Category) -> JsonData:
    return {"id": value.id, "name": value.name, "components": list(value.components)}


def component(value: Component) -> JsonData:
    data: JsonData = {
        "id": value.id,
        "name": value.name,
        "points": number(value.points),
        "method": value.method.value,
    }
    if value.allow_above_points:
        data["allow_above_points"] = True
    if value.indicators:
        data["indicators"] = [indicator_to_data(i) for i in value.indicators]
    if value.rating is not None:
        data["rating"] = rating(value.rating)
    if value.conversion is not None:
        data["conversion"] = conversion(value.conversion)
    return data


def indicator_to_data(value: Indicator) -> JsonData:
    data: JsonData = {"id": value.id, "name": value.name, "points": number(value.points)}
    if value.kind is not ItemKind.NORMAL:
        data["kind"] = value.kind.value
    if value.standard:
        data["standard"] = value.standard
    if value.departments:
        data["departments"] = [
            {"department": d.department}
            if d.points is None
            else {"department": d.department, "points": number(d.points)}
            for d in value.departments
        ]
    if value.evidence.required or value.evidence.description:
        data["evidence"] = {
            "required": value.evidence.required,
            "description": value.evidence.description,
        }
    if value.rule is not None:
        data["rule"] = {"kind": value.rule.kind, **plain(value.rule.params)}
    if value.children:
        data["children"] = [indicator_to_data(child) for child in value.children]
    return data


def plain(value: Any) -> Any:
    """Rule parameters as JSON-able data (Decimal → string, tuples → lists)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format_decimal(value)
    return value


def rating(value: RatingSpec) -> JsonData:
    data: JsonData = {
        "scale": {
            "mode": value.scale.mode.value,
            "max": number(value.scale.scale_max),
            "abstain": value.scale.abstain,
            "grades": [
                {"name": g.name, "value": number(g.value), "choices": [number(c) for c in g.choices]}
                for g in value.scale.grades
            ],
        },
        "groups": [{"id": g.id, "name": g.name, "weight": number(g.weight)} for g in value.groups],
        "trim": None
        if value.trim is None
        else {
            "above": value.trim.above,
            "per_side": value.trim.per_side,
            "scope": value.trim.scope.value,
        },
        "empty_group": value.empty_group.value,
        "ballot_rules": ballot_rules(value.ballot_rules),
    }
    return data


def ballot_rules(value: BallotRules) -> JsonData:
    quotas = []
    for quota in value.quotas:
        entry: JsonData = {"grades": list(quota.grades)}
        for key in ("max_count", "min_count"):
            if getattr(quota, key) is not None:
                entry[key] = getattr(quota, key)
        for key in ("max_share", "min_share"):
            if getattr(quota, key) is not None:
                entry[key] = number(getattr(quota, key))
        quotas.append(entry)
    return {
        "all_identical_invalid": value.all_identical_invalid,
        "min_valid_ballots": value.min_valid_ballots,
        "quotas": quotas,
    }


def conversion(value: ConversionSpec) -> JsonData:
    data: JsonData = {"method": value.method.value}
    if value.raw_max is not None:
        data["raw_max"] = number(value.raw_max)
    if value.step_percent is not None:
        data["step_percent"] = number(value.step_percent)
    if value.bands:
        data["bands"] = [{"min_share": number(b.min_share), "points": number(b.points)} for b in value.bands]
    if value.top_grades:
        data["top_grades"] = list(value.top_grades)
    if value.top_bonuses:
        data["top_bonuses"] = [number(v) for v in value.top_bonuses]
    if value.bottom_penalties:
        data["bottom_penalties"] = [number(v) for v in value.bottom_penalties]
    return data


def band(value: GradeBand) -> JsonData:
    data: JsonData = {"name": value.name}
    if value.min_percent is not None:
        data["min_percent"] = number(value.min_percent)
    if value.min_score is not None:
        data["min_score"] = number(value.min_score)
    if value.quota is not None:
        data["quota"] = {
            "max_percent": number(value.quota.max_percent),
            "rounding": value.quota.rounding.value,
        }
    return data
