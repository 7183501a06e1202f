"""The scheme (考核方案) as frozen, framework-free data.

File formats (YAML/JSON/Excel) build these objects; the engine only reads them.
All points are ``Decimal``; weights given in a file are resolved to points by the loader,
so the engine never sees a weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum
from typing import Any


class RoundingMode(StrEnum):
    HALF_UP = "half_up"  # 四舍五入
    DOWN = "down"  # 截断 (toward zero)
    UP = "up"  # 进一法 (away from zero)
    FLOOR = "floor"
    CEILING = "ceiling"


_DECIMAL_MODES = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
    RoundingMode.FLOOR: ROUND_FLOOR,
    RoundingMode.CEILING: ROUND_CEILING,
}


# 1, 0.1, 0.01, …: the quantum of each number of places, built once (rounding runs per item)
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(11))


def decimal_mode(mode: RoundingMode) -> str:
    """The ``decimal`` module's rounding constant for ``mode``."""
    return _DECIMAL_MODES[mode]


@dataclass(frozen=True, slots=True)
class Rounding:
    """The one way the engine rounds: to ``places`` decimals by ``mode`` (四舍五入 by default)."""

    places: int = 2
    mode: RoundingMode = RoundingMode.HALF_UP
    # worked out once (rounding runs per item and per unit); not part of equality or repr
    quantum: Decimal = field(init=False, repr=False, compare=False)
    decimal_mode: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        places = self.places
        object.__setattr__(self, "quantum", _QUANTA[places] if 0 <= places <= 10 else Decimal(1).scaleb(-places))
        object.__setattr__(self, "decimal_mode", _DECIMAL_MODES[self.mode])

    def apply(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.decimal_mode)


@dataclass(frozen=True, slots=True)
class RoundingPolicy:
    """Where the scheme rounds. ``None`` means "do not round at this point"."""

    item: Rounding | None = None
    rating: Rounding | None = Rounding(2)  # a unit's weighted rating score
    conversion: Rounding | None = Rounding(2)
    component: Rounding | None = Rounding(2)
    total: Rounding | None = Rounding(2)


class Modifier(StrEnum):
    """What a triggered veto / downgrade / not-excellent item does (the one set of modifier kinds)."""

    VETO = "veto"  # 一票否决: the lowest grade
    ZERO_COMPONENT = "zero_component"  # 一票否决: its component scores 0
    DOWNGRADE = "downgrade"  # 等次降一等
    NOT_EXCELLENT = "not_excellent"  # 不得评为优秀


# The rule kinds that decide an item by being triggered, never by a score.
MODIFIER_KINDS = frozenset({Modifier.VETO.value, Modifier.DOWNGRADE.value, Modifier.NOT_EXCELLENT.value})
# The effects grading reads (a zeroed component is the scorer's business).
GRADE_MODIFIERS = MODIFIER_KINDS


class ItemKind(StrEnum):
    NORMAL = "normal"
    BONUS = "bonus"  # 加分项: adds up to its points on top of the parent
    PENALTY = "penalty"  # 减分项: subtracts up to its points


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as written in the scheme. ``kind`` names an entry of ``engine.rules.REGISTRY``;
    the registry parses and validates ``params``."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DepartmentShare:
    """One department's part of an item (an item may be split: 4 + 3 + 2.5 + 1.5)."""

    department: str
    points: Decimal | None = None  # None: the department scores the whole item


