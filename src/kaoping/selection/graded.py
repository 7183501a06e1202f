"""评分(分组加权): the second voting method of 评选. Each voter belongs to a rater group (评委 60%、
党员代表 25%、群众代表 15% …) and grades every admitted nominee 优秀 / 良好 / 一般 / 较差 or 不了解.

The counting is the engine's live-rating aggregation (``kaoping.engine.rating.aggregate``), so the
rules are those of 民主测评: the mean per group, the weighted mean of the groups, a group that graded
nobody for a nominee has its weight shared out over the others (RENORMALIZE), 不了解 counts as no
vote, the score rounded to 2 places half-up. Each nominee is an engine ``Unit``; each ballot row
is one engine sheet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kaoping.engine import rating as engine_rating
from kaoping.engine.inputs import Ballot as EngineBallot
from kaoping.engine.inputs import Unit
from kaoping.engine.model import (
    Component,
    ComponentMethod,
    EmptyGroupPolicy,
    GradeScale,
    RaterGroup,
    RatingSpec,
    RoundingPolicy,
    ScaleGrade,
)
from kaoping.engine.numbers import fmt

COMPONENT_ID = "selection"
# The fixed scale, best first (docs/selection.md).
GRADES: tuple[tuple[str, Decimal], ...] = (
    ("优秀", Decimal(100)),
    ("良好", Decimal(85)),
    ("一般", Decimal(70)),
    ("较差", Decimal(50)),
)
ABSTAIN = "不了解"
ABSTAIN_VALUE = "abstain"  # the form's value for 不了解 (stored as null)
GRADE_NAMES = frozenset(name for name, _value in GRADES)
MAX_GROUPS = 10
MAX_NAME = 20

_SEPARATORS = re.compile(r"[、,,;;\n]+")
_COLON = re.compile(r"[::]")


class GroupsInvalid(ValueError):
    """The rater groups text cannot be read; the message names the bad part (Chinese)."""


def parse_groups(text: str) -> list[dict[str, str]]:
    """``评委:60、党员代表:25、群众代表:15`` → ``[{"id": "g1", "name": "评委", "weight": "60"}, …]``.

    Parts are separated by 、 , ; or a new line; a part is ``组名:权重`` (either colon), the weight
    in percent (a trailing % is allowed, at most two decimals); the weights add up to exactly 100."""
    parts = [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]
    if not parts:
        raise GroupsInvalid(_("请填写评议组及权重,例如:评委:60、党员代表:25、群众代表:15"))
    if len(parts) > MAX_GROUPS:
        raise GroupsInvalid(_("评议组最多 %(n)d 个") % {"n": MAX_GROUPS})
    groups: list[dict[str, str]] = []
    seen: set[str] = set()
    total = Decimal(0)
    for index, part in enumerate(parts, start=1):
        pieces = _COLON.split(part)
        if len(pieces) != 2:
            raise GroupsInvalid(_("“%(part)s”格式不对,应写成“组名:权重”,例如“评委:60”") % {"part": part})
        name, weight_text = pieces[0].strip(), re.sub(r"[%%]$", "", pieces[1].strip()).strip()
        if not name:
            raise GroupsInvalid(_("“%(part)s”缺少组名") % {"part": part})
        if len(name) > MAX_NAME:
            raise GroupsInvalid(_("组名“%(name)s”过长(最多 %(n)d 字)") % {"name": name[:MAX_NAME], "n": MAX_NAME})
        if name in seen:
            raise GroupsInvalid(_("评议组“%(name)s”重复") % {"name": name})
        try:
            weight = Decimal(weight_text)
        except InvalidOperation:
            weight = Decimal("NaN")
        if not weight_text or not weight.is_finite():
            raise GroupsInvalid(_("“%(part)s”的权重不是数字") % {"part": part})
        if weight <= 0 or weight > 100:
            raise GroupsInvalid(_("“%(part)s”的权重应大于 0、不超过 100") % {"part": part})
        if weight != weight.quantize(Decimal("0.01")):
            raise GroupsInvalid(_("“%(part)s”的权重最多保留两位小数") % {"part": part})
        seen.add(name)
        total += weight
        groups.append({"id": f"g{index}", "name": name, "weight": fmt(weight)})
    if total != 100:
        raise GroupsInvalid(_("各组权重合计应为 100,现为 %(total)s") % {"total": fmt(total)})
    return groups


def describe_groups(groups: Iterable[Mapping[str, Any]]) -> str:
    """评委 60%、党员代表 25%、群众代表 15%"""
    return "、".join(f"{group['name']} {group['weight']}%" for group in groups)


def group_names(groups: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {str(group["id"]): str(group["name"]) for group in groups}


def component(title: str, groups: Sequence[Mapping[str, Any]]) -> Component:
    scale = GradeScale(
        grades=tuple(ScaleGrade(name, value) for name, value in GRADES), scale_max=Decimal(100), abstain=ABSTAIN
    )
    spec = RatingSpec(
        scale=scale,
        groups=tuple(RaterGroup(str(g["id"]), str(g["name"]), Decimal(str(g["weight"]))) for g in groups),
        empty_group=EmptyGroupPolicy.RENORMALIZE,
    )
    return Component(COMPONENT_ID, title, Decimal(100), ComponentMethod.RATING, rating=spec)


@dataclass(frozen=True)
class Scored:
    scores: dict[int, Decimal | None]  # nomination number → weighted score (None: no valid grade)
    explanations: dict[int, str]
    flags: list[str]


def score(
    *,
    title: str,
    groups: Sequence[Mapping[str, Any]],
    nominees: Sequence[tuple[int, str]],
    ballots: Iterable[tuple[str, str, Mapping[str, str | None]]],
) -> Scored:
    """The weighted score of each nominee (number, name) from ballots (ballot id, group id,
    {nomination number as str: grade or None for 不了解}) through the engine."""
    units = [Unit(str(number), name, COMPONENT_ID) for number, name in nominees]
    engine_ballots = [
        EngineBallot(
            COMPONENT_ID, rater_id=ballot_id, rater_group=group, target_unit=str(target), grade=grade, sheet=ballot_id
        )
        for ballot_id, group, grades in ballots
        for target, grade in sorted(grades.items())
    ]
    outcome = engine_rating.aggregate(component(title, groups), engine_ballots, units, RoundingPolicy())
    scores: dict[int, Decimal | None] = {}
    explanations: dict[int, str] = {}
    for number, _name in nominees:
        result = outcome.results[str(number)]
        scores[number] = result.score
        explanations[number] = str(result.explanation)
    return Scored(scores, explanations, [flag.message for flag in outcome.flags])


def canonical(group: str, grades: Mapping[str, str | None]) -> str:
    """One graded ballot as a stable text (for the idempotency digest and the ballot-set digest)."""
    return json.dumps({"g": group, "v": sorted(grades.items())}, ensure_ascii=False, sort_keys=True)
