"""Writes on organizations, categories, departments, users and role assignments.

Callers pass objects they already obtained through ``kaoping.orgs.access`` (so they are within the
actor's bureau); these functions still re-check the scope, because a service must be safe on its own.
Every change is audited on the chain ``orgs``.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kaoping.audit.services import audit_record
from kaoping.inbox import services as inbox
from kaoping.orgs.access import manager_of
from kaoping.orgs.models import Department, Membership, Organization, OrgKind, Role, UnitCategory, User

CHAIN = "orgs"


class OrgError(Exception):
    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(messages))


def _fits(model: Any, field: str, value: str, label: str) -> None:
    """Refuse a value longer than its column with the label and the limit (PostgreSQL would refuse
    it with a database error, SQLite would store it)."""
    limit = model._meta.get_field(field).max_length
    if limit is not None and len(value) > limit:
        raise OrgError(
            _("%(label)s最多 %(limit)d 个字符,现在是 %(length)d 个")
            % {"label": label, "limit": limit, "length": len(value)}
        )


def _require_manager(actor: Any, organization: Organization) -> None:
    if not manager_of(actor, organization):
        raise OrgError(_("“%(name)s”不在您管理的范围内") % {"name": organization.name})


@transaction.atomic
def unit_create(
    *,
    parent: Organization,
    name: str,
    code: str,
    kind: str = OrgKind.SCHOOL,
    category: UnitCategory | None = None,
    actor: Any,
) -> Organization:
    _require_manager(actor, parent)
    name, code = name.strip(), code.strip()
    if not name or not code:
        raise OrgError(_("单位名称和代码都必须填写"))
    _fits(Organization, "name", name, _("单位名称"))
    _fits(Organization, "code", code, _("单位代码"))
    if Organization.objects.filter(code=code).exists():
        raise OrgError(_("单位代码“%(code)s”已存在") % {"code": code})
    unit = Organization.objects.create(name=name, code=code, kind=kind, parent=parent, category=category)
    audit_record(
        chain=CHAIN,
        action="org.create",
        object_type="organization",
        object_id=unit.pk,
        actor=actor,
        new={"name": name, "code": code, "kind": kind, "parent": parent.name, "category": str(category or "")},
    )
    return unit


@transaction.atomic
def unit_set_category(*, unit: Organization, category: UnitCategory | None, actor: Any) -> Organization:
    _require_manager(actor, unit)
    old = unit.category.name if unit.category else None
    Organization.objects.filter(pk=unit.pk).update(category=category)
    unit.category = category
    audit_record(
        chain=CHAIN,
        action="org.category",
        object_type="organization",
        object_id=unit.pk,
        actor=actor,
        field="category",
        old=old,
        new=category.name if category else None,
    )
    return unit


@transaction.atomic
def category_create(*, owner: Organization, code: str, name: str, actor: Any) -> UnitCategory:
    _require_manager(actor, owner)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise OrgError(_("类别代码和名称都必须填写"))
    _fits(UnitCategory, "code", code, _("类别代码"))
    _fits(UnitCategory, "name", name, _("类别名称"))
    if UnitCategory.objects.filter(owner=owner, code=code).exists():
        raise OrgError(_("类别代码“%(code)s”已存在") % {"code": code})
    category = UnitCategory.objects.create(owner=owner, code=code, name=name)
    audit_record(
        chain=CHAIN,
        action="category.create",
        object_type="organization",
        object_id=owner.pk,
        actor=actor,
        field="category",
        new={"code": code, "name": name},
    )
    return category


@transaction.atomic
def department_create(*, bureau: Organization, name: str, actor: Any) -> Department:
    _require_manager(actor, bureau)
    name = name.strip()
    if not name:
        raise OrgError(_("处室名称必须填写"))
    _fits(Department, "name", name, _("处室名称"))
    if Department.objects.filter(bureau=bureau, name=name).exists():
        raise OrgError(_("处室“%(name)s”已存在") % {"name": name})
    department = Department.objects.create(bureau=bureau, name=name)
    audit_record(
        chain=CHAIN,
        action="department.create",
        object_type="organization",
        object_id=bureau.pk,
        actor=actor,
        field="department",
        new=name,
    )
    return department


def _check_role(role: str, organization: Organization, department: Department | None) -> None:
    if role not in Role.values:
        raise OrgError(_("未知的角色“%(role)s”") % {"role": role})
    if role == Role.DEPARTMENT_SCORER and department is None:
        raise OrgError(_("处室评分员必须指定处室"))
    if department is not None and department.bureau_id != organization.pk:
        raise OrgError(_("处室“%(name)s”不属于“%(org)s”") % {"name": department.name, "org": organization.name})


@transaction.atomic
def user_create(*, username: str, display_name: str, password: str | None, actor: Any) -> User:
    username = username.strip()
    if not username:
        raise OrgError(_("用户名必须填写"))
    _fits(User, "username", username, _("用户名"))
    _fits(User, "display_name", display_name.strip(), _("姓名"))
    if User.objects.filter(username=username).exists():
        raise OrgError(_("用户名“%(name)s”已被占用") % {"name": username})
    user = User(username=username, display_name=display_name.strip())
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()  # the administrator sets a password before first login
    user.save()
    audit_record(chain=CHAIN, action="user.create", object_type="user", object_id=user.pk, actor=actor, new=username)
    return user


@transaction.atomic
def membership_assign(
    *, user: User, organization: Organization, role: str, department: Department | None = None, actor: Any
) -> Membership:
    _require_manager(actor, organization)
    _check_role(role, organization, department)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organization=organization, role=role, department=department
            )
    except IntegrityError:
        raise OrgError(_("该用户已有这个角色")) from None
    audit_record(
        chain=CHAIN,
        action="membership.assign",
        object_type="user",
        object_id=user.pk,
        actor=actor,
        field="membership",
        new=str(membership),
    )
    _tell_assigned(membership)
    return membership


def _tell_assigned(membership: Membership) -> None:
    """A reviewer or a department scorer hears of the new task in the inbox (kaoping.inbox)."""
    if membership.role not in (Role.REVIEWER, Role.DEPARTMENT_SCORER):
        return
    where = membership.organization.name
    if membership.department is not None:
        where += " · " + membership.department.name
    subject = _("您已被分派为“%(role)s”(%(where)s)") % {"role": membership.get_role_display(), "where": where}
    body = _("您在“%(where)s”担任“%(role)s”,可在考核活动中审核、评分您负责的单位或指标。") % {
        "where": where,
        "role": membership.get_role_display(),
    }
    inbox.notify(
        [membership.user],
        inbox.Kind.ASSIGNMENT,
        subject,
        body,
        reverse("campaigns:list"),
        key=f"membership:{membership.pk}",
    )


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Any, reason: str = "") -> None:
    _require_manager(actor, membership.organization)
    audit_record(
        chain=CHAIN,
        action="membership.revoke",
        object_type="user",
        object_id=membership.user_id,
        actor=actor,
        field="membership",
        old=str(membership),
        reason=reason,
    )
    membership.delete()
