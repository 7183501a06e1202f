"""Reminders a user reads in the inbox, and every attempt to deliver one through a channel.

A message's ``key`` names the reminder ("the 3-day deadline of the self-assessment of campaign 7"):
one row per recipient and key, enforced by a unique constraint, so the same reminder is stored and
sent once even when two task workers run the same scan at the same moment (kaoping.inbox.services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNMENT = "assignment", _("任务分派")
    PHASE = "phase", _("阶段开始")
    DEADLINE = "deadline", _("截止提醒")
    RETURNED = "returned", _("退回修改")
    OBJECTION = "objection", _("异议")
    OVERDUE = "overdue", _("已超期")
    RECTIFICATION = "rectification", _("整改")
    OTHER = "other", _("通知")


class Message(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages")
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)  # a path inside the site
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    # the token of the notify call that stored the row: how that call knows which of its rows were new
    batch = models.CharField(max_length=32, blank=True, default="", editable=False, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="inbox_once_per_recipient_and_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Delivery(models.Model):
    """One attempt to deliver a message through one channel: when, and success or the error in Chinese."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=32)
    attempted_at = models.DateTimeField(_("时间"), auto_now_add=True)
    ok = models.BooleanField(_("成功"), default=False)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("发送记录")
        indexes = [models.Index(fields=["message", "channel"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.attempted_at:%Y-%m-%d %H:%M}"
