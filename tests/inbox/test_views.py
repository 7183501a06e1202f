"""The inbox page and the header count: a user sees and marks only their own messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaoping.inbox import services
from kaoping.inbox.models import Kind, Message

pytestmark = pytest.mark.django_db


def _send(user, subject="「2024年度学校考核」“单位自评”将于 2026-03-20 17:00 截止", key="k", link="/campaigns/"):
    [message] = services.notify([user], Kind.DEADLINE, subject, "还有 3 天,请及时完成。", link, key=key)
    return message


def test_the_header_counts_unread_messages_and_the_page_lists_them(client_for, reporter_a):
    _send(reporter_a)
    _send(reporter_a, subject="第二条", key="k2")
    client = client_for(reporter_a)
    home = client.get("/").content.decode()
    assert 'class="nav-count">2<span class="visually-hidden">条未读</span>' in home
    page = client.get(reverse("inbox:list")).content.decode()
    assert "2 条未读" in page and "「2024年度学校考核」“单位自评”将于 2026-03-20 17:00 截止" in page
    assert "截止提醒" in page and "还有 3 天" in page


def test_opening_a_message_marks_it_read_and_goes_to_its_link(client_for, reporter_a):
    message = _send(reporter_a, link="/campaigns/")
    client = client_for(reporter_a)
    response = client.post(reverse("inbox:open", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == "/campaigns/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert "nav-count" not in client.get("/").content.decode()
    assert "第二条" not in client.get(reverse("inbox:list") + "?show=unread").content.decode()
    assert message.subject in client.get(reverse("inbox:list") + "?show=read").content.decode()


def test_a_stored_link_off_the_site_is_never_followed(client_for, reporter_a):
    message = _send(reporter_a)
    Message.objects.filter(pk=message.pk).update(link="//evil.example/")
    response = client_for(reporter_a).post(reverse("inbox:open", args=[message.pk]))
    assert response["Location"] == reverse("inbox:list")


def test_mark_unread_read_and_all(client_for, reporter_a):
    first = _send(reporter_a)
    _send(reporter_a, subject="第二条", key="k2")
    client = client_for(reporter_a)
    client.post(reverse("inbox:mark", args=[first.pk]), {"show": "unread"})
    assert services.unread_count(reporter_a) == 1
    client.post(reverse("inbox:mark", args=[first.pk]), {"unread": "1"})
    assert services.unread_count(reporter_a) == 2
    response = client.post(reverse("inbox:read_all"), {"show": "read"})
    assert response["Location"] == reverse("inbox:list") + "?show=read"
    assert services.unread_count(reporter_a) == 0


def test_someone_elses_message_is_a_404_and_stays_unread(client_for, reporter_a, reporter_b):
    message = _send(reporter_a)
    client = client_for(reporter_b)
    assert client.post(reverse("inbox:open", args=[message.pk])).status_code == 404
    assert client.post(reverse("inbox:mark", args=[message.pk])).status_code == 404
    client.post(reverse("inbox:read_all"))
    assert message.subject not in client.get(reverse("inbox:list")).content.decode()
    message.refresh_from_db()
    assert message.read_at is None


def test_anonymous_is_sent_to_sign_in_and_get_is_not_allowed_on_writes(client, reporter_a):
    message = _send(reporter_a)
    assert client.get(reverse("inbox:list"))["Location"].startswith(reverse("web:login"))
    assert client.post(reverse("inbox:open", args=[message.pk]))["Location"].startswith(reverse("web:login"))


def test_an_empty_inbox_says_what_will_arrive(client_for, reporter_a):
    page = client_for(reporter_a).get(reverse("inbox:list")).content.decode()
    assert "暂无消息" in page and "没有未读消息" in page
