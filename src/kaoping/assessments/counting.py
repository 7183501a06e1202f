"""What will count for one item of one unit, worked out by the engine's own rule.

The review and department pages show it next to the input, and the review service compares a
new 核定分 with it, so what a person sees before saving is what the standings will use. The
standings themselves are computed in bulk by ``kaoping.results``; this is the one-item view of
the same rule: the input is built by ``engine.stored.item_input`` (as the standings build it)
and scored by ``engine.items.count_item``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.assessments.selectors import scheme_for
from kaoping.campaigns.models import CampaignUnit
from kaoping.engine import stored
from kaoping.engine.inputs import ItemInput
from kaoping.engine.items import NOT_APPLICABLE, count_item
from kaoping.engine.model import Indicator, ItemKind, Scheme
from kaoping.engine.rules import is_computed, takes_no_score


@dataclass(frozen=True)
class Counted:
    """One item's counting score as a person enters it: the score, or for a penalty item the
    deduction. ``score`` None is missing (never 0)."""

    score: Decimal | None
    explanation: str
    basis: str | None
    computed: bool  # the rule computes the score from the unit's figures
    no_score: bool  # decided by being triggered (veto, downgrade, not excellent), never by a score
    penalty: bool

    @property
    def basis_label(self) -> str:
        labels = {
            "confirmed": _("核定分"),
            "reviewed": _("处室评分"),
            "self": _("自评分"),
            "rule": _("按规则计算"),
            "not_applicable": _("不适用"),
        }
        return labels.get(self.basis or "", _("缺失"))


def counted(
    scheme: Scheme,
    item: Indicator,
    *,
    entry: SelfAssessment | None,
    department_scores: Mapping[str, Decimal | None],
    confirmed: Decimal | None = None,
    review_note: str = "",
) -> Counted:
    """The item's score as the engine will count it from these rows (``department_scores`` by the
    scheme's department name; ``confirmed`` None leaves the review out)."""
    inp = _item_input(item, entry, department_scores, confirmed, review_note)
    score, explanation, basis, _flag = count_item(scheme, item, inp)
    penalty = item.kind is ItemKind.PENALTY
    computed, no_score = is_computed(item.rule), takes_no_score(item.rule)
    if basis == NOT_APPLICABLE:
        explanation = _("单位标记为不适用")
    return Counted(score, explanation, basis, computed, no_score, penalty)


def counted_now(unit: CampaignUnit, item: Indicator, *, with_review: bool = True) -> Counted:
    """``counted`` from the stored rows of one unit's item (three queries)."""
    rows = DepartmentScore.objects.filter(unit=unit, item_id=item.id) if item.departments else []
    review = ReviewScore.objects.filter(unit=unit, item_id=item.id).first() if with_review else None
    return counted(
        scheme_for(unit.campaign),
        item,
        entry=SelfAssessment.objects.filter(unit=unit, item_id=item.id).first(),
        department_scores={row.scheme_department: row.score for row in rows},
        confirmed=review.confirmed_score if review is not None else None,
        review_note=review.reason if review is not None else "",
    )


def _item_input(
    item: Indicator,
    entry: SelfAssessment | None,
    department_scores: Mapping[str, Decimal | None],
    confirmed: Decimal | None,
    review_note: str,
) -> ItemInput:
    """The same ItemInput ``kaoping.results`` builds for the item (``engine.stored.item_input``)."""
    row = None
    if entry is not None:
        row = (entry.self_score, entry.figures, entry.level, entry.triggered, entry.not_applicable, entry.note)
    return stored.item_input("", stored.item_facts(item), row, department_scores, confirmed, review_note)
