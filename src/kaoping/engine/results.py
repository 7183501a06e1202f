"""What the engine returns. Every number carries the words that explain it.

Some explanations are *lazy* (``lazy_text``): the engine keeps the numbers the words are made
of and formats the Chinese text the first time the field is read (then keeps it). A reader never
sees the difference: the field reads as the same ``str``, equality, hashing, ``repr`` and pickling
go through the text. Only text that would otherwise be built for every unit of a province-scale
run and rarely read is lazy (a rating's formula, a grade's and a rank's reasons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast


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


# --------------------------------------------------------------------------------------------
# Lazy explanations
# --------------------------------------------------------------------------------------------


class _Lazy:
    """Text not formatted yet: ``render(*args)`` makes it. ``text`` is what it was rendered into
    when a field first read it (the field then holds that text instead: see ``same_text``)."""

    __slots__ = ("args", "render", "text")

    def __init__(self, render: Callable[..., str], args: tuple[Any, ...]) -> None:
        self.render = render
        self.args = args
        self.text: str | None = None


def lazy_text(render: Callable[..., str], *args: Any) -> str:
    """A text field's value that is formatted by ``render(*args)`` when first read. Only for the
    fields made lazy below; typed ``str`` because that is what every reader gets."""
    return cast(str, _Lazy(render, args))


class _LazyField:
    """Wraps a slot of a frozen dataclass so that a ``lazy_text`` value renders on first read."""

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = self.slot.__get__(instance, owner)
        if value.__class__ is _Lazy:
            value.text = text = value.render(*value.args)
            self.slot.__set__(instance, text)
            return text
        return value

    def __set__(self, instance: object, value: Any) -> None:
        self.slot.__set__(instance, value)

    def __delete__(self, instance: object) -> None:
        self.slot.__delete__(instance)


def rendered(value: str) -> str:
    """``value`` as text, whether it came from ``lazy_text`` or not."""
    stored: object = value
    if stored.__class__ is _Lazy:
        lazy = cast(_Lazy, stored)
        return lazy.render(*lazy.args)
    return value


def same_text(old: str, new: str) -> bool:
    """``new`` is ``old`` itself, or the very text a lazy ``old`` became when a field first read
    it. Reuse by identity must survive that: a result's unrendered text kept from one run is read
    back as the rendered text in the next once anyone (storing the result) has read it."""
    if old is new:
        return True
    kept: object = old
    return kept.__class__ is _Lazy and cast(_Lazy, kept).text is new


def unrendered(instance: object, name: str) -> str:
    """A lazy field's value as stored (still lazy if nobody read it): for passing it on to
    another result without formatting it."""
    return cast(str, _raw_slot(type(instance), name).__get__(instance, type(instance)))


def unrendered_reader(cls: type, name: str) -> Callable[[Any], str]:
    """``unrendered`` for one field of one class, as a fast function."""
    reader: Callable[[Any], str] = _raw_slot(cls, name).__get__
    return reader


def _make_lazy(cls: type, *names: str) -> None:
    for name in names:
        setattr(cls, name, _LazyField(cls.__dict__[name]))


_make_lazy(RatingResult, "explanation")
_make_lazy(ComponentResult, "explanation")
_make_lazy(UnitResult, "grade_explanation", "rank_explanation")


def slot_constructor[T](cls: type[T], names: tuple[str, ...]) -> Callable[..., T]:
    """A constructor for a frozen slots dataclass that sets the slots through their descriptors:
    the identical object at half the cost of the generated ``__init__`` (used where a
    province-scale run makes one per unit or per item). Falls back to ``cls`` if the
    dataclass's fields ever stop matching ``names``."""
    if tuple(f.name for f in fields(cls)) != names:  # type: ignore[arg-type]
        return cls
    # unrolled: one setter call per field, no loop (it runs once per unit or per item)
    namespace: dict[str, Any] = {f"set_{name}": _raw_slot(cls, name).__set__ for name in names}
    namespace["new"] = object.__new__
    namespace["cls"] = cls
    arguments = ", ".join(names)
    lines = [f"def build({arguments}):", "    instance = new(cls)"]
    lines += [f"    set_{name}(instance, {name})" for name in names]
    lines.append("    return instance")
    exec("\n".join(lines), namespace)  # code made from the dataclass's own field names
    build: Callable[..., T] = namespace["build"]
    return build


def _raw_slot(cls: type, name: str) -> Any:
    attribute = cls.__dict__[name]
    return attribute.slot if isinstance(attribute, _LazyField) else attribute
