"""A campaign's own reminder days ("截止前提醒天数"): set on the campaign page, audited, and used by the
phase-deadline and rectification scanners instead of the site's setting (fake clock)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.audit.models import AuditEvent
from kaoping.campaigns import services as campaigns
from kaoping.campaigns.models import Campaign, Phase, PhaseDeadline
from kaoping.inbox import scanners
from kaoping.inbox.models import Message
from kaoping.rectification import services as problems

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


@pytest.mark.parametrize(("text", "days"), [("3,1", (3, 1)), ("1，7 3", (7, 3, 1)), ("5、5", (5,)), (" 30 ", (30,))])
def test_days_are_read_in_any_separator_largest_first(text: str, days: tuple[int, ...]) -> None:
    assert scanners.parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "提醒天数“0”应为 1 到 30 之间的整数"),
        ("31", "提醒天数“31”应为 1 到 30 之间的整数"),
        ("三天", "提醒天数“三天”应为 1 到 30 之间的整数"),
        ("1,2,3,4,5,6", "最多设置 5 个提醒天数"),
    ],
)
def test_unreadable_days_are_refused_in_chinese(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        scanners.parse_days(text)


def test_a_campaign_without_its_own_days_uses_the_sites(settings: Any) -> None:
    settings.INBOX_DEADLINE_DAYS = (3, 1)
    assert scanners.deadline_days("") == (3, 1) and scanners.deadline_days("7") == (7,)


def test_the_campaigns_days_decide_when_the_phase_deadline_is_reminded(
    campaign: Campaign, organizer: Any, reporter_a: Any, settings: Any
) -> None:
    settings.INBOX_DEADLINE_DAYS = (3, 1)
    deadline = datetime.datetime(2026, 3, 20, 17, 0, tzinfo=TZ)
    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.SELF_ASSESSMENT, deadline=deadline)
    assert campaigns.campaign_set_reminder_days(campaign=campaign, days="7", actor=organizer)
    Message.objects.all().delete()
    assert scanners.scan(deadline - datetime.timedelta(days=6, hours=20)).sent == 3
    # the site's 3 and 1 no longer apply to this campaign
    assert scanners.scan(deadline - datetime.timedelta(days=2)).sent == 0
    assert scanners.scan(deadline - datetime.timedelta(hours=20)).sent == 0


def test_the_campaigns_days_decide_when_a_problem_deadline_is_reminded(
    unit_a: Any, reviewer: Any, organizer: Any, reporter_a: Any, settings: Any
) -> None:
    settings.INBOX_DEADLINE_DAYS = (3, 1)
    problems.create(
        unit=unit_a, actor=reviewer, data=problems.ProblemInput(description="x", deadline=datetime.date(2030, 3, 10))
    )
    campaigns.campaign_set_reminder_days(campaign=unit_a.campaign, days="10,2", actor=organizer)
    Message.objects.all().delete()

    def at(day: int) -> datetime.datetime:
        return datetime.datetime(2030, 3, day, 9, 0, tzinfo=TZ)

    scanners.scan(at(1))
    scanners.scan(at(7))  # 3 days before: not one of this campaign's days
    scanners.scan(at(8))
    subjects = list(Message.objects.filter(recipient=reporter_a).order_by("pk").values_list("subject", flat=True))
    assert [s.rsplit("还有", 1)[1] for s in subjects] == [" 9 天", " 2 天"]


def test_the_setting_is_saved_from_the_campaign_page_and_audited_in_chinese(
    client: Any, campaign: Any, organizer: Any
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("campaigns:deadlines", args=[campaign.pk]), {"reminder_days": "7， 3,1"}, follow=True
    )
    assert "截止前提醒天数已改为:7,3,1" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.reminder_days == "7,3,1"
    event = AuditEvent.objects.filter(action="campaign.reminder_days").get()
    assert event.old is None and event.new == "7,3,1"
    log = client.get(reverse("audit:campaign_log", args=[campaign.pk])).content.decode()
    assert "设置截止前提醒天数" in log and "截止前提醒天数" in log


def test_bad_days_from_the_page_are_refused_and_nothing_changes(client: Any, campaign: Any, organizer: Any) -> None:
    client.force_login(organizer)
    response = client.post(reverse("campaigns:deadlines", args=[campaign.pk]), {"reminder_days": "0,3"}, follow=True)
    assert "截止前提醒天数:提醒天数“0”应为 1 到 30 之间的整数" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.reminder_days == "" and not AuditEvent.objects.filter(action="campaign.reminder_days").exists()
