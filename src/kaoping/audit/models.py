"""An append-only, hash-chained audit trail. Nothing is deleted, only superseded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """Who did what to which object, when, from which value to which, and why.

    Events form hash chains (one per ``chain``, e.g. ``campaign:12`` or ``rating-session:3``):
    each stores H(previous hash ‖ canonical entry), so an edited, deleted or reordered row is
    detected by ``kaoping.audit.services.verify_chain``.
    """

    chain = models.CharField(max_length=64, db_index=True)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64, blank=True)
    old: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    new: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="unique_audit_seq_per_chain")]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计记录只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加,不能删除")
