"""Every campaign's computed result, stored: what any web process on any host shows.

A task in a worker (results.tasks) computes the result when the campaign's data change and writes
it here with the data version it was computed from (``results.versions``). Pages read these rows;
they never compute. Decimals inside ``data`` are exact strings, a missing number is null.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.campaigns.models import Campaign, CampaignUnit

compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JSONTextField(models.TextField):  # type: ignore[type-arg]
    """JSON kept as its compact text, read back as data. Not ``JSONField``: on PostgreSQL that is
    jsonb, which the server parses on every write and prints back on every read, for queries into
    the document that nothing here makes. A full store at 20,000 units writes 250 MB of results,
    and parsing them as jsonb was 2 s of its 5.5 s COPY."""

    _pyi_private_set_type: Any  # what the model holds: the data, not its text
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else compact_json(value)

    def value_to_string(self, obj: models.Model) -> str:
        return compact_json(self.value_from_object(obj))


class StoredStandings(models.Model):
    """One campaign's stored run: its data version and the campaign-wide flags."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="stored_standings")
    version = models.CharField(_("数据版本"), max_length=200)
    seq = models.PositiveBigIntegerField(_("审计序号"))
    computed_at = models.DateTimeField(_("计算时间"))
    seconds = models.FloatField(_("计算用时(秒)"))
    flags = models.JSONField(_("提示"), default=list)
    units = models.PositiveIntegerField(_("单位数"), default=0)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"


class StoredUnitResult(models.Model):
    """One unit's result: indexed columns for listing, and the whole explained tree (engine.codec)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stored_unit_results")
    unit = models.OneToOneField(CampaignUnit, on_delete=models.CASCADE, related_name="stored_result")
    # Where the engine put the unit: categories in the scheme's order, then by rank.
    position = models.PositiveIntegerField(_("顺序"))
    category = models.CharField(_("类别"), max_length=100)
    name = models.CharField(_("单位"), max_length=200)
    rank = models.PositiveIntegerField(_("名次"), null=True)
    # For ordering and filtering only; the exact number (and its shown precision) is in ``data``.
    total = models.DecimalField(_("总分"), max_digits=30, decimal_places=10, null=True)
    data = JSONTextField(_("结果"))
    # What a list of units shows (engine.codec.encode_head): read instead of ``data`` by the
    # standings and the API, which would otherwise parse ≈15 KB of item trees per unit.
    head = JSONTextField(_("结果摘要"), null=True)

    class Meta:
        verbose_name = _("单位考核结果")
        verbose_name_plural = _("单位考核结果")
        indexes = [models.Index(fields=["campaign", "category", "position"])]

    def __str__(self) -> str:
        return self.name
