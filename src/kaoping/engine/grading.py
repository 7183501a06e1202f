"""Grade bands (等次), star tiers (星级) and ranks (排名).

Grading, per unit and then per category:

1. The score band: the first band, best first, whose line the total reaches —
   ``min_score`` if set, else ``min_percent`` of the unit's maximum; a band with neither is
   reached by any total (the usual last band, 不合格).
2. Modifiers: ``veto`` (一票否决) → the lowest band; ``downgrade`` (降一个等次) → one band
   lower than the score band; ``not_excellent`` (不得评为优秀) → not the top band. Downgrade
   and not-excellent are each applied to the score band and the stricter one counts, so a
   优秀 unit with both ends up 良好 (not 合格).
3. Quotas, best band first, within each category: at most ``round(max_percent% × units in the
   category)`` units (rounded by the quota's rounding: 四舍五入, 进一法 or 去尾) keep the band, in
   order of total; the others fall to the next band, whose own quota then applies to them too.
   When units tie exactly on the quota boundary the engine does not choose among them: all
   the tied units are shown provisionally in the next band (so the quota is never exceeded
   automatically) and each gets the flag TIE_ON_QUOTA_BOUNDARY "需人工裁定".

Ranking: ties SHARED (1, 2, 2, 4) or CHAIN (compare ``tie_keys`` in order, higher wins, a
missing key loses; still tied → shared). A unit without a total has no grade and no rank.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from kaoping.engine.model import (
    GRADE_MODIFIERS,
    GradeBand,
    Quota,
    QuotaRounding,
    RankingSpec,
    Scheme,
    StarTier,
    TieBreak,
    TieBreakKind,
    TiePolicy,
)
from kaoping.engine.numbers import fixed, fmt
from kaoping.engine.results import Flag, FlagCode, _make_lazy, lazy_text, rendered, slot_constructor

__all__ = [
    "GradeOutcome",
    "GradingEntry",
    "RankEntry",
    "RankOutcome",
    "assign_stars",
    "grade_units",
    "quota_limit",
    "rank_units",
]

MODIFIERS = GRADE_MODIFIERS
_HUNDRED = Decimal(100)
_QUOTA_MODES = {
    QuotaRounding.HALF_UP: ROUND_HALF_UP,
    QuotaRounding.CEIL: ROUND_CEILING,
    QuotaRounding.FLOOR: ROUND_FLOOR,
}
_QUOTA_WORDS = {
    QuotaRounding.HALF_UP: "四舍五入",
    QuotaRounding.CEIL: "进一法",
    QuotaRounding.FLOOR: "去尾法",
}


@dataclass(frozen=True, slots=True)
class GradingEntry:
    unit_id: str
    category: str
    total: Decimal | None
    max: Decimal
    modifiers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GradeOutcome:
    grade: str | None
    explanation: str
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class RankEntry:
    unit_id: str
    total: Decimal | None
    tie_keys: tuple[Decimal | None, ...] = ()


@dataclass(frozen=True, slots=True)
class RankOutcome:
    rank: int | None
    explanation: str


# worded when read (engine.results.lazy_text): 20,000 units' reasons are rarely all read
_make_lazy(GradeOutcome, "explanation")
_make_lazy(RankOutcome, "explanation")

# one of each per unit: the unrolled constructors (engine.results.slot_constructor)
new_grading_entry = slot_constructor(GradingEntry, ("unit_id", "category", "total", "max", "modifiers"))
new_rank_entry = slot_constructor(RankEntry, ("unit_id", "total", "tie_keys"))
_new_grade_outcome = slot_constructor(GradeOutcome, ("grade", "explanation", "flags"))
_new_rank_outcome = slot_constructor(RankOutcome, ("rank", "explanation"))


_SHOWN_UNITS = 10


def _unit_list(unit_ids: Sequence[str], shown: int = _SHOWN_UNITS) -> str:
    """``a、b、c``; long lists are cut so that a tie of hundreds stays readable."""
    if len(unit_ids) <= shown:
        return "、".join(unit_ids)
    return "、".join(unit_ids[:shown]) + f" 等 {len(unit_ids)} 个单位"


# --------------------------------------------------------------------------------------------
# Grades
# --------------------------------------------------------------------------------------------


def quota_limit(quota: Quota, units: int) -> int:
    """How many units a quota allows among ``units`` (20% of 12 = 2.4 → 2 四舍五入, 3 进一法)."""
    exact = quota.max_percent * units / _HUNDRED
    return int(exact.quantize(Decimal(1), rounding=_QUOTA_MODES[quota.rounding]))


def _band_line(band: GradeBand, maximum: Decimal) -> tuple[Decimal | None, str]:
    if band.min_score is not None:
        return band.min_score, f"{fmt(band.min_score)} 分"
    if band.min_percent is not None:
        line = maximum * band.min_percent / _HUNDRED
        return line, f"满分的 {fmt(band.min_percent)}%({fixed(line)} 分)"
    return None, "无分数线"


_BandLines = tuple[tuple[Decimal | None, str], ...]


def _score_band(
    bands: Sequence[GradeBand], total: Decimal, maximum: Decimal, lines: _BandLines | None = None
) -> tuple[int | None, str]:
    """``lines``: the bands' ``_band_line`` for this maximum, when the caller has them already."""
    percent = f"({fixed(total * _HUNDRED / maximum)}%)" if maximum > 0 else ""
    head = f"总分 {fixed(total)}/{fmt(maximum)}{percent}"
    if lines is None:
        lines = tuple(_band_line(band, maximum) for band in bands)
    for index, band in enumerate(bands):
        line, words = lines[index]
        if line is None:
            return index, f"{head},未达到更高等次的分数线 → “{band.name}”"
        if total >= line:
            return index, f"{head},达到“{band.name}”分数线 {words} → “{band.name}”"
    return None, f"{head},未达到任何等次的分数线"


