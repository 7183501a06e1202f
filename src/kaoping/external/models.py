"""Scores of components assessed elsewhere (基层党建、民办学校督导…) and converted (折算) by the engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit


class ImportedScore(models.Model):
    """One unit's raw score in one imported component. Edited in place with a version; every
    change is in the audit chain, so nothing is lost."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="imported_scores")
    unit = models.ForeignKey(CampaignUnit, on_delete=models.PROTECT, related_name="imported_scores")
    component_id = models.CharField(_("考核项目"), max_length=64)
    raw = models.DecimalField(_("原始分"), max_digits=12, decimal_places=4)
    raw_max = models.DecimalField(_("原始满分"), max_digits=12, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("导入分数")
        ordering = ["component_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "component_id"], name="unique_imported_score_per_component"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.component_id}: {self.raw}"
