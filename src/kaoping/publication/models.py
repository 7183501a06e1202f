"""Published results versions (结果公示): frozen copies of every unit's numbers and explanations.

Publishing copies the stored result of each unit into ``PublishedUnit`` rows and prints their
SHA-256 digest (``publication.digest``) on every page and document made from them. Later changes
to the data never touch a published version: a correction (after an accepted objection) is a new
version with its own digest, notice window and a readable diff against the previous one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit


class PublishedVersion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="published_versions")
    number = models.PositiveIntegerField(_("版本号"))
    # as printed when published (the digest covers them; a later rename changes neither)
    campaign_name = models.CharField(_("考核名称"), max_length=200)
    bureau_name = models.CharField(_("组织单位"), max_length=200)
    digest = models.CharField(_("校验码"), max_length=64, db_index=True)
    data_version = models.CharField(_("数据版本"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notice_start = models.DateField(_("公示开始日期"))
    notice_end = models.DateField(_("公示结束日期"))
    public = models.BooleanField(_("公开公示页"), default=False)
    # the public page's address: unguessable, so a campaign's notice is not found by counting ids
    public_key = models.CharField(max_length=32, unique=True)
    reason = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("与上一版的变化"), default=dict)
    # the scheme's category names when published, so the notice never shows a category's code
    category_names = models.JSONField(_("类别名称"), default=dict)
    units = models.PositiveIntegerField(_("单位数"), default=0)
    final_at = models.DateTimeField(_("结果确定时间"), null=True, blank=True)
    # practice: an objection is answered within 15 working days of being filed
    answer_working_days = models.PositiveSmallIntegerField(_("异议答复期限(工作日)"), default=15)

    class Meta:
        verbose_name = _("公示版本")
        verbose_name_plural = _("公示版本")
        ordering = ["campaign", "-number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_published_number")]

    def __str__(self) -> str:
        return f"{self.campaign} 第{self.number}版"


class PublishedUnit(models.Model):
    """One unit's frozen result in one published version (``results.StoredUnitResult`` copied)."""

    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("顺序"))
    category = models.CharField(_("类别"), max_length=100)
    name = models.CharField(_("单位"), max_length=200)
    rank = models.PositiveIntegerField(_("名次"), null=True)
    total = models.DecimalField(_("总分"), max_digits=30, decimal_places=10, null=True)
    head = models.JSONField(_("结果摘要"), null=True)
    data = models.JSONField(_("结果"))

    class Meta:
        verbose_name = _("公示单位结果")
        verbose_name_plural = _("公示单位结果")
        ordering = ["version", "position"]
        indexes = [models.Index(fields=["version", "category", "position"])]

    def __str__(self) -> str:
        return self.name


class ObjectionState(models.TextChoices):
    FILED = "filed", _("待分派")
    ASSIGNED = "assigned", _("待答复")
    ACCEPTED = "accepted", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


OPEN_STATES = (ObjectionState.FILED, ObjectionState.ASSIGNED)


class Objection(models.Model):
    """A unit's objection (异议) to a published version: against one item or its total, answered in writing."""

    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="objections")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("编号"))  # the unit's first, second … objection in the campaign
    item_id = models.CharField(_("指标"), max_length=100, blank=True)  # "" = the total
    item_name = models.CharField(_("指标名称"), max_length=300, blank=True)
    reasons = models.TextField(_("异议理由"))
    evidence_name = models.CharField(_("佐证材料"), max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("提出时间"))
    due_on = models.DateField(_("答复期限"))
    state = models.CharField(_("状态"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.FILED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    answer = models.TextField(_("书面答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["filed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="unique_objection_number")]

    def __str__(self) -> str:
        return f"{self.unit} 异议{self.number}"

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES
