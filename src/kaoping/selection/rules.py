"""Eligibility rules of a selection, each checked per nominee with a Chinese reason.

A rule is ``{"kind": …, "value": …}``; the nominee's facts (中共党员, 教龄, 近三年处分) are on the
nomination. A missing fact is never read as passing: 教龄未填写 fails 教龄不少于 N 年.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

PARTY_MEMBER = "party_member"
MIN_TEACHING_YEARS = "min_teaching_years"
NO_DISCIPLINE = "no_discipline"
KINDS = (PARTY_MEMBER, MIN_TEACHING_YEARS, NO_DISCIPLINE)


@dataclass(frozen=True)
class Check:
    rule: str  # the rule in words
    passed: bool
    reason: str


def describe(rule: dict[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == PARTY_MEMBER:
        return _("须为中共党员")
    if kind == MIN_TEACHING_YEARS:
        return _("教龄不少于 %(years)d 年") % {"years": int(rule.get("value") or 0)}
    if kind == NO_DISCIPLINE:
        return _("近三年无处分")
    return _("未知条件")


def build(*, party_member: bool, min_years: int | None, no_discipline: bool) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    if party_member:
        rules.append({"kind": PARTY_MEMBER})
    if min_years:
        rules.append({"kind": MIN_TEACHING_YEARS, "value": int(min_years)})
    if no_discipline:
        rules.append({"kind": NO_DISCIPLINE})
    return rules


def check(rule: dict[str, Any], nomination: Any) -> Check:
    kind = rule.get("kind")
    words = describe(rule)
    if kind == PARTY_MEMBER:
        if nomination.party_member:
            return Check(words, True, _("是中共党员"))
        return Check(words, False, _("不是中共党员"))
    if kind == MIN_TEACHING_YEARS:
        need = int(rule.get("value") or 0)
        years = nomination.teaching_years
        if years is None:
            return Check(words, False, _("未填写教龄"))
        if years >= need:
            return Check(words, True, _("教龄 %(years)d 年") % {"years": years})
        return Check(words, False, _("教龄 %(years)d 年,不足 %(need)d 年") % {"years": years, "need": need})
    if kind == NO_DISCIPLINE:
        if nomination.disciplined:
            return Check(words, False, _("近三年受过处分"))
        return Check(words, True, _("近三年无处分"))
    return Check(words, False, _("无法核对的条件"))


def checks(rules: list[dict[str, Any]], nomination: Any) -> list[Check]:
    return [check(rule, nomination) for rule in rules]


def failures(rules: list[dict[str, Any]], nomination: Any) -> list[str]:
    return [f"{c.rule}:{c.reason}" for c in checks(rules, nomination) if not c.passed]
