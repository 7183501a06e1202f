"""How a stored message reaches its reader: the channel registry.

Callers never name a channel: they call ``kaoping.inbox.services.notify`` and every enabled channel
delivers. The in-app inbox is always on (the message row is the delivery); e-mail is on when the
deployment configures it (``INBOX_EMAIL``, Django's ``EMAIL_*`` settings; docs/reminders.md).

A new gateway (SMS, WeChat) is one class with ``name``, ``label``, ``enabled()`` and ``send(message)``,
registered at start-up (an ``AppConfig.ready``) with ``register(MyChannel())``. ``send`` raises
``ChannelError`` with a Chinese sentence when it cannot deliver; any other exception is recorded as
a generic failure and logged. Nothing else changes: callers and stored messages stay as they are.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from kaoping.inbox.models import Message

log = logging.getLogger(__name__)


class ChannelError(Exception):
    """A delivery that failed, with a Chinese sentence saying why (stored on the delivery record)."""


class Channel(Protocol):
    name: str  # stored on each delivery record; never shown
    label: str  # Chinese, shown to people

    def enabled(self) -> bool: ...

    def send(self, message: Message) -> None: ...


class InApp:
    """The inbox page itself: the stored message is the delivery."""

    name = "inapp"
    label = "站内消息"

    def enabled(self) -> bool:
        return True

    def send(self, message: Message) -> None:
        return None


class Email:
    """Django's mail settings (EMAIL_HOST, EMAIL_PORT, …); on when ``INBOX_EMAIL`` is true."""

    name = "email"
    label = "电子邮件"

    def enabled(self) -> bool:
        return bool(getattr(settings, "INBOX_EMAIL", False))

    def send(self, message: Message) -> None:
        address = (message.recipient.email or "").strip()
        if not address:
            raise ChannelError(_("收件人没有登记电子邮箱,未发送邮件"))
        body = message.body
        if message.link:
            body += "\n\n" + _("查看详情:") + absolute(message.link)
        try:
            send_mail(message.subject, body, None, [address])
        except smtplib.SMTPRecipientsRefused:
            raise ChannelError(_("邮件服务器拒收收件地址“%(a)s”") % {"a": address}) from None
        except smtplib.SMTPAuthenticationError:
            raise ChannelError(_("邮件服务器拒绝登录,请检查邮件账号设置")) from None
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("e-mail to user %s failed: %r", message.recipient_id, exc)
            raise ChannelError(_("无法连接邮件服务器或服务器拒绝发送,邮件未发出")) from None


def absolute(link: str) -> str:
    """A site path as a full address when the deployment names its site (``INBOX_SITE_URL``)."""
    base = str(getattr(settings, "INBOX_SITE_URL", "") or "").rstrip("/")
    return base + link if base and link.startswith("/") else link


_REGISTRY: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    """Add (or replace, by name) a channel; call from an AppConfig.ready."""
    _REGISTRY[channel.name] = channel


def channels() -> list[Channel]:
    return list(_REGISTRY.values())


def enabled() -> list[Channel]:
    return [c for c in _REGISTRY.values() if c.enabled()]


def label(name: str) -> str:
    channel = _REGISTRY.get(name)
    return channel.label if channel else _("其他渠道")


register(InApp())
register(Email())
