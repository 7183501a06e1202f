"""What the engine scores: units and the data collected about them. Missing stays ``None``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    category: str


# The one empty mapping every ItemInput without figures or department shares points to:
# read-only, so sharing it is safe, and 2,000,000 items need not each carry an empty dict.
NO_VALUES: Mapping[str, Decimal] = MappingProxyType({})


class ItemInput(NamedTuple):
    """Everything known about one item of one unit. Any field may be missing.

    A named tuple rather than a frozen dataclass: a province's campaign builds 2,000,000 of these
    on every full load, and a frozen dataclass's generated ``__init__`` (one ``object.__setattr__``
    per field) cost ≈3 µs each, a third of the load. Still immutable; ``_replace`` makes a changed copy.
    """

    unit_id: str
    item_id: str
    self_score: Decimal | None = None  # 自评分
    reviewed_score: Decimal | None = None  # 复核分 / department score
    confirmed_score: Decimal | None = None  # 核定分
    figures: Mapping[str, Decimal] = NO_VALUES  # data the rule reads
    level: str | None = None  # A/B/C attainment, stepped level, …
    triggered: bool | None = None  # for veto / downgrade / not-excellent items
    not_applicable: bool = False
    department_scores: Mapping[str, Decimal] = NO_VALUES  # split items
    note: str = ""  # 得失分说明
    review_note: str = ""  # the reviewer's reason for the 核定分 (调整理由)


@dataclass(frozen=True, slots=True)
class Ballot:
    """One grade given by one rater to one unit in one rating component.

    ``sheet`` groups the grades a rater handed in together (per-ballot quotas apply to a
    sheet); it defaults to the rater. ``rater_unit`` is the rater's own unit, which the
    rater never counts for. ``grade`` None or the scale's abstain label means abstain.
    """

    component_id: str
    rater_id: str
    rater_group: str
    target_unit: str
    grade: str | None
    points: Decimal | None = None  # a choice within the grade (档内可选分)
    rater_unit: str | None = None
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedScore:
    unit_id: str
    component_id: str
    raw: Decimal
    raw_max: Decimal | None = None  # overrides the scheme's raw_max for this unit


@dataclass(frozen=True, slots=True)
class Inputs:
    """What one run scores. Items come either as one flat ``items`` tuple or already grouped in
    ``unit_items`` (unit id → that unit's items, in the scheme's order as the results loader gives
    them), never both. A caller that scores the same campaign again and again with a memo passes
    ``unit_items`` and keeps each unchanged unit's tuple: the memo then knows that unit by the
    tuple's identity, without looking at its 100 items, and no flat tuple of every item is built."""

    units: tuple[Unit, ...]
    items: tuple[ItemInput, ...] = ()
    ballots: tuple[Ballot, ...] = ()
    imported: tuple[ImportedScore, ...] = ()
    unit_items: Mapping[str, tuple[ItemInput, ...]] | None = None
    # The ballots in batches that share no sheet (a rating session's), instead of ``ballots``: a
    # caller with a memo keeps each unchanged batch's tuple, and only new batches are counted.
    ballot_batches: tuple[tuple[Ballot, ...], ...] | None = None

    def __post_init__(self) -> None:
        if self.items and self.unit_items is not None:
            raise ValueError("Inputs takes items or unit_items, not both")
        if self.ballots and self.ballot_batches is not None:
            raise ValueError("Inputs takes ballots or ballot_batches, not both")
