"""The last computed standings of each campaign, so any process can show them at once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign


class StandingsSnapshot(models.Model):
    """What the standings table shows (per unit: total, components, grade, stars, rank, flags),
    as computed at the data version ``version`` (``results.services.version_key``).

    Written after every computation; shown by a process that has no current result of its own,
    with a notice whenever ``version`` is not the current one. Decimals are stored as exact
    strings and a missing number as null."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="standings_snapshot")
    version = models.CharField(_("数据版本"), max_length=200)
    seq = models.PositiveBigIntegerField(_("审计序号"))
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("计算用时(秒)"))
    data = models.JSONField(_("排名数据"))

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.version}"
