"""A campaign's stored analysis (``analytics.compute``) and the data version it was computed from.

A task in a worker (analytics.tasks) writes it; the page reads it and never computes. ``data``
holds display strings (Decimal, rounded half up; missing is null), unit and group names, counts:
never a ballot id, a slip, a credential or anything that names a rater.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign


class Analysis(models.Model):
    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="analysis")
    version = models.CharField(_("数据版本"), max_length=200)
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("计算用时(秒)"))
    data = models.JSONField(_("分析结果"))

    class Meta:
        verbose_name = _("评委与结果分析")
        verbose_name_plural = _("评委与结果分析")

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"
