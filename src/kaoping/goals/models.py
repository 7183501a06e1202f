"""目标任务 (targets) and 重点工作 (key tasks) of a campaign's year.

A target is a measure with a unit of measurement (万元, 所, %, 人 …) and a target value, owned by one
participating unit or one department of the bureau; what is done arrives as dated reports. The
completion rate is computed from the latest report (``rates.completion``): exact Decimals, 四舍五入
to one decimal. A report without a figure stays blank and reads 未报送 — never 0.

A key task is numbered inside an area (领域), led by one department with others supporting, and
carries milestones, a status and progress reports with evidence.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.models import Department


def number_text(value: Decimal | None) -> str:
    """7800.0000 → "7800", 64.9000 → "64.9" (never 7.8E+3)."""
    return "" if value is None else format(value.normalize(), "f")


class Target(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goal_targets")
    number = models.PositiveIntegerField(_("序号"))
    area = models.CharField(_("类别"), max_length=100, blank=True)
    name = models.CharField(_("目标任务"), max_length=200)
    measure = models.CharField(_("计量单位"), max_length=20)
    target_value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    unit = models.ForeignKey(
        CampaignUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("责任单位")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任处室")
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="unique_goal_target_number"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True, department__isnull=False)
                | models.Q(unit__isnull=False, department__isnull=True),
                name="goal_target_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_text(self) -> str:
        return number_text(self.target_value)

    @property
    def owner_name(self) -> str:
        if self.unit_id is not None:
            return self.unit.organization.name  # type: ignore[union-attr]
        return self.department.name if self.department else ""


class TargetReport(models.Model):
    """What is done by a date. ``done`` None = no figure reported (未报送); ``stated_rate`` is a
    completion rate the unit stated without the figure (seed 001: "完成年度任务数的18%")."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("截至日期"))
    done = models.DecimalField(_("完成值"), null=True, blank=True, max_digits=20, decimal_places=4)
    stated_rate = models.DecimalField(_("报送的完成率(%)"), null=True, blank=True, max_digits=9, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)
    evidence_name = models.CharField(_("佐证材料"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("完成情况报送")
        verbose_name_plural = _("完成情况报送")
        ordering = ["target", "-on", "-pk"]

    @property
    def done_text(self) -> str:
        return number_text(self.done)

    @property
    def stated_text(self) -> str:
        return number_text(self.stated_rate)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    LAGGING = "lagging", _("滞后")


class TaskArea(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goal_areas")
    number = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("领域"), max_length=200)

    class Meta:
        verbose_name = _("工作领域")
        verbose_name_plural = _("工作领域")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_goal_area_number")]

    def __str__(self) -> str:
        return self.name


class KeyTask(models.Model):
    area = models.ForeignKey(TaskArea, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveIntegerField(_("编号"))  # numbered through the whole year, as in the document
    title = models.CharField(_("重点工作"), max_length=200)
    description = models.TextField(_("工作内容"), blank=True)
    lead = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头处室"))
    supporting = models.ManyToManyField(Department, blank=True, related_name="+", verbose_name=_("配合处室"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    # last year's task this one continues ("开始下一年度考核" carries what was not finished)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上年结转自")
    )

    class Meta:
        verbose_name = _("重点工作")
        verbose_name_plural = _("重点工作")
        ordering = ["area__number", "number"]
        constraints = [models.UniqueConstraint(fields=["area", "number"], name="unique_key_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("节点")
        verbose_name_plural = _("节点")
        ordering = ["task", "due_on", "pk"]

    def __str__(self) -> str:
        return self.name


class TaskReport(models.Model):
    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("报送日期"))
    text = models.TextField(_("进展情况"))
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices)
    evidence_name = models.CharField(_("佐证材料"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["task", "-on", "-pk"]
