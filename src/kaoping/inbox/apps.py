from __future__ import annotations

from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "kaoping.inbox"
    label = "inbox"
    verbose_name = "消息提醒"