def _apply_modifiers(
    bands: Sequence[GradeBand], index: int | None, modifiers: frozenset[str]
) -> tuple[int | None, list[str]]:
    last = len(bands) - 1
    notes: list[str] = []
    if "veto" in modifiers:
        notes.append(f"一票否决 → “{bands[last].name}”")
        return last, notes
    if index is None:
        return None, notes
    result = index
    if "downgrade" in modifiers and index < last:
        result = index + 1
        notes.append(f"降一个等次 → “{bands[result].name}”")
    if "not_excellent" in modifiers and index == 0 and last >= 1:
        result = max(result, 1)
        notes.append(f"不得评为“{bands[0].name}” → “{bands[result].name}”")
    return result, notes


@dataclass(slots=True)
class _Placed:
    entry: GradingEntry
    index: int | None
    notes: list[str]
    flags: list[Flag] = field(default_factory=list)


def _apply_quota(band_index: int, bands: Sequence[GradeBand], placed: list[_Placed]) -> None:
    """Apply the quota of one band to one category's units (all of ``placed``)."""
    band = bands[band_index]
    quota = band.quota
    if quota is None or band_index == len(bands) - 1:
        return
    limit = quota_limit(quota, len(placed))
    rule = (
        f"“{band.name}”名额为本类别 {len(placed)} 个单位的 {fmt(quota.max_percent)}%"
        f"({_QUOTA_WORDS[quota.rounding]})= {limit} 个"
    )
    holders = [p for p in placed if p.index == band_index]
    if len(holders) <= limit:
        return
    holders.sort(key=lambda p: p.entry.unit_id)  # ties listed the same way whatever the input order
    holders.sort(key=_total_or_zero, reverse=True)
    next_name = bands[band_index + 1].name
    boundary = holders[limit - 1].entry.total if limit > 0 else None
    tie = boundary is not None and holders[limit].entry.total == boundary
    places = _competition_places([_total_or_zero(p) for p in holders])
    tied_ids = [p.entry.unit_id for p in holders if p.entry.total == boundary] if tie else []
    seats = places[limit - 1] - 1 if tie else 0  # units above the tie keep their seats
    for position, holder in enumerate(holders, start=1):
        if tie and holder.entry.total == boundary:
            assert boundary is not None
            holder.index = band_index + 1
            others = _unit_list([u for u in tied_ids if u != holder.entry.unit_id])
            message = (
                f"与 {others} 同分 {fixed(boundary)},处在名额边界上"
                f"(剩余 {limit - seats} 个名额),暂定为“{next_name}”,需人工裁定是否评为“{band.name}”"
            )
            holder.notes.append(f"{rule};{message}")
            holder.flags.append(Flag(FlagCode.TIE_ON_QUOTA_BOUNDARY, f"{holder.entry.unit_id}:{message}"))
        elif position > limit:
            holder.index = band_index + 1
            holder.notes.append(f"{rule},本单位按总分排第 {places[position - 1]},超出名额 → “{next_name}”")


