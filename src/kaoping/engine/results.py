"""What the engine returns. Every number carries the words that explain it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class FlagCode(StrEnum):
    MISSING_INPUT = "missing_input"
    TIE_ON_QUOTA_BOUNDARY = "tie_on_quota_boundary"
    VETO = "veto"
    DOWNGRADED = "downgraded"
    NOT_EXCELLENT = "not_excellent"
    TOO_FEW_BALLOTS = "too_few_ballots"
    INVALID_BALLOT = "invalid_ballot"
    EMPTY_RATER_GROUP = "empty_rater_group"
    OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    message: str  # Chinese, names what and where
    ref: str | None = None  # component or item id


@dataclass(frozen=True, slots=True)
class ItemResult:
    item_id: str
    name: str
    score: Decimal | None  # None: missing
    max: Decimal
    explanation: str
    basis: str | None = None  # which input counted: self / reviewed / confirmed / rule
    children: tuple[ItemResult, ...] = ()


@dataclass(frozen=True, slots=True)
class GroupRating:
    group_id: str
    name: str
    weight: Decimal  # effective weight after renormalisation, percent
    valid_ballots: int
    mean: Decimal | None
    dropped: tuple[Decimal, ...] = ()  # values removed by the trimmed mean


@dataclass(frozen=True, slots=True)
class RatingResult:
    unit_id: str
    score: Decimal | None  # on the component's points
    raw: Decimal | None  # weighted mean on the scale (0…scale_max)
    groups: tuple[GroupRating, ...]
    grade_counts: tuple[tuple[str, int], ...]  # valid ballots per grade, best grade first
    explanation: str
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class ComponentResult:
    component_id: str
    name: str
    score: Decimal | None
    max: Decimal
    explanation: str
    raw: Decimal | None = None  # before conversion
    items: tuple[ItemResult, ...] = ()
    rating: RatingResult | None = None


@dataclass(frozen=True, slots=True)
class UnitResult:
    unit_id: str
    name: str
    category: str
    total: Decimal | None
    max: Decimal
    grade: str | None
    stars: str | None
    rank: int | None
    components: tuple[ComponentResult, ...]
    flags: tuple[Flag, ...] = ()
    grade_explanation: str = ""
    rank_explanation: str = ""


@dataclass(frozen=True, slots=True)
class CampaignResult:
    scheme_id: str
    scheme_name: str
    units: tuple[UnitResult, ...]  # by category, then rank
    flags: tuple[Flag, ...] = ()  # campaign-wide: invalid ballot sheets, …

    def unit(self, unit_id: str) -> UnitResult:
        for unit in self.units:
            if unit.unit_id == unit_id:
                return unit
        raise KeyError(unit_id)
