"""Progress counts for the people who wait on others: the workbench's submission counts and each
department's scoring progress (cells scored / cells to score), for the organizer and the department.

Everything is counted in the database (a handful of aggregate queries), never by loading the rows:
at 2,000 units × 100 items a department's progress reads counts, not 200,000 scores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from kaoping.assessments import selectors
from kaoping.assessments.models import SUBMITTED_STATUSES, DepartmentScore, SelfAssessment, SubmissionStatus
from kaoping.campaigns.hooks import SubmissionProgress
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.orgs.models import Department

# the workbench's status filter: "waiting" is every unit that has not submitted (draft or returned)
STATUS_FILTERS = ("waiting", *SubmissionStatus.values)


def status_condition(status: str) -> Q:
    """A queryset condition on CampaignUnit for one workbench status filter (a unit without a
    submission row is a draft)."""
    if status == "waiting":
        return ~Q(submission__status__in=list(SUBMITTED_STATUSES)) | Q(submission__isnull=True)
    if status == SubmissionStatus.DRAFT:
        return Q(submission__isnull=True) | Q(submission__status=SubmissionStatus.DRAFT)
    return Q(submission__status=status)


def waiting_units(units: QuerySet[CampaignUnit], phase: str) -> QuerySet[CampaignUnit]:
    """The units still owing their part of ``phase`` (a deadline reminder goes to them only): in the
    self-assessment, those that have not submitted (draft or returned); in other phases, every unit."""
    if phase == Phase.SELF_ASSESSMENT:
        return units.filter(status_condition("waiting"))
    return units


@dataclass(frozen=True)
class StatusCounts:
    total: int
    by_status: dict[str, int]

    @property
    def submitted(self) -> int:
        return sum(self.by_status.get(s, 0) for s in SUBMITTED_STATUSES)

    @property
    def waiting(self) -> int:
        return self.total - self.submitted

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0

    def rows(self) -> list[tuple[str, str, int]]:
        """(status, Chinese label, count) for every status with units, in workflow order."""
        return [
            (s.value, str(s.label), self.by_status[s.value]) for s in SubmissionStatus if self.by_status.get(s.value)
        ]


def status_counts(units: QuerySet[CampaignUnit]) -> StatusCounts:
    """Units per submission status, one GROUP BY query."""
    rows = units.order_by().values_list("submission__status").annotate(n=Count("pk"))
    by_status: dict[str, int] = defaultdict(int)
    for status, n in rows:
        by_status[status or SubmissionStatus.DRAFT] += n
    return StatusCounts(sum(by_status.values()), dict(by_status))


@dataclass
class ItemProgress:
    ref: selectors.ItemRef
    scored: int = 0
    to_score: int = 0

    @property
    def done(self) -> bool:
        return self.to_score > 0 and self.scored >= self.to_score


@dataclass
class DepartmentProgress:
    department: Department
    items: list[ItemProgress] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return sum(i.scored for i in self.items)

    @property
    def to_score(self) -> int:
        return sum(i.to_score for i in self.items)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.scored / self.to_score)) if self.to_score else 0

    @property
    def items_done(self) -> int:
        return sum(1 for i in self.items if i.done)


def _scorable(campaign: Campaign) -> Q:
    """Units departments score now: submitted ones and, outside the self-assessment phase, units
    with no self entries at all (campaigns scored by departments only), as ``awaiting_unit_ids``."""
    condition = Q(submission__status__in=list(SUBMITTED_STATUSES))
    if campaign.phase != Phase.SELF_ASSESSMENT:
        condition |= Q(~Exists(SelfAssessment.objects.filter(unit_id=OuterRef("pk"))))
    return condition


def department_progress(
    campaign: Campaign, departments: list[Department], units: QuerySet[CampaignUnit]
) -> list[DepartmentProgress]:
    """Per department and item: scores entered / units to score, over the scorable ``units``."""
    scheme = selectors.scheme_for(campaign)
    scorable = units.filter(_scorable(campaign))
    per_category = dict(scorable.order_by().values_list("category").annotate(n=Count("pk")))
    categories_of: dict[str, list[str]] = {}
    result: list[DepartmentProgress] = []
    for department in departments:
        progress = DepartmentProgress(department)
        for ref in selectors.department_items(campaign, department):
            if ref.id not in categories_of:
                categories_of[ref.id] = selectors.units_taking_item(scheme, ref.id)
            to_score = sum(per_category.get(c, 0) for c in categories_of[ref.id])
            progress.items.append(ItemProgress(ref, 0, to_score))
        result.append(progress)
    if not any(p.items for p in result):
        return result
    counted = _scores_per_item(campaign, [p.department for p in result], units.filter(_scorable(campaign)))
    for progress in result:
        for item in progress.items:
            item.scored = counted.get((progress.department.pk, item.ref.id), 0)
    return result


def _scores_per_item(
    campaign: Campaign, departments: list[Department], counted_units: QuerySet[CampaignUnit]
) -> dict[tuple[int, str], int]:
    """Non-empty scores per (department, item) for ``counted_units``.

    All the departments' scores are counted from the ``department_score_progress`` index (no table
    read), then the scores of the units left out (not scorable now, not visible, or in the bureau's
    other campaigns) are taken off, found unit by unit through the unique (unit, item, department)
    index. Drafts have no department scores, so in one campaign this second count reads little; a
    bureau with several scored campaigns pays for reading the other campaigns' scores here.
    """

    def per_item(scores: QuerySet[DepartmentScore]) -> dict[tuple[int, str], int]:
        rows = scores.order_by().values_list("department_id", "item_id").annotate(n=Count("pk"))
        return {(department_id, item_id): n for department_id, item_id, n in rows}

    scored = DepartmentScore.objects.filter(department__in=departments, score__isnull=False)
    counted = per_item(scored)
    others = CampaignUnit.objects.filter(campaign__owner_id=campaign.owner_id).exclude(campaign=campaign)
    left_out = list(
        CampaignUnit.objects.filter(campaign=campaign)
        .exclude(pk__in=counted_units.order_by().values("pk"))
        .values_list("pk", flat=True)
    )
    if others.exists():  # the same departments scored the bureau's other campaigns too
        left_out += list(others.values_list("pk", flat=True))
    if left_out:
        for key, n in per_item(scored.filter(unit_id__in=left_out)).items():
            counted[key] -= n
    return counted


def submission_progress(units: QuerySet[CampaignUnit]) -> SubmissionProgress:
    """How many of ``units`` have submitted their self-assessment ("已提交 38/50"): one count query.

    The campaign page reads it through ``kaoping.campaigns.hooks`` (provided in AssessmentsConfig.ready)."""
    counts = units.order_by().aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(submission__status__in=list(SUBMITTED_STATUSES))),
        returned=Count("pk", filter=Q(submission__status=SubmissionStatus.RETURNED)),
    )
    return SubmissionProgress(counts["submitted"], counts["returned"], counts["total"])
