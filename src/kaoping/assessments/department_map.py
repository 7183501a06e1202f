"""Which of the bureau's departments (处室) scores each department named in a campaign's scheme.

A scheme names its departments as text ("基础教育科"); the bureau's departments are rows. A scheme
department is matched, in this order, to
1. the department the organizer chose on the 处室对应 page (a ``DepartmentMapping`` row; a row
   without a department records "left unmatched on purpose");
2. the bureau's department of exactly the same name (the automatic match).
A scheme department matched to none cannot be scored by any department: the campaign page warns
with the list until the organizer maps it.

Every change is audited in the campaign's chain. A change is refused, with the reason, when it
would move scores already entered (the scores stay with the department that entered them) or put
two departments of one item on the same bureau department (one cell could not hold both shares).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import CharField, Value
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.assessments.models import DepartmentMapping, DepartmentScore
from kaoping.audit.services import audit_record
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.readonly import require_writable
from kaoping.campaigns.selectors import current_scheme
from kaoping.engine.model import ComponentMethod, Indicator, Scheme
from kaoping.inbox import services as inbox
from kaoping.orgs.models import Department, Role, User

NAME_MAX = 200


class MappingError(Exception):
    """A refused mapping change; ``errors`` maps scheme department names to Chinese reasons."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


@dataclass(frozen=True)
class MappingRow:
    scheme_name: str
    department: Department | None
    how: str  # "chosen" (stored by the organizer), "same_name" (automatic), "none"
    items: tuple[str, ...]  # ids of the items this scheme department scores


@dataclass
class DepartmentMap:
    """The resolved mapping of one campaign (scheme name → bureau department or None)."""

    rows: list[MappingRow] = field(default_factory=list)

    def department_of(self, scheme_name: str) -> Department | None:
        for row in self.rows:
            if row.scheme_name == scheme_name:
                return row.department
        return None

    def names_for(self, department: Department) -> set[str]:
        """The scheme's names for ``department`` (usually one)."""
        return {r.scheme_name for r in self.rows if r.department is not None and r.department.pk == department.pk}

    def share_name(self, item: Indicator, department: Department) -> str | None:
        """The scheme name under which ``department`` scores ``item``, or None when it has no share."""
        names = self.names_for(department)
        for share in item.departments:
            if share.department in names:
                return share.department
        return None

    @property
    def unmatched(self) -> list[MappingRow]:
        return [r for r in self.rows if r.department is None]


def scheme_departments(scheme: Scheme) -> dict[str, list[str]]:
    """Every department the scheme names on an indicator item → the ids of its items, in scheme order."""
    found: dict[str, list[str]] = {}
    for component in scheme.components:
        if component.method != ComponentMethod.INDICATORS:
            continue
        for top in component.indicators:
            for leaf in top.leaves():
                for share in leaf.departments:
                    ids = found.setdefault(share.department, [])
                    if leaf.id not in ids:
                        ids.append(leaf.id)
    return found


def department_map(campaign: Campaign) -> DepartmentMap:
    """The campaign's resolved mapping (two queries; remembered on the campaign object for the request)."""
    cached: DepartmentMap | None = getattr(campaign, "_kaoping_department_map", None)
    if cached is not None:
        return cached
    scheme = current_scheme(campaign)
    result = DepartmentMap()
    if scheme is not None:
        names = scheme_departments(scheme)
        stored, same_name = _stored_and_same_name(campaign, list(names))
        for name, items in names.items():
            if name in stored:
                department = stored[name]
                how = "chosen" if department is not None else "none"
            else:
                department = same_name.get(name)
                how = "same_name" if department is not None else "none"
            result.rows.append(MappingRow(name, department, how, tuple(items)))
    campaign._kaoping_department_map = result  # type: ignore[attr-defined]
    return result


def _stored_and_same_name(
    campaign: Campaign, names: list[str]
) -> tuple[dict[str, Department | None], dict[str, Department]]:
    """The organizer's rows (scheme name → department or None) and the bureau's departments named like
    a scheme department, in one query (UNION ALL): every department scorer's page reads this."""
    blank = Value("", output_field=CharField())
    same = (
        Department.objects.filter(bureau_id=campaign.owner_id, name__in=names)
        .annotate(mapped_from=blank)
        .order_by()  # SQLite refuses ORDER BY inside a UNION part (Department is ordered by name)
        .values_list("pk", "name", "mapped_from")
    )
    chosen = (
        DepartmentMapping.objects.filter(campaign=campaign)
        .order_by()
        .values_list("department_id", "department__name", "scheme_name")
    )
    stored: dict[str, Department | None] = {}
    same_name: dict[str, Department] = {}
    for pk, name, mapped_from in same.union(chosen, all=True):
        department = Department(pk=pk, name=name, bureau_id=campaign.owner_id) if pk is not None else None
        if mapped_from:
            stored[mapped_from] = department
        elif department is not None:
            same_name[name] = department
    return stored, same_name


def forget(campaign: Campaign) -> None:
    if hasattr(campaign, "_kaoping_department_map"):
        del campaign._kaoping_department_map


