"""Template helpers for scores: Decimals without trailing zeros, missing shown as 缺失."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from kaoping.engine.numbers import fmt

register = template.Library()


@register.filter
def num(value: object) -> str:
    """12.5000 → "12.5", 3 → "3", None → ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


@register.filter
def num_or_missing(value: object) -> str:
    return num(value) or _("缺失")


_FLAG_LABELS = {
    "missing_input": "缺数据",
    "tie_on_quota_boundary": "名额边界并列",
    "veto": "一票否决",
    "downgraded": "降一等次",
    "not_excellent": "不得评优",
    "too_few_ballots": "有效票不足",
    "invalid_ballot": "无效票",
    "empty_rater_group": "评委组无票",
    "out_of_range": "分数超范围",
}


@register.filter
def flag_label(code: object) -> str:
    """A short Chinese label for an engine flag code (the full message goes in the title)."""
    return _(_FLAG_LABELS.get(str(code), str(code)))
