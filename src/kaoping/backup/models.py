"""What a campaign archive brought with it when it was imported into this installation.

The imported campaign's rows get new ids here, but its audit events cannot: each event's hash covers
the chain name, the actor's id and the object ids of the installation that wrote it. So the events
are kept exactly as they were written, in ``ArchivedAuditEvent``, and verified with the same hash
function as live events (``kaoping.backup.archive.verify_imported``). docs/backup.md explains.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaoping.audit.models import AppendOnlyError


class ImportedArchive(models.Model):
    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="imported_archive", verbose_name=_("考核活动")
    )
    file_sha256 = models.CharField(_("归档文件校验和"), max_length=64)
    source_campaign_id = models.BigIntegerField(_("原系统中的考核编号"))
    exported_at = models.DateTimeField(_("导出时间"))
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    # {model label: offset} added to every id of that model; {old org id: new org id}; chain heads
    id_offsets: models.JSONField[Any] = models.JSONField(default=dict)
    organizations: models.JSONField[Any] = models.JSONField(default=dict)
    chain_heads: models.JSONField[Any] = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("导入的考核归档")


class ArchivedAuditEvent(models.Model):
    """An audit event exactly as the source installation wrote it (ids are that installation's)."""

    archive = models.ForeignKey(ImportedArchive, on_delete=models.PROTECT, related_name="events")
    chain = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64, blank=True)
    old: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    new: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["archive", "chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["archive", "chain", "seq"], name="unique_archived_event_seq"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("归档的审计记录不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("归档的审计记录不能删除")
