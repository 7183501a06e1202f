"""Commendation lists (表彰名单) drawn from a campaign's final results.

A list is defined by its basis (前 N 名 per category, every unit of one grade, or one star tier)
and its categories. Its entries are drawn from the rows of the campaign's final published
version (``publication.PublishedUnit``, frozen copies of ``results.StoredUnitResult``) and stored
here, with each unit's status: listed, excluded by a flag of the result (一票否决, 降等, 不得评优),
excluded by hand with a reason, or tied on the boundary of the top N (待定) until the organizer
decides. Decisions are kept apart from the entries, so a re-draw keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.publication.models import PublishedVersion


class Basis(models.TextChoices):
    TOP_N = "top_n", _("各类别前 N 名")
    GRADE = "grade", _("全部某等次")
    STARS = "stars", _("星级")


class ListState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已发布")


class EntryStatus(models.TextChoices):
    LISTED = "listed", _("列入名单")
    TIED = "tied", _("名次并列,待定")
    FLAGGED = "flagged", _("不得评优")
    BY_HAND = "by_hand", _("手工排除")


class CommendationList(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="commendation_lists")
    number = models.PositiveIntegerField(_("编号"))
    title = models.CharField(_("名单标题"), max_length=200)
    basis = models.CharField(_("表彰依据"), max_length=16, choices=Basis.choices)
    top_n = models.PositiveIntegerField(_("前 N 名"), null=True, blank=True)
    per_category = models.JSONField(_("各类别名额"), default=dict)  # category id → N (overrides top_n)
    grade = models.CharField(_("等次"), max_length=100, blank=True)
    star_tier = models.CharField(_("星级"), max_length=100, blank=True)
    categories = models.JSONField(_("类别"), default=list)  # category ids, in the scheme's order
    category_names = models.JSONField(_("类别名称"), default=dict)
    state = models.CharField(_("状态"), max_length=16, choices=ListState.choices, default=ListState.DRAFT)
    source = models.ForeignKey(PublishedVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    missing = models.JSONField(_("无总分单位数"), default=dict)  # category id → count
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表彰名单")
        verbose_name_plural = _("表彰名单")
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_commendation_number")]

    def __str__(self) -> str:
        return self.title


class CommendationEntry(models.Model):
    """One unit considered for a list, as drawn from the final results."""

    list = models.ForeignKey(CommendationList, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("顺序"))
    status = models.CharField(_("状态"), max_length=16, choices=EntryStatus.choices)
    category = models.CharField(_("类别"), max_length=100)
    name = models.CharField(_("单位"), max_length=200)
    total = models.DecimalField(_("总分"), max_digits=30, decimal_places=10, null=True)
    total_text = models.CharField(_("总分(显示)"), max_length=40, blank=True)
    grade = models.CharField(_("等次"), max_length=100, blank=True)
    stars = models.CharField(_("星级"), max_length=100, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("表彰名单单位")
        verbose_name_plural = _("表彰名单单位")
        ordering = ["list", "position"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """The organizer's word on one unit of a list: excluded by hand, or (tied on the boundary) included."""

    list = models.ForeignKey(CommendationList, on_delete=models.CASCADE, related_name="decisions")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="+")
    include = models.BooleanField(_("列入"))
    reason = models.TextField(_("理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"))

    class Meta:
        verbose_name = _("表彰名单决定")
        verbose_name_plural = _("表彰名单决定")
        constraints = [models.UniqueConstraint(fields=["list", "unit"], name="unique_commendation_decision")]

    def __str__(self) -> str:
        return f"{self.list} {self.unit}"