def bureau_departments(campaign: Campaign) -> list[Department]:
    return list(Department.objects.filter(bureau_id=campaign.owner_id).order_by("name"))


def mapping_save(*, campaign: Campaign, choices: Mapping[str, Department | None], actor: object) -> int:
    """Store the organizer's choices (scheme name → department or None); return how many changed.

    All or nothing: any refused choice raises MappingError with every reason, and nothing is stored.
    """
    with transaction.atomic():
        require_writable(campaign.pk, error=MappingError)
        forget(campaign)
        current = department_map(campaign)
        known = {r.scheme_name: r for r in current.rows}
        errors: dict[str, str] = {}
        changes: list[tuple[MappingRow, Department | None]] = []
        for name, department in choices.items():
            row = known.get(name)
            if row is None:
                errors[name] = _("方案中没有处室“%(name)s”") % {"name": name[:50]}
                continue
            if department is not None and department.bureau_id != campaign.owner_id:
                errors[name] = _("所选处室不属于本局")
                continue
            if _same(row.department, department):
                continue
            changes.append((row, department))
        resolved = {r.scheme_name: r.department for r in current.rows}
        resolved.update({row.scheme_name: department for row, department in changes})
        for row, department in changes:
            reason = _scored_elsewhere(campaign, row, department) or _clash(row, department, resolved, current)
            if reason:
                errors[row.scheme_name] = reason
        if errors:
            raise MappingError(_("处室对应未保存:") + ";".join(errors.values()), errors)
        for row, department in changes:
            _store(campaign, row, department, actor)
            if department is not None:
                _tell_assigned(campaign, row, department)
        forget(campaign)
    return len(changes)


def _same(a: Department | None, b: Department | None) -> bool:
    return (a.pk if a else None) == (b.pk if b else None)


def _scored_elsewhere(campaign: Campaign, row: MappingRow, department: Department | None) -> str:
    """Scores already entered under this scheme name by another department would stop counting."""
    entered = DepartmentScore.objects.filter(
        unit__campaign=campaign, scheme_department=row.scheme_name, score__isnull=False
    )
    if department is not None:
        entered = entered.exclude(department=department)
    count = entered.count()
    if not count:
        return ""
    by = row.department.name if row.department else _("原对应处室")
    return _("“%(name)s”已由“%(by)s”录入 %(n)d 条评分,改为其他处室会使这些评分不再计入,因此不能更改") % {
        "name": row.scheme_name,
        "by": by,
        "n": count,
    }


def _clash(
    row: MappingRow, department: Department | None, resolved: Mapping[str, Department | None], current: DepartmentMap
) -> str:
    """Two scheme departments of one item cannot both be scored by the same bureau department."""
    if department is None:
        return ""
    mine = set(row.items)
    for other in current.rows:
        if other.scheme_name == row.scheme_name or not _same(resolved.get(other.scheme_name), department):
            continue
        shared = [i for i in other.items if i in mine]
        if shared:
            return _("“%(a)s”与“%(b)s”同在第 %(item)s 项中分别评分,不能对应到同一个处室“%(d)s”") % {
                "a": row.scheme_name,
                "b": other.scheme_name,
                "item": shared[0],
                "d": department.name,
            }
    return ""


def _store(campaign: Campaign, row: MappingRow, department: Department | None, actor: object) -> None:
    if len(row.scheme_name) > NAME_MAX:
        raise MappingError(_("处室名称过长(超过 %(n)d 字)") % {"n": NAME_MAX})
    existed = DepartmentMapping.objects.filter(campaign=campaign, scheme_name=row.scheme_name).exists()
    DepartmentMapping.objects.update_or_create(
        campaign=campaign,
        scheme_name=row.scheme_name,
        defaults={"department": department, "updated_by": actor if getattr(actor, "pk", None) else None},
    )
    audit_record(
        chain=f"campaign:{campaign.pk}",
        action="update" if existed else "create",
        object_type="department_mapping",
        object_id=campaign.pk,
        actor=actor,
        field=row.scheme_name,
        old=row.department.name if row.department else None,
        new=department.name if department else None,
    )


def _tell_assigned(campaign: Campaign, row: MappingRow, department: Department) -> None:
    """The department's scorers read in their inbox which scheme items are now theirs (kaoping.inbox)."""
    people = User.objects.filter(
        memberships__department=department, memberships__role=Role.DEPARTMENT_SCORER, is_active=True
    ).distinct()
    names = {"c": campaign.name, "n": row.scheme_name, "d": department.name, "k": len(row.items)}
    digest = hashlib.sha256(row.scheme_name.encode()).hexdigest()[:16]
    inbox.notify(
        people,
        inbox.Kind.ASSIGNMENT,
        _("「%(c)s」“%(n)s”的指标已分派给%(d)s") % names,
        _("考核活动「%(c)s」中方案列明由“%(n)s”评分的 %(k)d 项指标,已分派给%(d)s评分。") % names,
        reverse("assessments:department_items", args=[campaign.pk, department.pk]),
        key=f"assign-dept:{campaign.pk}:{department.pk}:{digest}",
    )
