"""提醒记录: an organizer reads every reminder sent to the people of the bureau, with how each channel
delivered it; other bureaus' people and anyone without a bureau to manage see nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.inbox import services as inbox
from kaoping.inbox.models import Delivery, Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(reporter_a: Any, reporter_b: Any, other_organizer: Any) -> dict[str, Any]:
    [due] = inbox.notify([reporter_a], Kind.DEADLINE, "「2024年度学校考核」“单位自评”将于明天截止", key="t:due")
    [returned] = inbox.notify([reporter_b], Kind.RETURNED, "自评被退回修改", key="t:ret")
    [elsewhere] = inbox.notify([other_organizer], Kind.OTHER, "外局的通知", key="t:other")
    Delivery.objects.create(message=due, channel="email", ok=False, error="收件人没有登记电子邮箱,未发送邮件")
    Delivery.objects.create(message=returned, channel="email", ok=True)
    returned.read_at = timezone.now()
    returned.save()
    return {"due": due, "returned": returned, "elsewhere": elsewhere}


def _page(client: Any, user: Any, **query: str) -> str:
    client.force_login(user)
    response = client.get(reverse("orgs:reminders"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_organizer_reads_each_reminder_of_the_bureaus_people_with_its_delivery(
    client: Any, organizer: Any, sent: dict[str, Any]
) -> None:
    page = _page(client, organizer)
    assert "共 2 条提醒" in page and "外局的通知" not in page
    assert "将于明天截止" in page and "截止提醒" in page
    assert '电子邮件:<span class="missing">发送失败</span>:收件人没有登记电子邮箱,未发送邮件' in page
    assert "站内消息:已送达,未读" in page
    assert "站内消息:已读(" in page and "电子邮件:发送成功" in page


def test_filters_by_failure_unread_kind_and_name(client: Any, organizer: Any, reporter_a: Any, sent: Any) -> None:
    assert "共 1 条提醒" in (failed := _page(client, organizer, state="failed")) and "将于明天截止" in failed
    assert "共 1 条提醒" in (unread := _page(client, organizer, state="unread")) and "将于明天截止" in unread
    assert "自评被退回修改" in _page(client, organizer, kind="returned")
    assert "共 1 条提醒" in _page(client, organizer, q=reporter_a.display_name)
    assert "没有符合条件的提醒" in _page(client, organizer, q="没有这个人")


def test_unknown_filter_values_are_ignored_not_an_error(client: Any, organizer: Any, sent: Any) -> None:
    assert "共 2 条提醒" in _page(client, organizer, state="<script>", kind="nope")


@pytest.mark.parametrize("role", ["reporter_a", "reviewer", "leader"])
def test_people_who_manage_no_bureau_get_a_plain_404(client: Any, cast: Any, role: str) -> None:
    client.force_login(cast.users[role])
    assert client.get(reverse("orgs:reminders")).status_code == 404


def test_the_other_bureaus_organizer_sees_only_its_own(client: Any, other_organizer: Any, sent: Any) -> None:
    page = _page(client, other_organizer)
    assert "外局的通知" not in page or "共 1 条提醒" in page
    assert "将于明天截止" not in page
