"""Campaigns, the units they assess, their scheme versions and their phases."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.orgs.models import Organization


class Phase(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SELF_ASSESSMENT = "self_assessment", _("单位自评")
    REVIEW = "review", _("审核评分")
    RATING = "rating", _("现场测评")
    SCORING = "scoring", _("汇总计分")
    NOTICE = "notice", _("结果公示")
    FINAL = "final", _("结果确定")
    ARCHIVED = "archived", _("已归档")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class Campaign(models.Model):
    owner = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("组织单位")
    )
    name = models.CharField(_("名称"), max_length=200)
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    phase = models.CharField(_("阶段"), max_length=32, choices=Phase.choices, default=Phase.DRAFT)
    results_published = models.BooleanField(_("结果已发布"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # the campaign this one was started from ("开始下一年度考核"); at most one follows each
    # days before a phase's or a problem's deadline to remind ("3,1"); blank: the site's setting
    reminder_days = models.CharField(_("截止前提醒天数"), max_length=40, blank=True, default="")
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="following", verbose_name=_("上一年度")
    )

    class Meta:
        verbose_name = _("考核活动")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def scheme_frozen(self) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(Phase.SELF_ASSESSMENT)

    def current_version(self) -> SchemeVersion | None:
        """The newest stored scheme version (its data); the engine's Scheme of it is
        ``kaoping.campaigns.selectors.current_scheme``."""
        return self.scheme_versions.order_by("-number").first()


class SchemeVersion(models.Model):
    """An immutable copy of the scheme. Changes after the freeze create a new version."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scheme_versions")
    number = models.PositiveIntegerField()
    data: models.JSONField[Any] = models.JSONField()  # kaoping.formats.scheme_file.scheme_to_data output
    source_name = models.CharField(max_length=255, blank=True)
    reason = models.TextField(_("变更原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_scheme_version_number")]


class PhaseDeadline(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    phase = models.CharField(max_length=32, choices=Phase.choices)
    deadline = models.DateTimeField(_("截止时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "phase"], name="unique_deadline_per_phase")]


class CampaignUnit(models.Model):
    """A unit taking part in a campaign, under one of the scheme's categories."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="participations")
    category = models.CharField(_("考核类别"), max_length=64)  # a category id of the scheme

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="unique_campaign_unit")]
        indexes = [models.Index(fields=["campaign", "category"])]

    def __str__(self) -> str:
        return f"{self.organization} ({self.category})"
