"""督查组 / 指导检查组: inspection groups of a campaign, the units each group visits (by hand or by a
draw that respects recusal and balances the load), the planned date, and the on-site record of each
visit: a checklist, a 点评 for the unit, photos as evidence and findings that become problems.

A unit has at most one assignment per campaign; the assignment carries the visit record, which the
group's leader submits (then read-only) and the organizer may reopen with a reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.rectification.models import Problem


class Verdict(models.TextChoices):
    MEETS = "meets", _("符合")
    MOSTLY = "mostly", _("基本符合")
    FAILS = "fails", _("不符合")


class RecordState(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class Plan(models.Model):
    """Per campaign: the organizer's own checklist (empty: the scheme's first-level indicators) and the last draw."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="inspection_plan")
    checklist = models.JSONField(_("检查项目"), default=list, blank=True)
    draw_seed = models.CharField(_("抽签种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽签时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("督查安排")
        verbose_name_plural = _("督查安排")


class Group(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspection_groups")
    number = models.PositiveIntegerField(_("组号"))
    name = models.CharField(_("组名"), max_length=100)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("组长")
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("组员"))

    class Meta:
        verbose_name = _("督查组")
        verbose_name_plural = _("督查组")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_inspection_group")]

    def __str__(self) -> str:
        return self.name

    @property
    def others(self) -> list[Any]:
        """The members besides the leader (from the prefetched members when there are)."""
        return [m for m in self.members.all() if m.pk != self.leader_id]


class Assignment(models.Model):
    """One unit given to one group, its planned visit date and the visit record."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspection_assignments")
    unit = models.OneToOneField(CampaignUnit, on_delete=models.CASCADE, related_name="inspection")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="assignments")
    drawn = models.BooleanField(_("抽签分配"), default=False)
    reason = models.CharField(_("分配说明"), max_length=1000, blank=True)  # the recusals the draw honoured
    planned_on = models.DateField(_("计划检查日期"), null=True, blank=True)
    # the record
    state = models.CharField(_("状态"), max_length=16, choices=RecordState.choices, default=RecordState.DRAFT)
    visited_on = models.DateField(_("检查日期"), null=True, blank=True)
    checks = models.JSONField(_("检查项目结果"), default=list, blank=True)  # [{"label", "verdict", "note"}]
    comment = models.TextField(_("点评"), blank=True)
    started = models.BooleanField(default=False)  # anything recorded yet
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("督查分配")
        verbose_name_plural = _("督查分配")
        ordering = ["group__number", "unit__organization__name"]

    @property
    def submitted(self) -> bool:
        return self.state == RecordState.SUBMITTED


class Photo(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="photos")
    name = models.CharField(_("文件名"), max_length=255)
    stored = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")
        ordering = ["assignment", "uploaded_at", "pk"]


class Finding(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(_("编号"))
    text = models.TextField(_("发现的问题"))
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("发现的问题")
        verbose_name_plural = _("发现的问题")
        ordering = ["assignment", "number"]
        constraints = [models.UniqueConstraint(fields=["assignment", "number"], name="unique_inspection_finding")]