def _competition_places(totals_best_first: list[Decimal]) -> list[int]:
    """1, 2, 2, 4 for totals already sorted best first."""
    places: list[int] = []
    for position, total in enumerate(totals_best_first, start=1):
        same = bool(places) and totals_best_first[position - 2] == total
        places.append(places[-1] if same else position)
    return places


def _total_or_zero(placed: _Placed) -> Decimal:
    return placed.entry.total if placed.entry.total is not None else Decimal(0)


def grade_units(scheme: Scheme, entries: Sequence[GradingEntry]) -> dict[str, GradeOutcome]:
    """Grade every entry by the scheme's bands, modifiers and per-category quotas."""
    bands = scheme.grade_bands
    if not bands:
        return {e.unit_id: GradeOutcome(None, "本方案未设等次") for e in entries}
    by_category: dict[str, list[_Placed]] = defaultdict(list)
    outcomes: dict[str, GradeOutcome] = {}
    # The band lines depend on the unit's maximum only: worked out once per maximum (equal
    # maxima give equal lines and texts, whatever their exponent).
    lines_by_max: dict[Decimal, _BandLines] = {}
    for entry in entries:
        unknown = entry.modifiers - MODIFIERS
        if entry.total is None:
            # A vetoed unit fails even without a total; otherwise no grade.
            score_index, text = None, "总分缺失"
        else:
            lines = lines_by_max.get(entry.max)
            if lines is None:
                lines = lines_by_max[entry.max] = tuple(_band_line(band, entry.max) for band in bands)
            score_index = _band_index(bands, entry.total, lines)
            text = lazy_text(_band_text, bands, entry.total, entry.max, lines)
        index, notes = _apply_modifiers(bands, score_index, entry.modifiers)
        if entry.total is None and index is None:
            outcomes[entry.unit_id] = GradeOutcome(None, "总分缺失,不评等次")
            continue
        notes.insert(0, text)
        if unknown:
            notes.append("忽略未知的等次修正:" + "、".join(sorted(unknown)))
        by_category[entry.category].append(_Placed(entry, index, notes))

    for placed in by_category.values():
        for band_index in range(len(bands)):
            _apply_quota(band_index, bands, placed)
        for p in placed:
            grade = None if p.index is None else bands[p.index].name
            outcomes[p.entry.unit_id] = _new_grade_outcome(grade, lazy_text(_joined, p.notes), tuple(p.flags))
    return outcomes


def _joined(notes: list[str]) -> str:
    return ";".join([rendered(note) for note in notes])


def _band_index(bands: Sequence[GradeBand], total: Decimal, lines: _BandLines) -> int | None:
    """The band ``_score_band`` reaches, without its words."""
    for index in range(len(bands)):
        line = lines[index][0]
        if line is None or total >= line:
            return index
    return None


def _band_text(bands: Sequence[GradeBand], total: Decimal, maximum: Decimal, lines: _BandLines) -> str:
    return _score_band(bands, total, maximum, lines)[1]


# --------------------------------------------------------------------------------------------
# Stars
# --------------------------------------------------------------------------------------------


def assign_stars(scheme: Scheme, total: Decimal | None) -> StarTier | None:
    """The highest star tier whose ``min_score`` the total reaches; None if none or missing."""
    if total is None:
        return None
    reached = [tier for tier in scheme.stars if tier.min_score <= total]
    if not reached:
        return None
    return max(reached, key=lambda tier: (tier.stars, tier.min_score))


# --------------------------------------------------------------------------------------------
# Ranks
# --------------------------------------------------------------------------------------------


