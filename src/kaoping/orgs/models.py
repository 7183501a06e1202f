"""Organizations (a tree of any depth), departments, users and their roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("省级教育行政部门")
    CITY = "city", _("市级教育行政部门")
    COUNTY = "county", _("县(区)教育行政部门")
    SCHOOL = "school", _("学校")
    OTHER = "other", _("其他单位")


class Organization(models.Model):
    """A bureau or a unit. Bureaus organise campaigns over the units beneath them."""

    name = models.CharField(_("名称"), max_length=200)
    code = models.CharField(_("代码"), max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices, default=OrgKind.SCHOOL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    category = models.ForeignKey(
        "UnitCategory",
        verbose_name=_("单位类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    # Materialised path of ancestor ids ("/1/4/17/") so "everything beneath" is one indexed query.
    path = models.CharField(max_length=500, db_index=True, editable=False, default="/")

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        expected = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if self.path != expected:  # the path needs the pk, which exists only after the insert
            self.path = expected
            Organization.objects.filter(pk=self.pk).update(path=expected)

    def descendants(self) -> models.QuerySet[Organization]:
        return Organization.objects.filter(path__startswith=self.path).exclude(pk=self.pk)

    def is_beneath(self, other: Organization) -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


class UnitCategory(models.Model):
    """A kind of assessed unit defined by a bureau (局属学校, 县(区)教育行政部门 …)."""

    owner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="unit_categories")
    code = models.CharField(_("代码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("单位类别")
        constraints = [models.UniqueConstraint(fields=["owner", "code"], name="unique_category_code_per_owner")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A 处室 or 局属事业单位 of a bureau; it scores the items assigned to it."""

    bureau = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("处室")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["bureau", "name"], name="unique_department_name_per_bureau")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("组织者(考核办)")
    DEPARTMENT_SCORER = "department_scorer", _("处室评分员")
    REVIEWER = "reviewer", _("督学/复核人")
    REPORTER = "reporter", _("单位填报员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("系统管理员")


class Membership(models.Model):
    """A user's role at an organization (and for department scorers, their department)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("角色分配")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role", "department"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


# -- account security: what Django's user model has no place for -----------------------------------
# ``LoginFailure`` rows are the login throttle's memory (kaoping.orgs.throttle); ``AccountState`` says
# whether a user must choose a new password at the next sign-in (kaoping.orgs.accounts).


class LoginFailure(models.Model):
    """One password check that did not succeed (or is under way), counted for one key.

    ``key`` is a keyed hash of the typed user name or of the client's address: the table never holds
    either in clear (people type their password into the user-name field)."""

    class Scope(models.TextChoices):
        USERNAME = "username", _("用户名")
        ADDRESS = "address", _("地址")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=64)
    # the request's random id, so a success can take its rows back
    attempt = models.CharField(max_length=32, db_index=True)
    at = models.DateTimeField()

    class Meta:
        db_table = "web_loginfailure"  # created by the web app, moved here in Django's state only
        indexes = [
            models.Index(fields=["scope", "key", "at"], name="login_failure_lookup"),
            models.Index(fields=["at"], name="login_failure_age"),
        ]


class AccountState(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state")
    must_change_password = models.BooleanField(_("下次登录时必须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        db_table = "web_accountstate"  # created by the web app, moved here in Django's state only
