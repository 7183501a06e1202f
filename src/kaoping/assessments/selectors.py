"""Reads with access checks for the assessment workflow.

Builds on ``kaoping.orgs.access``: a foreign unit, item or file is a 404. Recusal (回避) is
applied here: a recused user cannot see the unit's scoring or review at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kaoping.assessments.models import (
    DepartmentScore,
    EvidenceFile,
    Recusal,
    ReviewScore,
    SelfAssessment,
    Submission,
    SubmissionStatus,
)
from kaoping.audit.models import AuditEvent
from kaoping.campaigns import selectors as campaign_selectors
from kaoping.campaigns.access import CampaignAccess, unit_for, units_for
from kaoping.campaigns.models import Campaign, CampaignUnit, Phase, PhaseDeadline
from kaoping.campaigns.readonly import archived_message, is_archived
from kaoping.engine import stored
from kaoping.engine.model import Component, ComponentMethod, Indicator, Scheme
from kaoping.orgs.models import Department

AUDIT_TYPES = ("self_assessment", "department_score", "review_score", "evidence_link")


# ---- scheme -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRef:
    """A leaf item of the scheme, with where it sits."""

    component: Component
    top: Indicator  # first-level indicator it belongs to
    item: Indicator

    @property
    def id(self) -> str:
        return self.item.id


def scheme_for(campaign: Campaign) -> Scheme:
    """The campaign's current scheme (``campaigns.selectors.current_scheme``, the one way to get
    it); 404 when none is set (nothing to assess yet)."""
    scheme = campaign_selectors.current_scheme(campaign)
    if scheme is None:
        raise Http404
    return scheme


def indicator_components(scheme: Scheme, category: str) -> list[Component]:
    """The indicator-table components a unit of ``category`` takes."""
    try:
        component_ids = scheme.category(category).components
    except KeyError:
        return []
    components = [scheme.component(cid) for cid in component_ids]
    return [c for c in components if c.method == ComponentMethod.INDICATORS]


def leaf_items(scheme: Scheme, category: str) -> list[ItemRef]:
    return [
        ItemRef(component, top, leaf)
        for component in indicator_components(scheme, category)
        for top in component.indicators
        for leaf in top.leaves()
    ]


def item_ref(scheme: Scheme, category: str, item_id: str) -> ItemRef:
    for ref in leaf_items(scheme, category):
        if ref.id == item_id:
            return ref
    raise Http404


def department_share(item: Indicator, department_name: str) -> Decimal | None:
    """The department's points for ``item``; its full points when it scores the whole item
    (``engine.stored.department_share``).

    Raises Http404 when the department is not assigned to the item.
    """
    points = stored.department_share(item, department_name)
    if points is None:
        raise Http404
    return points


# The scoring rules live in the engine (``kaoping.engine.stored``); these names stay for callers.
is_split = stored.is_split
reviewed_from_departments = stored.reviewed_from_departments


# ---- access -----------------------------------------------------------------------------------


def recused_unit_ids(user: object, campaign: Campaign) -> set[int]:
    cached: set[int] | None = getattr(user, "_kaoping_recused", {}).get(campaign.pk)
    if cached is None:
        cached = set(
            Recusal.objects.filter(campaign=campaign, user_id=getattr(user, "pk", None) or 0, active=True).values_list(
                "unit_id", flat=True
            )
        )
        store = getattr(user, "_kaoping_recused", {})
        store[campaign.pk] = cached
        if getattr(user, "pk", None) is not None:
            user._kaoping_recused = store  # type: ignore[attr-defined]
    return cached


def visible_units(user: object, access: CampaignAccess) -> QuerySet[CampaignUnit]:
    """Units the user may see in this campaign, minus those the user is recused from."""
    units = units_for(access)
    recused = recused_unit_ids(user, access.campaign)
    return units.exclude(pk__in=recused) if recused else units


def visible_unit(user: object, access: CampaignAccess, unit_id: object) -> CampaignUnit:
    unit = unit_for(access, unit_id)
    if unit.pk in recused_unit_ids(user, access.campaign):
        raise Http404
    return unit


def reporter_unit(user: object, access: CampaignAccess, unit_id: object) -> CampaignUnit:
    """A unit the user reports for (fills in, uploads, submits), or 404. Never a leader at the unit."""
    unit = unit_for(access, unit_id)
    if not access.can_report_for(unit.organization):
        raise Http404
    return unit


def own_unit(user: object, access: CampaignAccess, unit_id: object) -> CampaignUnit:
    """A unit whose self-assessment the user reads as the unit (its reporters and leaders), or 404."""
    unit = unit_for(access, unit_id)
    if not access.can_read_as_unit(unit.organization):
        raise Http404
    return unit


def reviewable_unit(user: object, access: CampaignAccess, unit_id: object) -> CampaignUnit:
    """A unit the user may review (organizer or reviewer above it, not recused), or 404."""
    unit = visible_unit(user, access, unit_id)
    if not access.can_review_unit(unit.organization):
        raise Http404
    return unit


def user_departments(access: CampaignAccess) -> list[Department]:
    if not access.department_ids:
        return []
    return list(Department.objects.filter(pk__in=access.department_ids).order_by("name"))


def department_for(access: CampaignAccess, department_id: object) -> Department:
    for department in user_departments(access):
        if str(department.pk) == str(department_id):
            return department
    raise Http404


def department_items(campaign: Campaign, department: Department) -> list[ItemRef]:
    """Items the department scores, over every category (one entry per item id): those of the scheme
    departments mapped to it (``department_map``: the organizer's choice, else the same name)."""
    from kaoping.assessments.department_map import department_map

    scheme = scheme_for(campaign)
    names = department_map(campaign).names_for(department)
    seen: dict[str, ItemRef] = {}
    if not names:
        return []
    for category in scheme.categories:
        for ref in leaf_items(scheme, category.id):
            if ref.id not in seen and any(s.department in names for s in ref.item.departments):
                seen[ref.id] = ref
    return list(seen.values())


def department_share_for(campaign: Campaign, item: Indicator, department: Department) -> tuple[str, Decimal]:
    """(the scheme's name for the department's share of ``item``, its points); 404 when it has none."""
    from kaoping.assessments.department_map import department_map

    name = department_map(campaign).share_name(item, department)
    if name is None:
        raise Http404
    points = department_share(item, name)
    assert points is not None
    return name, points


def department_scheme_names(access: CampaignAccess) -> set[str]:
    """The scheme department names the user's departments score in this campaign."""
    from kaoping.assessments.department_map import department_map

    mapping = department_map(access.campaign)
    return {name for department in user_departments(access) for name in mapping.names_for(department)}


def units_taking_item(scheme: Scheme, item_id: str) -> list[str]:
    """Scheme categories whose units have ``item_id``."""
    return [c.id for c in scheme.categories if any(ref.id == item_id for ref in leaf_items(scheme, c.id))]


# ---- workflow state ---------------------------------------------------------------------------


def submission_of(unit: CampaignUnit) -> Submission:
    """The unit's submission; a draft not yet stored when it has none (reading a page writes nothing,
    which an archived campaign needs: the services create the row when the unit first writes)."""
    return Submission.objects.filter(unit=unit).first() or Submission(unit=unit)


def deadline_of(campaign: Campaign, phase: str) -> PhaseDeadline | None:
    return PhaseDeadline.objects.filter(campaign=campaign, phase=phase).first()


def self_assessment_closed_reason(campaign: Campaign, submission: Submission) -> str | None:
    """Why the unit cannot edit its self-assessment now (Chinese), or None when it can."""
    from django.utils.translation import gettext as _

    if is_archived(campaign):
        return archived_message()
    if submission.status == SubmissionStatus.LOCKED:
        # a locked self-assessment cannot be returned (services.submission_return): no return to ask for
        return _("自评已审核锁定,不能再修改,也不能再退回修改。")
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        return _("本单位自评“%(status)s”,不能再修改。如需修改,请联系审核人员退回。") % {
            "status": submission.get_status_display()
        }
    returned = submission.status == SubmissionStatus.RETURNED
    if campaign.phase != Phase.SELF_ASSESSMENT and not (returned and campaign.phase == Phase.REVIEW):
        return _("当前阶段为“%(phase)s”,不在自评填报期内,不能修改。") % {"phase": campaign.get_phase_display()}
    deadline = deadline_of(campaign, Phase.SELF_ASSESSMENT)
    if deadline and timezone.now() > deadline.deadline and not returned:
        local = timezone.localtime(deadline.deadline).strftime("%Y-%m-%d %H:%M")
        return _("自评截止时间(%(at)s)已过,不能再修改。您填写的内容仍显示在页面上,请复制保存后联系考核办。") % {
            "at": local
        }
    return None


def scoring_closed_reason(campaign: Campaign) -> str | None:
    """Why departments and reviewers cannot score now (Chinese), or None."""
    from django.utils.translation import gettext as _

    if is_archived(campaign):
        return archived_message()
    if campaign.phase not in (Phase.SELF_ASSESSMENT, Phase.REVIEW, Phase.RATING, Phase.SCORING):
        return _("当前阶段为“%(phase)s”,不能评分。") % {"phase": campaign.get_phase_display()}
    deadline = deadline_of(campaign, Phase.REVIEW)
    if deadline and timezone.now() > deadline.deadline:
        local = timezone.localtime(deadline.deadline).strftime("%Y-%m-%d %H:%M")
        return _("审核评分截止时间(%(at)s)已过,不能再评分。您填写的内容仍显示在页面上。") % {"at": local}
    return None


# ---- rows -------------------------------------------------------------------------------------


def entries_by_item(unit: CampaignUnit) -> dict[str, SelfAssessment]:
    rows = SelfAssessment.objects.filter(unit=unit).prefetch_related("evidence")
    return {row.item_id: row for row in rows}


def department_scores_by_item(unit: CampaignUnit) -> dict[str, list[DepartmentScore]]:
    result: dict[str, list[DepartmentScore]] = {}
    for row in DepartmentScore.objects.filter(unit=unit).select_related("department"):
        result.setdefault(row.item_id, []).append(row)
    return result


def review_scores_by_item(unit: CampaignUnit) -> dict[str, ReviewScore]:
    return {row.item_id: row for row in ReviewScore.objects.filter(unit=unit)}


def unit_files(unit: CampaignUnit) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(unit=unit, withdrawn=False)


def evidence_file_for(user: object, access: CampaignAccess, file_id: object, scheme: Scheme) -> EvidenceFile:
    """An evidence file the user may download, or 404.

    Reporters and leaders at a unit get that unit's files; reviewers, organizers and the bureau's
    leaders files of units they see; department scorers only files attached to items of their departments.
    """
    try:
        pk = int(str(file_id))
    except ValueError:
        raise Http404 from None
    evidence = (
        EvidenceFile.objects.select_related("unit__organization").filter(pk=pk, unit__campaign=access.campaign).first()
    )
    if evidence is None:
        raise Http404
    unit = evidence.unit
    if unit.pk in recused_unit_ids(user, access.campaign):
        raise Http404
    if access.organizer or access.leader or access.can_review_unit(unit.organization):
        return evidence
    if access.can_read_as_unit(unit.organization):
        return evidence
    if access.department_ids and _file_backs_department_item(evidence, access, scheme):
        return evidence
    raise Http404


def _file_backs_department_item(evidence: EvidenceFile, access: CampaignAccess, scheme: Scheme) -> bool:
    if not _unit_submitted(evidence.unit):
        return False  # departments do not see drafts
    names = department_scheme_names(access)
    item_ids = set(evidence.entries.values_list("item_id", flat=True))
    for ref in leaf_items(scheme, evidence.unit.category):
        if ref.id in item_ids and any(s.department in names for s in ref.item.departments):
            return True
    return False


def awaiting_submission(unit: CampaignUnit) -> bool:
    """True while departments and reviewers must wait for the unit's self-assessment.

    A unit that has started a self-assessment waits until it submits. A unit with no self entries
    at all (campaigns scored only by departments) waits only while the self-assessment phase runs.
    """
    if _unit_submitted(unit):
        return False
    if unit.campaign.phase == Phase.SELF_ASSESSMENT:
        return True
    return SelfAssessment.objects.filter(unit=unit).exists()


def awaiting_unit_ids(units: list[CampaignUnit]) -> set[int]:
    """The units of ``units`` still awaiting submission (bulk form of ``awaiting_submission``)."""
    if not units:
        return set()
    submitted = submitted_unit_ids(u.pk for u in units)
    pending = [u.pk for u in units if u.pk not in submitted]
    if units[0].campaign.phase == Phase.SELF_ASSESSMENT:
        return set(pending)
    return set(SelfAssessment.objects.filter(unit_id__in=pending).values_list("unit_id", flat=True).distinct())


def _unit_submitted(unit: CampaignUnit) -> bool:
    from kaoping.assessments.models import SUBMITTED_STATUSES

    return Submission.objects.filter(unit=unit, status__in=SUBMITTED_STATUSES).exists()


UNIT_OWN_AUDIT_TYPES = ("self_assessment", "evidence_link")


def item_history(unit: CampaignUnit, item_id: str, *, scores_too: bool = True) -> list[AuditEvent]:
    """Every recorded change to the item's self entry, department scores, review and evidence links.

    ``scores_too=False`` keeps to the unit's own entries (department and review scores are not the
    unit's to see before publication).
    """
    types = AUDIT_TYPES if scores_too else UNIT_OWN_AUDIT_TYPES
    return list(
        AuditEvent.objects.filter(object_type__in=types, object_id=item_key(unit, item_id))
        .select_related("actor")
        .order_by("at", "seq")
    )


def item_key(unit: CampaignUnit, item_id: str) -> str:
    return f"{unit.pk}:{item_id}"


def submitted_unit_ids(unit_ids: Iterable[int]) -> set[int]:
    from kaoping.assessments.models import SUBMITTED_STATUSES

    return set(
        Submission.objects.filter(unit_id__in=list(unit_ids), status__in=SUBMITTED_STATUSES).values_list(
            "unit_id", flat=True
        )
    )