def _link_label(link: TieBreak) -> str:
    if link.kind is TieBreakKind.COMPONENT:
        return f"项目“{link.ref}”得分"
    if link.kind is TieBreakKind.TOP_GRADE_COUNT:
        return f"“{link.ref}”最高等次票数"
    return f"指标“{link.ref}”得分"


_Key = tuple[tuple[int, Decimal], ...]


def _sort_key(values: Sequence[Decimal | None]) -> _Key:
    # A missing value loses against any present value.
    return tuple((0, Decimal(0)) if v is None else (1, v) for v in values)


def _keys(spec: RankingSpec, entry: RankEntry) -> tuple[Decimal | None, ...]:
    assert entry.total is not None
    if spec.ties is TiePolicy.SHARED:
        return (entry.total,)
    links = len(spec.chain)
    padded = tuple(entry.tie_keys[:links]) + (None,) * (links - len(entry.tie_keys))
    return (entry.total, *padded)


def _shown(value: Decimal | None) -> str:
    return "缺失" if value is None else fmt(value)


def rank_units(spec: RankingSpec, entries: Sequence[RankEntry]) -> dict[str, RankOutcome]:
    """Rank the units of one category. Missing total → rank None."""
    ranked = [e for e in entries if e.total is not None]
    # By unit id first, so that units that stay tied are listed in the same order whatever
    # order the entries came in; then (stable) by key, best first.
    keyed = sorted(((_sort_key(_keys(spec, e)), e) for e in ranked), key=lambda pair: pair[1].unit_id)
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    rank_of_key: dict[_Key, int] = {}
    for position, (key, _) in enumerate(keyed, start=1):
        rank_of_key.setdefault(key, position)
    same_total: dict[Decimal, list[tuple[_Key, RankEntry]]] = defaultdict(list)
    same_key: dict[_Key, list[str]] = defaultdict(list)
    for key, entry in keyed:
        assert entry.total is not None
        same_total[entry.total].append((key, entry))
        same_key[key].append(entry.unit_id)
    outcomes = {e.unit_id: RankOutcome(None, "总分缺失,不参加排名") for e in entries if e.total is None}
    size = len(ranked)
    among = "参加排名的" if size < len(entries) else ""
    for key, entry in keyed:
        assert entry.total is not None
        rank = rank_of_key[key]
        text = lazy_text(_rank_text, spec, entry, rank, size, among, same_total[entry.total], same_key[key])
        outcomes[entry.unit_id] = _new_rank_outcome(rank, text)
    return outcomes


def _rank_text(
    spec: RankingSpec,
    entry: RankEntry,
    rank: int,
    size: int,
    among: str,
    same_total: list[tuple[_Key, RankEntry]],
    same_key: list[str],
) -> str:
    assert entry.total is not None
    text = f"总分 {fixed(entry.total)},本类别{among} {size} 个单位中第 {rank} 名"
    tied_total = [e.unit_id for _, e in same_total if e.unit_id != entry.unit_id]
    tied_all = [u for u in same_key if u != entry.unit_id]
    if tied_total and spec.ties is TiePolicy.CHAIN and spec.chain:
        text += f"(总分与 {_unit_list(tied_total)} 相同,按同分比较链依次比较:{_chain_comparison(spec, same_total)}"
        text += f";仍与 {_unit_list(tied_all)} 相同,并列)" if tied_all else ")"
    elif tied_all:
        text += f"(与 {_unit_list(tied_all)} 同分,并列)"
    return text


def _chain_comparison(spec: RankingSpec, group: list[tuple[_Key, RankEntry]]) -> str:
    """The links that were compared for units with equal totals, each unit's value best first.

    Stops at the first link after which every unit of the group stands apart.
    """
    if spec.ties is not TiePolicy.CHAIN or not spec.chain:
        return ""
    parts: list[str] = []
    for depth, link in enumerate(spec.chain, start=1):
        values = [f"{entry.unit_id} {_shown(_keys(spec, entry)[depth])}" for _, entry in group[:_SHOWN_UNITS]]
        more = f" 等 {len(group)} 个单位" if len(group) > _SHOWN_UNITS else ""
        parts.append(f"{_link_label(link)} {'、'.join(values)}{more}")
        if len({key[: depth + 1] for key, _ in group}) == len(group):
            break
    return ";".join(parts)
