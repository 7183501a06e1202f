"""One item's engine input from what is stored about it, by the engine's own rules.

The standings (``kaoping.results``) build hundreds of thousands of these per campaign; the review,
department and self-assessment pages build one at a time (``kaoping.assessments.counting``). Both
go through ``item_input`` so that what a person sees before saving is what the standings use.

The rules here:

- **Split items** (4 + 3 + 2.5 + 1.5): more than one department has its own share; each scores
  its share and the parts add up (``engine.rules.manual.SplitManualRule`` reads them from
  ``ItemInput.department_scores``).
- **A whole item scored by departments**: one department's score is the reviewed score; several
  departments jointly responsible average their scores, rounded to four places (四舍五入). Until
  every department has scored there is no reviewed score.
- **Department shares**: a department's points for an item are its share, or the whole item's
  points when the item is not split.
- **Self-assessment data** (self score, figures, level, triggered, not applicable, note) comes
  from the unit's entry; a 核定分's reason counts only with a 核定分.

Per-item work is kept cheap (it runs 200,000 times at province scale): ``item_facts`` works out
what depends on the scheme once per item, and a self-assessment entry is read by position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from kaoping.engine.inputs import NO_VALUES, ItemInput
from kaoping.engine.model import Indicator, Rounding

__all__ = [
    "ENTRY_FIELDS",
    "JOINT_AVERAGE",
    "ItemFacts",
    "department_share",
    "figures_from_stored",
    "is_split",
    "item_facts",
    "item_input",
    "reviewed_from_departments",
    "unit_item_inputs",
]

_ZERO = Decimal(0)
# Several departments jointly responsible for a whole item: their average, to four places.
JOINT_AVERAGE = Rounding(4)

# A self-assessment entry is any sequence whose LAST six values are these, in this order (a
# database row may carry other columns first: ``values_list("unit_id", "item_id", *ENTRY_FIELDS)``).
ENTRY_FIELDS = ("self_score", "figures", "level", "triggered", "not_applicable", "note")


def is_split(item: Indicator) -> bool:
    """Split items (4 + 3 + 2.5 + 1.5): each department scores its own share and the shares add up."""
    return sum(1 for share in item.departments if share.points is not None) > 1


def department_share(item: Indicator, department: str) -> Decimal | None:
    """The department's points for ``item`` (its full points when it scores the whole item);
    None when the department is not assigned to the item."""
    for share in item.departments:
        if share.department == department:
            return share.points if share.points is not None else item.points
    return None


def reviewed_from_departments(item: Indicator, scores: Mapping[str, Decimal | None]) -> Decimal | None:
    """One reviewed score from the departments' scores (department name → score), None until all are in.

    Split items add up; several departments jointly responsible for a whole item average (四位小数)."""
    if not item.departments:
        return None
    values = [scores.get(share.department) for share in item.departments]
    present = [value for value in values if value is not None]
    if len(present) < len(values):
        return None
    total = sum(present, _ZERO)
    if len(present) == 1 or is_split(item):
        return total
    return JOINT_AVERAGE.apply(total / len(present))


class ItemFacts(NamedTuple):
    """What ``item_input`` needs to know about an item, worked out once per scheme item."""

    item: Indicator
    item_id: str
    split: bool
    departments: tuple[str, ...]


def item_facts(item: Indicator) -> ItemFacts:
    return ItemFacts(item, item.id, is_split(item), tuple(share.department for share in item.departments))


def figures_from_stored(figures: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """Stored figures (name → number text) as Decimals."""
    return {name: Decimal(value) for name, value in figures.items()} if figures else {}


def _reviewed(facts: ItemFacts, scores: Mapping[str, Decimal | None]) -> Decimal | None:
    departments = facts.departments
    if len(departments) == 1:
        value = scores.get(departments[0])
        # the same arithmetic as the general rule (a sum from 0), so the exponent is identical
        return None if value is None else _ZERO + value
    return reviewed_from_departments(facts.item, scores)


def item_input(
    unit_id: str,
    facts: ItemFacts,
    entry: Sequence[Any] | None,
    department_scores: Mapping[str, Decimal | None],
    confirmed_score: Decimal | None,
    review_note: str,
) -> ItemInput:
    """One item's ``ItemInput`` from what is stored about it.

    ``entry``: the unit's self-assessment (its last six values are ``ENTRY_FIELDS``) or None;
    ``department_scores``: department name (the scheme's) → score, None where not scored yet;
    ``confirmed_score`` / ``review_note``: the 核定分 and its reason (None / "" when there is none).
    A split item's scores go to ``department_scores``; a whole item's to ``reviewed_score``."""
    split = facts.split
    reviewed = None
    if department_scores and not split:
        reviewed = _reviewed(facts, department_scores)
    parts = {k: v for k, v in department_scores.items() if v is not None} if split else NO_VALUES
    note_of_review = review_note if confirmed_score is not None else ""
    return _with_entry(unit_id, facts.item_id, entry, reviewed, confirmed_score, parts, note_of_review)


def _with_entry(
    unit_id: str,
    item_id: str,
    entry: Sequence[Any] | None,
    reviewed: Decimal | None,
    confirmed_score: Decimal | None,
    parts: Mapping[str, Decimal],
    review_note: str,
) -> ItemInput:
    """The ItemInput with the unit's self-assessment entry (or none) read into it."""
    if entry is None:
        return _new_input(
            (unit_id, item_id, None, reviewed, confirmed_score, NO_VALUES, None, None, False, parts, "", review_note)
        )
    figures = entry[-5]
    return _new_input(
        (
            unit_id,
            item_id,
            entry[-6],
            reviewed,
            confirmed_score,
            {name: Decimal(value) for name, value in figures.items()} if figures else NO_VALUES,
            entry[-4] or None,
            entry[-3],
            entry[-2],
            parts,
            entry[-1],
            review_note,
        )
    )


def unit_item_inputs(
    unit_id: str,
    facts_list: Sequence[ItemFacts],
    entries: Mapping[str, Sequence[Any]],
    department_scores: Mapping[str, Mapping[str, Decimal | None]],
    confirmed: Mapping[str, tuple[Decimal | None, str]],
    sums: dict[int, tuple[Decimal, Decimal]] | None = None,
) -> tuple[ItemInput, ...]:
    """``item_input`` for every item of one unit, in ``facts_list``'s order, from what is stored
    about the unit by item id: its self-assessment entries, its departments' scores and its 核定分
    with their reasons. The same ItemInputs, item for item; a whole item scored by at most one
    department (nearly every item) is read here rather than through ``item_input``, whose
    general path was a third of the per-item cost when a province's 2,000,000 items are loaded.

    ``sums``: a caller that builds many units from shared score objects passes one dict for all of
    them, and each score object's reviewed value (``0 + score``) is then made once and shared, not
    once per item. It is keyed by the object's id and keeps the object, so an id is never reused."""
    if sums is None:
        sums = {}
    built: list[ItemInput] = []
    append = built.append
    entry_of, scores_of, confirmed_of = entries.get, department_scores.get, confirmed.get
    for facts in facts_list:
        item_id = facts.item_id
        entry = entry_of(item_id)
        scores = scores_of(item_id)
        review = confirmed_of(item_id)
        departments = facts.departments
        if facts.split or len(departments) > 1:
            score, note = review if review is not None else (None, "")
            append(item_input(unit_id, facts, entry, scores or NO_VALUES, score, note))
            continue
        reviewed = None
        if scores and departments:
            value = scores.get(departments[0])
            if value is not None:
                made = sums.get(id(value))
                if made is None:
                    made = sums[id(value)] = (value, _ZERO + value)  # as ``_reviewed``
                reviewed = made[1]
        score, note = review if review is not None else (None, "")
        if score is None:
            note = ""
        append(_with_entry(unit_id, item_id, entry, reviewed, score, NO_VALUES, note))
    return tuple(built)


# ItemInput's fields in order, as ``item_input`` passes them to ``tuple.__new__`` (the generated
# ``__new__`` with keywords is 0.5 µs of a 1 µs budget per item at 2,000,000 items).
_FIELD_ORDER = (
    "unit_id",
    "item_id",
    "self_score",
    "reviewed_score",
    "confirmed_score",
    "figures",
    "level",
    "triggered",
    "not_applicable",
    "department_scores",
    "note",
    "review_note",
)


def _new_input(values: tuple[Any, ...]) -> ItemInput:
    return tuple.__new__(ItemInput, values)


if ItemInput._fields != _FIELD_ORDER:  # pragma: no cover - a guard for whoever edits ItemInput
    raise ImportError("engine.stored.item_input passes ItemInput's fields by position; update _FIELD_ORDER")
