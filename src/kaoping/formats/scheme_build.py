"""Plain scheme data (parsed YAML/JSON) → engine ``Scheme``, with every semantic problem found.

The JSON Schema has already checked shapes and types; this module reads the data defensively
(a value of the wrong type is skipped, not re-reported) and checks what a schema cannot: sums,
orders, cross references, duplicate ids and rule parameters. Each problem is located by the
same path the schema uses (``components[2].indicators[0].children[3].points``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from kaoping.engine.model import (
    Category,
    Component,
    ComponentMethod,
    ConversionMethod,
    ConversionSpec,
    DepartmentShare,
    EvidenceRequirement,
    Indicator,
    ItemKind,
    NotApplicablePolicy,
    RatingSpec,
    RuleSpec,
    Scheme,
)
from kaoping.formats.parsing import (
    DepartmentTextError,
    format_decimal,
    parse_decimal,
    parse_departments,
)
from kaoping.formats.problems import Problem
from kaoping.formats.scheme_parts import PartsBuilder, as_id, as_list, as_map, as_text, at

HUNDRED = Decimal(100)
ZERO = Decimal(0)
# Known rule kinds, used only while engine.rules (written concurrently) cannot be imported.
FALLBACK_RULE_KINDS = frozenset(
    {
        "manual",
        "threshold",
        "deduct_per_unit_short",
        "deduct_per_occurrence",
        "stepped",
        "ratio_to_target",
        "attainment",
        "n_of_m",
        "veto",
        "downgrade",
        "not_excellent",
    }
)
RuleValidator = Callable[[RuleSpec, Indicator], list[str]]


def rule_params(value: object) -> Any:
    """Rule parameters with every number made an exact Decimal (ints stay ints).

    Numeric strings count as numbers too ("0.1"), so a scheme stored as JSON text reads back
    equal. Words stay words (figure names, modes).
    """
    if isinstance(value, Mapping):
        return {str(key): rule_params(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rule_params(item) for item in value]
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, str | float | Decimal):
        number = parse_decimal(value)
        return number if number is not None else value
    return value


def load_rule_validator() -> RuleValidator | None:
    """``engine.rules.validate_rule`` if it can be imported; the validator degrades without it."""
    try:
        from kaoping.engine import rules  # optional: written concurrently
    except Exception:  # a half-written rules package must not break scheme validation
        return None
    validator = getattr(rules, "validate_rule", None)
    return validator if callable(validator) else None


class SchemeBuilder(PartsBuilder):
    """Builds a Scheme from data while collecting problems instead of raising."""

    def __init__(self, rule_validator: RuleValidator | None = None, *, files_read: bool = False) -> None:
        super().__init__()
        self.rule_validator = rule_validator
        self.files_read = files_read  # indicators_file was resolved (or reported) by the file reader
        self.named_rules: dict[str, Mapping[str, Any]] = {}  # the scheme's top-level `rules:`

    # -- the scheme -----------------------------------------------------------------------

    def build(self, data: Mapping[str, Any]) -> Scheme:
        head = as_map(data.get("scheme"))
        self.named_rules = {str(k): as_map(v) for k, v in as_map(data.get("rules")).items()}
        components = self.components(as_list(data.get("components")))
        categories = self.categories(as_list(data.get("categories")), components)
        year = head.get("year")
        scheme = Scheme(
            id=as_id(head.get("id")),
            name=as_text(head.get("name")),
            year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            organizer=as_text(head.get("organizer")),
            categories=categories,
            components=components,
            rounding=self.rounding_policy(as_map(data.get("rounding"))),
            grade_bands=self.bands(as_list(as_map(data.get("grading")).get("bands"))),
            stars=self.stars(as_list(data.get("stars"))),
            ranking=self.ranking(as_map(data.get("ranking")), components),
            not_applicable=self.enum(NotApplicablePolicy, data.get("not_applicable"), NotApplicablePolicy.FULL_POINTS),
            score_basis=self.score_basis(data.get("score_basis")),
        )
        return scheme

    # -- categories -----------------------------------------------------------------------

    def categories(self, raws: list[Any], components: tuple[Component, ...]) -> tuple[Category, ...]:
        known = {component.id for component in components}
        used: set[str] = set()
        seen: dict[str, str] = {}
        categories = []
        for index, value in enumerate(raws):
            raw, location = as_map(value), at("categories", index)
            category = Category(
                id=as_id(raw.get("id")),
                name=as_text(raw.get("name")),
                components=tuple(as_id(ref) for ref in as_list(raw.get("components"))),
            )
            self.unique(seen, category.id, at(location, "id"), "类别")
            self.check_category(category, known, location)
            used.update(category.components)
            categories.append(category)
        for index, component in enumerate(components):
            if raws and component.id not in used:
                self.report(
                    at("components", index),
                    f"考核项目“{component.name or component.id}”没有被任何类别使用,"
                    "请在某个类别的 components 中列出它,或删除它",
                )
        return tuple(categories)

    def check_category(self, category: Category, known: set[str], location: str) -> None:
        label = category.name or category.id
        if not category.components:
            self.report(at(location, "components"), f"类别“{label}”没有任何考核项目")
        seen: set[str] = set()
        for index, ref in enumerate(category.components):
            ref_location = at(at(location, "components"), index)
            if ref not in known:
                self.report(ref_location, f"类别“{label}”引用了不存在的考核项目“{ref}”")
            elif ref in seen:
                self.report(ref_location, f"类别“{label}”重复列出考核项目“{ref}”")
            seen.add(ref)

    # -- components -----------------------------------------------------------------------

    def components(self, raws: list[Any]) -> tuple[Component, ...]:
        seen: dict[str, str] = {}
        components = []
        for index, value in enumerate(raws):
            location = at("components", index)
            component = self.component(as_map(value), location)
            self.unique(seen, component.id, at(location, "id"), "考核项目")
            components.append(component)
        return tuple(components)

    def component(self, raw: Mapping[str, Any], location: str) -> Component:
        component_id = as_id(raw.get("id"))
        name = as_text(raw.get("name")) or component_id
        points = self.required_number(raw, "points", location)
        if "points" in raw:
            self.positive(points, at(location, "points"), "考核项目分值")
        method = self.maybe_enum(ComponentMethod, raw.get("method"))
        indicators: tuple[Indicator, ...] = ()
        if "indicators" in raw:
            siblings = as_list(raw.get("indicators"))
            indicators = self.indicator_list(siblings, points, at(location, "indicators"), name)
        rating = self.rating(as_map(raw["rating"]), at(location, "rating")) if "rating" in raw else None
        conversion = (
            self.conversion(as_map(raw["conversion"]), at(location, "conversion")) if "conversion" in raw else None
        )
        self.check_method(raw, method, rating, conversion, location, name)
        return Component(
            id=component_id,
            name=name,
            points=points,
            method=method or ComponentMethod.INDICATORS,
            indicators=indicators,
            rating=rating,
            conversion=conversion,
            allow_above_points=raw.get("allow_above_points") is True,
        )

    def check_method(
        self,
        raw: Mapping[str, Any],
        method: ComponentMethod | None,
        rating: RatingSpec | None,
        conversion: ConversionSpec | None,
        location: str,
        name: str,
    ) -> None:
        if method is ComponentMethod.RATING and rating is None:
            self.report(location, f"测评类考核项目“{name}”缺少 rating(等次、评委组)")
        elif method is ComponentMethod.RATING and rating and not rating.scale.grades:
            self.report(at(at(location, "rating"), "scale"), f"测评类考核项目“{name}”没有设置等次")
        if method is ComponentMethod.IMPORTED and conversion is None:
            self.report(location, f"导入类考核项目“{name}”缺少 conversion(折算方法)")
        if "indicators_file" in raw and not self.files_read:
            self.report(
                at(location, "indicators_file"),
                "indicators_file(Excel 指标表)只能在读取方案文件时引用;请把指标写在 indicators 中",
            )
        elif method is ComponentMethod.INDICATORS and not raw.get("indicators") and "indicators_file" not in raw:
            self.report(location, f"量化考核项目“{name}”缺少 indicators(指标)")
        if (
            conversion
            and conversion.method is ConversionMethod.VOTE_SHARE_BAND
            and method is not ComponentMethod.RATING
        ):
            self.report(at(location, "conversion"), "按好评率折算(vote_share_band)只能用于测评类考核项目")

    # -- indicators -----------------------------------------------------------------------

    def indicator_list(
        self,
        raws: list[Any],
        parent_points: Decimal | None,
        location: str,
        parent_name: str,
        prefix: str = "",
    ) -> tuple[Indicator, ...]:
        """Build sibling indicators; weights resolve against ``parent_points``."""
        nodes = []
        for index, value in enumerate(raws):
            raw = as_map(value)
            auto_id = f"{prefix}{index + 1}"
            node = self.indicator(raw, parent_points, at(location, index), parent_name, auto_id)
            nodes.append(node)
        siblings = tuple(nodes)
        if parent_points is not None:
            self.check_siblings(raws, siblings, parent_points, location, parent_name)
        return siblings

    def indicator(
        self,
        raw: Mapping[str, Any],
        parent_points: Decimal | None,
        location: str,
        parent_name: str,
        auto_id: str,
    ) -> Indicator:
        name = as_text(raw.get("name"))
        item_id = as_id(raw.get("id")) or auto_id
        own_points = self.own_points(raw, parent_points, location, name)
        children_raw = as_list(raw.get("children"))
        children = self.indicator_list(children_raw, own_points, at(location, "children"), name, prefix=f"{item_id}.")
        points = own_points
        if points is None:
            points = sum((c.points for c in children if c.kind is ItemKind.NORMAL), ZERO)
            if not children_raw and "points" not in raw and "weight" not in raw:
                self.report(location, f"指标“{name}”缺少分值(points 或 weight)")
        self.unique(self.item_ids, item_id, at(location, "id") if "id" in raw else location, "指标")
        indicator = Indicator(
            id=item_id,
            name=name,
            points=points,
            children=children,
            kind=self.enum(ItemKind, raw.get("kind"), ItemKind.NORMAL),
            standard=as_text(raw.get("standard")),
            departments=self.departments(raw.get("departments"), points, location),
            evidence=self.evidence(raw.get("evidence")),
        )
        if parent_points is not None and points > parent_points:
            self.report(
                at(location, "points" if "points" in raw else "weight"),
                f"指标“{name}”的分值 {format_decimal(points)} 超过上级“{parent_name}”的 "
                f"{format_decimal(parent_points)} 分",
            )
        return self.with_rule(indicator, raw, location)

    def own_points(
        self, raw: Mapping[str, Any], parent_points: Decimal | None, location: str, name: str
    ) -> Decimal | None:
        """Points written (`points`) or resolved from a weight (percent of the parent)."""
        points = self.number(raw.get("points"), at(location, "points"))
        weight = self.number(raw.get("weight"), at(location, "weight"))
        if "points" in raw and "weight" in raw:
            self.report(location, f"指标“{name}”同时写了 points 和 weight,只能写其中一个")
        self.positive(points, at(location, "points"), "分值", zero_ok=True)
        self.positive(weight, at(location, "weight"), "权重", zero_ok=True)
        if points is not None or weight is None:
            return points
        if parent_points is None:
            self.report(
                at(location, "weight"),
                f"指标“{name}”按权重计分,但上级没有写分值,无法换算",
            )
            return None
        return parent_points * weight / HUNDRED

    def check_siblings(
        self,
        raws: list[Any],
        siblings: tuple[Indicator, ...],
        parent_points: Decimal,
        location: str,
        parent_name: str,
    ) -> None:
        """Normal children add up to the parent; bonus and penalty items stand apart."""
        normal = [(as_map(raw), node) for raw, node in zip(raws, siblings, strict=True) if node.kind is ItemKind.NORMAL]
        unreadable = any(
            key in raw and parse_decimal(raw[key]) is None for raw, _ in normal for key in ("points", "weight")
        )
        if not normal or unreadable:
            return  # a number that is not a number was reported already; a sum would only echo it
        if all("weight" in raw and "points" not in raw for raw, _ in normal):
            weights = [parse_decimal(raw.get("weight")) for raw, _ in normal]
            if None not in weights:
                total = sum((w for w in weights if w is not None), ZERO)
                if total != HUNDRED:
                    self.report(
                        location,
                        f"“{parent_name}”的下级权重合计 {format_decimal(total)},应为 100",
                    )
            return
        total = sum((node.points for _, node in normal), ZERO)
        if total != parent_points:
            self.report(
                location,
                f"“{parent_name}”的下级分值合计 {format_decimal(total)} 分,"
                f"与本级分值 {format_decimal(parent_points)} 分不一致"
                "(加分项、减分项不计入合计)",
            )

    def departments(self, value: object, points: Decimal, location: str) -> tuple[DepartmentShare, ...]:
        location = at(location, "departments")
        items = [value] if isinstance(value, str) else as_list(value)
        shares: list[DepartmentShare] = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                try:
                    shares.extend(parse_departments(item))
                except DepartmentTextError as error:
                    self.report(at(location, index) if isinstance(value, list) else location, str(error))
            elif isinstance(item, Mapping):
                name = as_text(item.get("department"))
                share = self.number(item.get("points"), at(at(location, index), "points"))
                shares.append(DepartmentShare(name, share))
        split = [share.points for share in shares if share.points is not None]
        if split and sum(split, ZERO) != points:
            self.report(
                location,
                f"责任处室分值合计 {format_decimal(sum(split, ZERO))} 分,与本项分值 {format_decimal(points)} 分不一致",
            )
        return tuple(shares)

    @staticmethod
    def evidence(value: object) -> EvidenceRequirement:
        if isinstance(value, str):
            return EvidenceRequirement(required=bool(value.strip()), description=value.strip())
        if isinstance(value, bool):
            return EvidenceRequirement(required=value)
        raw = as_map(value)
        return EvidenceRequirement(required=raw.get("required") is True, description=as_text(raw.get("description")))

    def resolve_rule(self, value: object, location: str) -> Mapping[str, Any] | None:
        """An item's rule: written out, or named (`rule: 班额达标`, or `{use: 班额达标, standard: 85}`
        to change some parameters) from the scheme's `rules:`."""
        if isinstance(value, str):
            name, overrides = value.strip(), {}
        elif isinstance(value, Mapping) and "use" in value:
            name, overrides = as_text(value.get("use")), {k: v for k, v in value.items() if k != "use"}
        else:
            return value if isinstance(value, Mapping) else None
        named = self.named_rules.get(name)
        if named is None:
            self.report(location, f"引用了未定义的计分规则“{name}”(请在顶层 rules 中定义)")
            return None
        return {**named, **overrides}

    def with_rule(self, indicator: Indicator, raw: Mapping[str, Any], location: str) -> Indicator:
        location = at(location, "rule")
        rule_raw = self.resolve_rule(raw.get("rule"), location)
        if rule_raw is None:
            return indicator
        params = rule_params({k: v for k, v in rule_raw.items() if k != "kind"})
        rule = RuleSpec(kind=as_text(rule_raw.get("kind")), params=params)
        indicator = Indicator(
            id=indicator.id,
            name=indicator.name,
            points=indicator.points,
            children=indicator.children,
            kind=indicator.kind,
            rule=rule,
            standard=indicator.standard,
            departments=indicator.departments,
            evidence=indicator.evidence,
        )
        if indicator.children:
            self.report(location, f"指标“{indicator.name}”有下级指标,计分规则只能写在末级指标上")
        elif rule.kind:
            for message in self.rule_problems(rule, indicator):
                self.report(location, message)
        return indicator

    def rule_problems(self, rule: RuleSpec, indicator: Indicator) -> list[str]:
        if self.rule_validator is None:
            if rule.kind in FALLBACK_RULE_KINDS:
                return []
            return [f"未知的计分规则 '{rule.kind}'"]
        try:
            return list(self.rule_validator(rule, indicator))
        except Exception as error:  # the validator is someone else's code; never a traceback
            return [f"检查计分规则“{rule.kind}”时出错:{error}"]


def collect(builder_problems: Iterable[Problem], schema_problems: Sequence[Problem]) -> list[Problem]:
    """Schema problems first; builder problems at a location the schema already flagged are
    echoes of the same mistake and are dropped."""
    flagged = {p.location for p in schema_problems}
    return [*schema_problems, *(p for p in builder_problems if p.location not in flagged)]