@dataclass(frozen=True, slots=True)
class EvidenceRequirement:
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A node of the indicator tree. Leaves are scored items; inner nodes add up children."""

    id: str
    name: str
    points: Decimal
    children: tuple[Indicator, ...] = ()
    kind: ItemKind = ItemKind.NORMAL
    rule: RuleSpec | None = None  # leaves only; None means manual score in [0, points]
    standard: str = ""  # 评分标准
    departments: tuple[DepartmentShare, ...] = ()
    evidence: EvidenceRequirement = EvidenceRequirement()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> tuple[Indicator, ...]:
        if self.is_leaf:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())


class ComponentMethod(StrEnum):
    RATING = "rating"  # live rating by rater groups
    INDICATORS = "indicators"  # indicator table scored by units/departments/reviewers
    IMPORTED = "imported"  # a score from elsewhere, converted (折算)


class GradeScaleMode(StrEnum):
    POINTS = "points"  # each grade is worth fixed points (好=100 …)
    COEFFICIENT = "coefficient"  # each grade is a coefficient of the component's points


@dataclass(frozen=True, slots=True)
class ScaleGrade:
    name: str  # 好 / 良好 / 较好 / 一般 / 差
    value: Decimal  # points, or coefficient in COEFFICIENT mode
    choices: tuple[Decimal, ...] = ()  # 档内可选分: a rater may pick one of these instead


@dataclass(frozen=True, slots=True)
class GradeScale:
    grades: tuple[ScaleGrade, ...]  # best first
    mode: GradeScaleMode = GradeScaleMode.POINTS
    scale_max: Decimal = Decimal(100)  # the value a unit scores when every ballot is the top grade
    abstain: str | None = None  # label of the "不了解/弃权" option; counts as no vote


@dataclass(frozen=True, slots=True)
class RaterGroup:
    id: str
    name: str
    weight: Decimal  # percent; the groups of a rating add up to 100


class TrimScope(StrEnum):
    GROUP = "group"  # drop highest/lowest inside each rater group
    OVERALL = "overall"  # drop across all ballots of the unit, then weight


@dataclass(frozen=True, slots=True)
class TrimSpec:
    above: int = 5  # trim only when there are MORE than this many valid ballots
    per_side: int = 1
    scope: TrimScope = TrimScope.GROUP


class EmptyGroupPolicy(StrEnum):
    RENORMALIZE = "renormalize"  # the other groups' weights are scaled up to 100%
    FAIL = "fail"  # the unit gets no rating score and a flag


@dataclass(frozen=True, slots=True)
class BallotQuota:
    """A per-ballot-sheet constraint on how often some grades may be used.

    Counts or shares (percent of the units graded on the sheet); None means no bound.
    """

    grades: tuple[str, ...]
    max_count: int | None = None
    min_count: int | None = None
    max_share: Decimal | None = None
    min_share: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BallotRules:
    quotas: tuple[BallotQuota, ...] = ()
    all_identical_invalid: bool = False  # only applies to sheets grading 2+ units
    min_valid_ballots: int = 0  # a unit with fewer valid ballots gets no rating result


@dataclass(frozen=True, slots=True)
class RatingSpec:
    scale: GradeScale
    groups: tuple[RaterGroup, ...]
    trim: TrimSpec | None = None
    empty_group: EmptyGroupPolicy = EmptyGroupPolicy.RENORMALIZE
    ballot_rules: BallotRules = BallotRules()


class ConversionMethod(StrEnum):
    PROPORTIONAL = "proportional"  # raw / raw_max × points
    RELATIVE_TO_BEST = "relative_to_best"  # raw / best raw in category × points
    BY_RANK = "by_rank"  # 1st = points, minus step_percent % per place
    VOTE_SHARE_BAND = "vote_share_band"  # share of top grades → points by bands
    RANK_BONUS = "rank_bonus"  # top N get bonuses, bottom N get penalties (added to raw)


@dataclass(frozen=True, slots=True)
class ShareBand:
    min_share: Decimal  # percent, inclusive
    points: Decimal


@dataclass(frozen=True, slots=True)
class ConversionSpec:
    method: ConversionMethod
    raw_max: Decimal | None = None  # PROPORTIONAL
    step_percent: Decimal | None = None  # BY_RANK
    bands: tuple[ShareBand, ...] = ()  # VOTE_SHARE_BAND, best first
    top_grades: tuple[str, ...] = ()  # VOTE_SHARE_BAND: which grades count as "top"
    top_bonuses: tuple[Decimal, ...] = ()  # RANK_BONUS: +5, +4, … for 1st, 2nd, …
    bottom_penalties: tuple[Decimal, ...] = ()  # RANK_BONUS: −5, −4, … for last, second last, …


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    name: str
    points: Decimal
    method: ComponentMethod
    indicators: tuple[Indicator, ...] = ()  # INDICATORS: the top-level nodes
    rating: RatingSpec | None = None  # RATING
    conversion: ConversionSpec | None = None  # IMPORTED (required), RATING/INDICATORS (optional)
    allow_above_points: bool = False  # bonus items may lift the score above points


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str
    components: tuple[str, ...]  # component ids, in display order


class QuotaRounding(StrEnum):
    HALF_UP = "half_up"  # 四舍五入
    CEIL = "ceil"  # 进一法
    FLOOR = "floor"


@dataclass(frozen=True, slots=True)
class Quota:
    max_percent: Decimal  # e.g. 20 → at most 20% of the category's units
    rounding: QuotaRounding = QuotaRounding.HALF_UP


@dataclass(frozen=True, slots=True)
class GradeBand:
    """A band is reached at ``min_percent`` of the unit's maximum (so one scheme can grade
    categories with different maxima), or at ``min_score`` if given."""

    name: str
    min_percent: Decimal | None = None
    min_score: Decimal | None = None
    quota: Quota | None = None


@dataclass(frozen=True, slots=True)
class StarTier:
    name: str  # 五星级
    stars: int
    min_score: Decimal


class TieBreakKind(StrEnum):
    COMPONENT = "component"  # higher score in a component wins
    TOP_GRADE_COUNT = "top_grade_count"  # more ballots of the top grade (in a rating component)
    ITEM = "item"  # higher score in an indicator


@dataclass(frozen=True, slots=True)
class TieBreak:
    kind: TieBreakKind
    ref: str  # component id or item id


class TiePolicy(StrEnum):
    SHARED = "shared"  # 并列: 1, 2, 2, 4
    CHAIN = "chain"  # break ties by the chain; still tied → shared


@dataclass(frozen=True, slots=True)
class RankingSpec:
    ties: TiePolicy = TiePolicy.SHARED
    chain: tuple[TieBreak, ...] = ()


class NotApplicablePolicy(StrEnum):
    FULL_POINTS = "full_points"
    RESCALE = "rescale"  # leave the item out; the remaining items are scaled up to the parent


class ScoreBasis(StrEnum):
    CONFIRMED = "confirmed"  # 核定分
    REVIEWED = "reviewed"  # 复核分 / department score
    SELF = "self"  # 自评分


@dataclass(frozen=True, slots=True)
class Scheme:
    id: str
    name: str
    year: int | None
    categories: tuple[Category, ...]
    components: tuple[Component, ...]
    rounding: RoundingPolicy = RoundingPolicy()
    grade_bands: tuple[GradeBand, ...] = ()  # best first
    stars: tuple[StarTier, ...] = ()  # most stars first
    ranking: RankingSpec = RankingSpec()
    not_applicable: NotApplicablePolicy = NotApplicablePolicy.FULL_POINTS
    # The first score present in this order is the one that counts for an item.
    score_basis: tuple[ScoreBasis, ...] = (ScoreBasis.CONFIRMED, ScoreBasis.REVIEWED, ScoreBasis.SELF)
    organizer: str = ""

    def component(self, component_id: str) -> Component:
        for component in self.components:
            if component.id == component_id:
                return component
        raise KeyError(component_id)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def max_for(self, category_id: str) -> Decimal:
        category = self.category(category_id)
        return sum((self.component(c).points for c in category.components), Decimal(0))
