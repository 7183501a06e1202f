"""kaoping.inbox: one entry point, a reminder stored and sent once per person and key, every delivery recorded."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import override_settings

from kaoping.inbox import channels, services
from kaoping.inbox.models import Delivery, Kind, Message


@pytest.mark.django_db
def test_notify_stores_one_message_per_person_and_key_and_records_the_inbox_delivery(reporter_a, reporter_b):
    first = services.notify([reporter_a, reporter_b, reporter_a], Kind.OTHER, "标题", "内容", "/campaigns/", key="k1")
    again = services.notify([reporter_a, reporter_b], Kind.OTHER, "标题", "内容", "/campaigns/", key="k1")
    assert len(first) == 2 and again == []
    assert Message.objects.count() == 2
    assert set(Delivery.objects.values_list("channel", "ok")) == {("inapp", True)}
    assert services.unread_count(reporter_a) == 1
    # another key is another reminder
    assert len(services.notify([reporter_a], Kind.OTHER, "标题", "", "", key="k2")) == 1


@pytest.mark.django_db
def test_inactive_users_and_foreign_links_are_refused_or_skipped(reporter_a):
    reporter_a.is_active = False
    reporter_a.save()
    assert services.notify([reporter_a], Kind.OTHER, "标题", key="k") == []
    with pytest.raises(ValueError):
        services.notify([reporter_a], Kind.OTHER, "标题", link="https://evil.example/", key="k")
    with pytest.raises(ValueError):
        services.notify([reporter_a], Kind.OTHER, "标题", key="")


@pytest.mark.django_db
def test_a_rolled_back_caller_leaves_no_message(reporter_a):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify([reporter_a], Kind.OTHER, "标题", key="k")
        raise RuntimeError
    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
@override_settings(INBOX_EMAIL=True)
def test_email_is_sent_once_after_commit_and_recorded(reporter_a, reporter_b):
    reporter_a.email = "zhou@example.cn"
    reporter_a.save()
    services.notify(
        [reporter_a, reporter_b], Kind.RETURNED, "「2024年度学校考核」被退回", "退回原因:缺材料", "/inbox/", key="r1"
    )
    services.notify(
        [reporter_a, reporter_b], Kind.RETURNED, "「2024年度学校考核」被退回", "退回原因:缺材料", "/inbox/", key="r1"
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zhou@example.cn"] and sent.subject == "「2024年度学校考核」被退回" and "缺材料" in sent.body
    ok = Delivery.objects.get(message__recipient=reporter_a, channel="email")
    assert ok.ok and ok.error == ""
    failed = Delivery.objects.get(message__recipient=reporter_b, channel="email")
    assert not failed.ok and failed.error == "收件人没有登记电子邮箱,未发送邮件"


@pytest.mark.django_db(transaction=True)
@override_settings(INBOX_EMAIL=True)
def test_a_failing_mail_server_is_recorded_in_chinese_and_the_inbox_still_has_the_message(reporter_a, monkeypatch):
    reporter_a.email = "zhou@example.cn"
    reporter_a.save()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(channels, "send_mail", refuse)
    services.notify([reporter_a], Kind.OTHER, "标题", key="k")
    delivery = Delivery.objects.get(channel="email")
    assert not delivery.ok and delivery.error == "无法连接邮件服务器或服务器拒绝发送,邮件未发出"
    assert services.unread_count(reporter_a) == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_channel_is_registered_without_touching_callers(reporter_a):
    sent: list[str] = []

    class Sms:
        name = "sms"
        label = "短信"

        def enabled(self) -> bool:
            return True

        def send(self, message: Message) -> None:
            sent.append(message.subject)

    channels.register(Sms())
    try:
        services.notify([reporter_a], Kind.OTHER, "短信标题", key="k")
    finally:
        channels._REGISTRY.pop("sms")
    assert sent == ["短信标题"]
    assert Delivery.objects.filter(channel="sms", ok=True).count() == 1
    assert channels.label("sms") == "其他渠道" and channels.label("email") == "电子邮件"


@pytest.mark.django_db(transaction=True)
@override_settings(INBOX_EMAIL=True)
def test_two_workers_sending_the_same_reminder_at_once_store_and_send_it_once(reporter_a):
    """Both threads pass the barrier and insert inside their own transaction; the unique constraint
    (not a check) lets one win. On PostgreSQL the second insert waits for the first to commit."""
    reporter_a.email = "zhou@example.cn"
    reporter_a.save()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import transaction

        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                created = services.notify([reporter_a], Kind.DEADLINE, "截止提醒", key="deadline:1")
            results.append(len(created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert Message.objects.filter(recipient=reporter_a, key="deadline:1").count() == 1
    assert len(mail.outbox) == 1
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_mark_read_unread_and_all(reporter_a):
    services.notify([reporter_a], Kind.OTHER, "一", key="a")
    services.notify([reporter_a], Kind.OTHER, "二", key="b")
    message = services.messages_for(reporter_a).get(key="a")
    services.mark_read(message)
    assert services.unread_count(reporter_a) == 1
    assert [m.subject for m in services.messages_for(reporter_a, show="read")] == ["一"]
    services.mark_unread(message)
    assert services.mark_all_read(reporter_a) == 2
    assert services.unread_count(reporter_a) == 0


@pytest.mark.django_db(transaction=True)
def test_a_channel_that_crashes_is_recorded_as_a_failure_and_a_retry_skips_what_succeeded(reporter_a):
    class Broken:
        name = "wechat"
        label = "微信"

        def enabled(self) -> bool:
            return True

        def send(self, message: Message) -> None:
            raise RuntimeError("gateway exploded")

    channels.register(Broken())
    try:
        [message] = services.notify([reporter_a], Kind.OTHER, "标题", key="k")
        failed = Delivery.objects.get(channel="wechat")
        assert not failed.ok and failed.error == "发送失败(渠道内部错误),请查看服务器日志"
        Delivery.objects.filter(pk=failed.pk).update(ok=True, error="")
        assert services.deliver([message.pk]) == 0  # already delivered through every channel
    finally:
        channels._REGISTRY.pop("wechat")
