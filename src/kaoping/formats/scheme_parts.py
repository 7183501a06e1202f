"""Scheme parts that stand apart from the indicator trees: rounding, live rating, conversion,
grade bands, star tiers and tie-breaks, read from plain data with their semantic checks.

``SchemeBuilder`` (scheme_build.py) extends ``PartsBuilder``; problems are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

from kaoping.engine.model import (
    BallotQuota,
    BallotRules,
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    EmptyGroupPolicy,
    GradeBand,
    GradeScale,
    GradeScaleMode,
    Quota,
    QuotaRounding,
    RankingSpec,
    RaterGroup,
    RatingSpec,
    Rounding,
    RoundingMode,
    RoundingPolicy,
    ScaleGrade,
    ScoreBasis,
    ShareBand,
    StarTier,
    TieBreak,
    TieBreakKind,
    TiePolicy,
    TrimScope,
    TrimSpec,
)
from kaoping.formats.parsing import format_decimal, parse_decimal
from kaoping.formats.problems import Problem

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def at(base: str, key: str | int) -> str:
    """Extend a location: at("components", 2) → "components[2]"."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def as_map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_id(value: object) -> str:
    """Ids may be written as numbers (`id: 15`, `id: 1.10`); they are always text inside, and a
    decimal id keeps the digits as written (the loaders build Decimals from the literal text)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | str | Decimal):
        return str(value).strip()
    return ""


def as_int(value: object) -> int | None:
    """An integer written as one; anything else (already reported by the schema) is None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


