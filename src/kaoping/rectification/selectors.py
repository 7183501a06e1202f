"""Reading the problem list: who sees which problems, overdue flags, the ledger's counts and rates,
and (problems total, problems fixed) of a unit in a campaign for an item's rule (seed 004 item 54)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from kaoping.assessments.models import SpotCheck
from kaoping.campaigns.access import CampaignAccess, units_for
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.access import as_int
from kaoping.orgs.models import Department, Organization
from kaoping.publication.models import Objection
from kaoping.rectification.models import Problem, ProblemState

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")


def sees_unit(access: CampaignAccess, unit: CampaignUnit) -> bool:
    """The bureau (organizers, leader), the unit's reviewers, and the unit's own reporters and leaders."""
    org = unit.organization
    return access.organizer or access.leader or access.can_review_unit(org) or access.can_read_as_unit(org)


def visible_units(access: CampaignAccess) -> list[CampaignUnit]:
    return [u for u in units_for(access).order_by("organization__name", "pk") if sees_unit(access, u)]


def problems(campaign: Campaign) -> QuerySet[Problem]:
    return Problem.objects.filter(campaign=campaign).select_related(
        "unit__organization", "unit__campaign", "carried_from"
    )


def visible_problems(access: CampaignAccess, unit: CampaignUnit | None = None) -> list[Problem]:
    ids = {u.pk for u in visible_units(access)}
    rows = problems(access.campaign)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return [p for p in rows.order_by("unit__organization__name", "number") if p.unit_id in ids]


def unit_of(access: CampaignAccess, unit_id: object) -> CampaignUnit:
    unit = (
        CampaignUnit.objects.select_related("organization", "campaign")
        .filter(campaign=access.campaign, pk=as_int(unit_id))
        .first()
    )
    if unit is None or not sees_unit(access, unit):
        raise Http404
    return unit


def problem_of(access: CampaignAccess, unit_id: object, number: object) -> Problem:
    unit = unit_of(access, unit_id)
    found = problems(access.campaign).filter(unit=unit, number=as_int(number)).first()
    if found is None:
        raise Http404
    return found


def overdue(problem: Problem, today: datetime.date | None = None) -> bool:
    return problem.state != ProblemState.CLOSED and (today or timezone.localdate()) > problem.deadline


def status_label(problem: Problem, today: datetime.date | None = None) -> str:
    """已整改 / 已超期 / 整改中 (待复查 is still 整改中 for the ledger)."""
    from django.utils.translation import gettext as _

    if problem.state == ProblemState.CLOSED:
        return _("已整改")
    if overdue(problem, today):
        return _("已超期")
    if problem.state == ProblemState.REPORTED:
        return _("待复查")
    return _("整改中")


def rate(fixed: int, total: int) -> Decimal | None:
    """Fixed / total as a percentage, 四舍五入 to one place (11/13 → 84.6); None when there is nothing."""
    if total == 0:
        return None
    return (Decimal(fixed) * HUNDRED / Decimal(total)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value}%"


@dataclass
class Tally:
    label: str
    total: int = 0
    fixed: int = 0
    open: int = 0
    overdue: int = 0
    points_lost: Decimal = field(default_factory=Decimal)

    def add(self, problem: Problem, today: datetime.date) -> None:
        self.total += 1
        if problem.state == ProblemState.CLOSED:
            self.fixed += 1
        elif overdue(problem, today):
            self.overdue += 1
        else:
            self.open += 1
        if problem.points_lost is not None:
            self.points_lost += problem.points_lost

    @property
    def rate(self) -> Decimal | None:
        return rate(self.fixed, self.total)


@dataclass
class Ledger:
    total: Tally
    by_unit: list[Tally]
    by_item: list[Tally]
    rows: list[Problem]


def ledger(rows: Iterable[Problem], units: Iterable[CampaignUnit] = (), today: datetime.date | None = None) -> Ledger:
    """Counts and rates of these problems: overall, by unit (every unit listed, a unit without
    problems has no rate) and by indicator (problems without one under "其他")."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    rows = list(rows)
    total = Tally(_("合计"))
    by_unit: dict[int, Tally] = {u.pk: Tally(u.organization.name) for u in units}
    by_item: dict[str, Tally] = {}
    for problem in rows:
        total.add(problem, today)
        by_unit.setdefault(problem.unit_id, Tally(problem.unit.organization.name)).add(problem, today)
        key = problem.item_id or ""
        label = (problem.item_name or problem.item_id) if key else _("未关联指标")
        by_item.setdefault(key, Tally(label)).add(problem, today)
    items = sorted(by_item.items(), key=lambda kv: (kv[0] == "", _item_key(kv[0])))
    return Ledger(total, list(by_unit.values()), [t for _k, t in items], rows)


def _item_key(item_id: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in item_id.split("."))


def problem_counts(organization: Organization | int, campaign: Campaign | int) -> tuple[int, int]:
    """(problems total, problems fixed) of a unit's organization in a campaign, from the ledger:
    what an item like seed 004's item 54 ("上年度问题清单整改情况") reads instead of typed figures."""
    rows = Problem.objects.filter(organization=organization, campaign=campaign)
    return rows.count(), rows.filter(state=ProblemState.CLOSED).count()


def open_to_carry(organization: Organization | int, campaign: Campaign | int) -> QuerySet[Problem]:
    """The unit's problems still open in ``campaign``: what a next year's campaign carries over."""
    return Problem.objects.filter(organization=organization, campaign=campaign).exclude(state=ProblemState.CLOSED)


def department_names(campaign: Campaign) -> list[str]:
    """The bureau's departments, offered as responsible offices."""
    return list(Department.objects.filter(bureau=campaign.owner).order_by("name").values_list("name", flat=True))


def objection_of(unit: CampaignUnit, number: int) -> Objection | None:
    return (
        Objection.objects.select_related("unit__organization", "unit__campaign")
        .filter(unit=unit, number=number)
        .first()
    )


def problems_from_objection(objection: Objection) -> list[Problem]:
    """Problems already registered from this objection (the objection page links them)."""
    note = f"第 {objection.number} 条异议"
    return list(Problem.objects.filter(unit=objection.unit, source="objection", source_note=note))


def spot_check_of(unit: CampaignUnit, spot_check_id: object) -> SpotCheck:
    found = SpotCheck.objects.filter(unit=unit, pk=as_int(spot_check_id)).select_related("unit__campaign").first()
    if found is None:
        raise Http404
    return found


SHOW = ("open", "overdue", "closed")


def show_choices() -> list[tuple[str, str]]:
    """The ledger's filters: all, 整改中 (incl. 待复查), 已超期, 已整改."""
    from django.utils.translation import gettext as _

    return [("", _("全部")), ("open", _("整改中")), ("overdue", _("已超期")), ("closed", _("已整改"))]


def matches(problem: Problem, show: str, today: datetime.date | None = None) -> bool:
    if show == "closed":
        return problem.state == ProblemState.CLOSED
    if show == "overdue":
        return overdue(problem, today)
    if show == "open":
        return problem.state != ProblemState.CLOSED and not overdue(problem, today)
    return True