class BuilderBase:
    """Problem collection and the small readers every part uses."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.item_ids: dict[str, str] = {}  # item id → where it was first defined

    def report(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    # -- numbers --------------------------------------------------------------------------

    def number(self, value: object, location: str) -> Decimal | None:
        """A Decimal, or None (schema errors are reported by the schema, so stay quiet here)."""
        return parse_decimal(value)

    def positive(self, value: Decimal | None, location: str, what: str, *, zero_ok: bool = False) -> None:
        """Report a negative (or, unless ``zero_ok``, a zero) number."""
        if value is None or value > 0 or (zero_ok and value == 0):
            return
        rule = "不能为负数" if zero_ok else "应大于 0"
        self.report(location, f"{what} {format_decimal(value)} {rule}")

    def required_number(self, raw: Mapping[str, Any], key: str, location: str) -> Decimal:
        value = self.number(raw.get(key), at(location, key))
        return value if value is not None else ZERO

    @staticmethod
    def maybe_enum[E](kind: type[E], value: object) -> E | None:
        """The enum member written, or None (a bad value was already reported by the schema)."""
        try:
            return kind(value)  # type: ignore[call-arg]
        except ValueError:
            return None

    @classmethod
    def enum[E](cls, kind: type[E], value: object, default: E) -> E:
        member = cls.maybe_enum(kind, value)
        return default if member is None else member

    def unique(self, seen: dict[str, str], key: str, location: str, what: str) -> None:
        if not key:
            return
        if key in seen:
            self.report(location, f"{what}编号“{key}”重复(已在 {seen[key]} 使用)")
        else:
            seen[key] = location


class PartsBuilder(BuilderBase):
    """Rounding, rating, conversion, bands, stars and ranking."""

    def score_basis(self, value: object) -> tuple[ScoreBasis, ...]:
        if not isinstance(value, list):
            return (ScoreBasis.CONFIRMED, ScoreBasis.REVIEWED, ScoreBasis.SELF)
        bases = [ScoreBasis(v) for v in value if v in set(ScoreBasis)]
        return tuple(dict.fromkeys(bases))

    # -- rounding -------------------------------------------------------------------------

    def rounding_policy(self, raw: Mapping[str, Any]) -> RoundingPolicy:
        default = RoundingPolicy()
        points = ("item", "rating", "conversion", "component", "total")
        values = {name: self.rounding(raw[name]) if name in raw else getattr(default, name) for name in points}
        return RoundingPolicy(**values)

    def rounding(self, value: object) -> Rounding | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return Rounding(places=value)
        raw = as_map(value)
        places = raw.get("places", 2)
        mode = self.enum(RoundingMode, raw.get("mode"), RoundingMode.HALF_UP)
        return Rounding(places=places if isinstance(places, int) else 2, mode=mode)

    # -- rating ---------------------------------------------------------------------------

    def rating(self, raw: Mapping[str, Any], location: str) -> RatingSpec:
        scale = self.scale(as_map(raw.get("scale")), at(location, "scale"))
        groups = self.groups(as_list(raw.get("groups")), at(location, "groups"))
        trim_raw = raw.get("trim")
        trim = None
        if isinstance(trim_raw, Mapping):
            trim = TrimSpec(
                above=as_int(trim_raw.get("above")) or 5,
                per_side=as_int(trim_raw.get("per_side")) or 1,
                scope=self.enum(TrimScope, trim_raw.get("scope"), TrimScope.GROUP),
            )
        rules = self.ballot_rules(as_map(raw.get("ballot_rules")), scale, at(location, "ballot_rules"))
        return RatingSpec(
            scale=scale,
            groups=groups,
            trim=trim,
            empty_group=self.enum(EmptyGroupPolicy, raw.get("empty_group"), EmptyGroupPolicy.RENORMALIZE),
            ballot_rules=rules,
        )

    def scale(self, raw: Mapping[str, Any], location: str) -> GradeScale:
        mode = self.enum(GradeScaleMode, raw.get("mode"), GradeScaleMode.POINTS)
        grades = self.scale_grades(raw.get("grades"), at(location, "grades"))
        default_max = max((g.value for g in grades), default=HUNDRED)
        if mode is GradeScaleMode.COEFFICIENT:
            default_max = Decimal(1)
        scale_max = self.number(raw.get("max"), at(location, "max")) or default_max
        abstain = raw.get("abstain")
        abstain_label = abstain.strip() if isinstance(abstain, str) and abstain.strip() else None
        if abstain_label and abstain_label in {g.name for g in grades}:
            self.report(at(location, "abstain"), f"弃权选项“{abstain_label}”与等次同名")
        return GradeScale(grades=grades, mode=mode, scale_max=scale_max, abstain=abstain_label)

    def scale_grades(self, value: object, location: str) -> tuple[ScaleGrade, ...]:
        if isinstance(value, Mapping):
            pairs = [(str(name), grade, at(location, str(name))) for name, grade in value.items()]
            raws: list[tuple[str, object, tuple[object, ...], str]] = [
                (name, grade, (), loc) for name, grade, loc in pairs
            ]
        else:
            raws = []
            for index, item in enumerate(as_list(value)):
                raw = as_map(item)
                choices = tuple(as_list(raw.get("choices")))
                raws.append((as_text(raw.get("name")), raw.get("value"), choices, at(location, index)))
        grades = []
        seen: dict[str, str] = {}
        for name, grade_value, choices, grade_location in raws:
            self.unique(seen, name, grade_location, "等次")
            number = self.number(grade_value, grade_location)
            numbers = tuple(n for n in (parse_decimal(c) for c in choices) if n is not None)
            grades.append(ScaleGrade(name, number if number is not None else ZERO, numbers))
        for before, after, (_, _, _, grade_location) in zip(grades, grades[1:], raws[1:], strict=False):
            if after.value > before.value:
                self.report(grade_location, f"等次应按分值从高到低排列:“{after.name}”高于“{before.name}”")
        return tuple(grades)

    def groups(self, raws: list[Any], location: str) -> tuple[RaterGroup, ...]:
        groups = []
        seen: dict[str, str] = {}
        for index, value in enumerate(raws):
            raw = as_map(value)
            group = RaterGroup(
                id=as_id(raw.get("id")),
                name=as_text(raw.get("name")),
                weight=self.required_number(raw, "weight", at(location, index)),
            )
            self.unique(seen, group.id, at(at(location, index), "id"), "评委组")
            if "weight" in raw:
                self.positive(group.weight, at(at(location, index), "weight"), "评委组权重")
            groups.append(group)
        if not groups:
            self.report(location, "至少需要一个评委组")
            return ()
        total = sum((g.weight for g in groups), ZERO)
        if total != HUNDRED:
            self.report(location, f"评委组权重合计 {format_decimal(total)}%,应为 100%")
        return tuple(groups)

    def ballot_rules(self, raw: Mapping[str, Any], scale: GradeScale, location: str) -> BallotRules:
        names = {g.name for g in scale.grades}
        quotas = []
        for index, value in enumerate(as_list(raw.get("quotas"))):
            quota = as_map(value)
            grades = tuple(as_text(g) for g in as_list(quota.get("grades")))
            for grade in grades:
                if grade not in names:
                    self.report(at(at(location, "quotas"), index), f"限额中的等次“{grade}”不在等次表中")
            quotas.append(
                BallotQuota(
                    grades=grades,
                    max_count=as_int(quota.get("max_count")),
                    min_count=as_int(quota.get("min_count")),
                    max_share=parse_decimal(quota.get("max_share")),
                    min_share=parse_decimal(quota.get("min_share")),
                )
            )
        min_valid = raw.get("min_valid_ballots", 0)
        return BallotRules(
            quotas=tuple(quotas),
            all_identical_invalid=raw.get("all_identical_invalid") is True,
            min_valid_ballots=min_valid if isinstance(min_valid, int) else 0,
        )

    # -- conversion -----------------------------------------------------------------------

    def conversion(self, raw: Mapping[str, Any], location: str) -> ConversionSpec | None:
        method = self.maybe_enum(ConversionMethod, raw.get("method"))
        if method is None:
            return None
        spec = ConversionSpec(
            method=method,
            raw_max=parse_decimal(raw.get("raw_max")),
            step_percent=parse_decimal(raw.get("step_percent")),
            bands=tuple(
                ShareBand(
                    parse_decimal(as_map(b).get("min_share")) or ZERO,
                    parse_decimal(as_map(b).get("points")) or ZERO,
                )
                for b in as_list(raw.get("bands"))
            ),
            top_grades=tuple(as_text(g) for g in as_list(raw.get("top_grades"))),
            top_bonuses=self.numbers(raw.get("top_bonuses")),
            bottom_penalties=self.numbers(raw.get("bottom_penalties")),
        )
        self.check_conversion(spec, location)
        return spec

    @staticmethod
    def numbers(value: object) -> tuple[Decimal, ...]:
        return tuple(n for n in (parse_decimal(v) for v in as_list(value)) if n is not None)

    def check_conversion(self, spec: ConversionSpec, location: str) -> None:
        needs = {
            ConversionMethod.PROPORTIONAL: (spec.raw_max is not None, "raw_max(原始满分)"),
            ConversionMethod.BY_RANK: (spec.step_percent is not None, "step_percent(每名次递减百分比)"),
            ConversionMethod.VOTE_SHARE_BAND: (
                bool(spec.bands and spec.top_grades),
                "bands(好评率分档)和 top_grades(计入好评的等次)",
            ),
            ConversionMethod.RANK_BONUS: (
                bool(spec.top_bonuses or spec.bottom_penalties),
                "top_bonuses 或 bottom_penalties(名次加减分)",
            ),
        }
        present, what = needs.get(spec.method, (True, ""))
        if not present:
            self.report(location, f"折算方法 {spec.method.value} 需要写 {what}")
        if spec.raw_max is not None and spec.raw_max <= 0:
            self.report(at(location, "raw_max"), "原始满分 raw_max 必须大于 0")

    # -- grading, stars, ranking ----------------------------------------------------------

    def bands(self, raws: list[Any]) -> tuple[GradeBand, ...]:
        bands = []
        seen: dict[str, str] = {}
        for index, value in enumerate(raws):
            raw, location = as_map(value), at(at("grading", "bands"), index)
            quota_raw = raw.get("quota")
            quota = None
            if isinstance(quota_raw, Mapping):
                quota = Quota(
                    max_percent=parse_decimal(quota_raw.get("max_percent")) or ZERO,
                    rounding=self.enum(QuotaRounding, quota_raw.get("rounding"), QuotaRounding.HALF_UP),
                )
            band = GradeBand(
                name=as_text(raw.get("name")),
                min_percent=parse_decimal(raw.get("min_percent")),
                min_score=parse_decimal(raw.get("min_score")),
                quota=quota,
            )
            self.unique(seen, band.name, at(location, "name"), "等次")
            bands.append(band)
        self.check_bands(raws, bands)
        return tuple(bands)

    def check_bands(self, raws: list[Any], bands: Sequence[GradeBand]) -> None:
        location = at("grading", "bands")
        uses_percent = any(b.min_percent is not None for b in bands)
        uses_score = any(b.min_score is not None for b in bands)
        if uses_percent and uses_score:
            self.report(location, "等次线请统一使用 min_percent(得分率)或 min_score(分数),不要混用")
            return
        key = "percent" if uses_percent else "score"
        previous: GradeBand | None = None
        for index, (raw, band) in enumerate(zip(raws, bands, strict=True)):
            band_location = at(location, index)
            minimum = band.min_percent if uses_percent else band.min_score
            if band.min_percent is not None and band.min_score is not None:
                self.report(band_location, f"等次“{band.name}”同时写了 min_percent 和 min_score")
            if minimum is None and index < len(bands) - 1:
                self.report(band_location, f"等次“{band.name}”缺少下限(只有最后一个等次可以不写下限)")
            self.check_band_against_previous(as_map(raw), band, minimum, previous, band_location, key)
            if minimum is not None:
                previous = band
            if band.quota is not None and not ZERO < band.quota.max_percent <= HUNDRED:
                self.report(at(band_location, "quota"), "名额比例 max_percent 应在 0 到 100 之间")

    def check_band_against_previous(
        self,
        raw: Mapping[str, Any],
        band: GradeBand,
        minimum: Decimal | None,
        previous: GradeBand | None,
        location: str,
        key: str,
    ) -> None:
        if previous is None:
            return
        prev_min = previous.min_percent if key == "percent" else previous.min_score
        assert prev_min is not None
        fmt = format_decimal
        if minimum is not None and minimum >= prev_min:
            word = "重叠" if minimum == prev_min else "顺序颠倒"
            self.report(
                at(location, f"min_{key}"),
                f"等次“{band.name}”的下限 {fmt(minimum)} 不低于上一等次“{previous.name}”的下限 "
                f"{fmt(prev_min)}({word});等次应从高到低排列",
            )
        maximum = parse_decimal(raw.get(f"max_{key}"))
        if maximum is None:
            return
        if maximum > prev_min:
            self.report(
                at(location, f"max_{key}"),
                f"等次“{band.name}”的上限 {fmt(maximum)} 与“{previous.name}”(≥{fmt(prev_min)})重叠",
            )
        elif maximum < prev_min:
            self.report(
                at(location, f"max_{key}"),
                f"等次“{band.name}”的上限 {fmt(maximum)} 与“{previous.name}”的下限 {fmt(prev_min)} 之间有空档",
            )

    def stars(self, raws: list[Any]) -> tuple[StarTier, ...]:
        tiers = []
        for value in raws:
            raw = as_map(value)
            stars = raw.get("stars")
            tiers.append(
                StarTier(
                    name=as_text(raw.get("name")),
                    stars=stars if isinstance(stars, int) else 0,
                    min_score=parse_decimal(raw.get("min_score")) or ZERO,
                )
            )
        for index, (before, after) in enumerate(pairwise(tiers), start=1):
            if after.stars >= before.stars or after.min_score >= before.min_score:
                self.report(
                    at("stars", index),
                    f"星级应从高到低排列:“{after.name}”({after.stars}星,≥{format_decimal(after.min_score)}分)"
                    f"应低于“{before.name}”({before.stars}星,≥{format_decimal(before.min_score)}分)",
                )
        return tuple(tiers)

    def ranking(self, raw: Mapping[str, Any], components: tuple[Component, ...]) -> RankingSpec:
        chain = []
        by_id = {c.id: c for c in components}
        for index, value in enumerate(as_list(raw.get("chain"))):
            link = as_map(value)
            kind = self.maybe_enum(TieBreakKind, link.get("kind"))
            if kind is None:
                continue
            tie = TieBreak(kind, as_id(link.get("ref")))
            self.check_tie_break(tie, by_id, at(at(at("ranking", "chain"), index), "ref"))
            chain.append(tie)
        ties = self.enum(TiePolicy, raw.get("ties"), TiePolicy.CHAIN if chain else TiePolicy.SHARED)
        if ties is TiePolicy.CHAIN and not chain:
            self.report(at("ranking", "chain"), "ties 为 chain 时需要写出比较顺序 chain")
        return RankingSpec(ties=ties, chain=tuple(chain))

    def check_tie_break(self, tie: TieBreak, by_id: Mapping[str, Component], location: str) -> None:
        if tie.kind is TieBreakKind.ITEM:
            if tie.ref not in self.item_ids:
                self.report(location, f"并列比较引用了不存在的指标“{tie.ref}”")
            return
        component = by_id.get(tie.ref)
        if component is None:
            self.report(location, f"并列比较引用了不存在的考核项目“{tie.ref}”")
        elif tie.kind is TieBreakKind.TOP_GRADE_COUNT and component.method is not ComponentMethod.RATING:
            self.report(location, f"“最高等次票数”只能引用测评类考核项目,“{tie.ref}”不是")
