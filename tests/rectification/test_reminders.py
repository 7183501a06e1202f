from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kaoping.campaigns.models import Campaign, Phase
from kaoping.inbox import scanners
from kaoping.inbox.models import Message
from kaoping.rectification import services

pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def test_each_step_reaches_the_right_people(unit_a, reviewer, reporter_a, reporter_b):
    problem = services.create(unit=unit_a, actor=reviewer, data=services.ProblemInput(description="台账不全"))
    assert list(Message.objects.filter(recipient=reporter_a).values_list("subject", flat=True)) == [
        f"{unit_a.organization.name}有新的整改问题:台账不全"
    ]
    assert not Message.objects.filter(recipient=reporter_b).exists()
    services.report(problem=problem, actor=reporter_a, text="完成", done=True)
    assert Message.objects.get(recipient=reviewer).subject.endswith("已申请复查")
    services.recheck(problem=problem, actor=reviewer, close=False, opinion="不到位")
    services.report(problem=problem, actor=reporter_a, text="再次完成", done=True)
    services.recheck(problem=problem, actor=reviewer, close=True, opinion="到位")
    subjects = list(Message.objects.filter(recipient=reporter_a).order_by("pk").values_list("subject", flat=True))
    assert subjects[-2].endswith("须重新整改") and subjects[-1].endswith("已销号")
    assert Message.objects.filter(recipient=reviewer).count() == 2  # each request for a re-check


def test_deadlines_coming_and_overdue_with_a_fake_clock(unit_a, reviewer, reporter_a, settings):
    settings.INBOX_DEADLINE_DAYS = (3, 1)
    deadline = datetime.date(2030, 3, 10)
    services.create(unit=unit_a, actor=reviewer, data=services.ProblemInput(description="x", deadline=deadline))
    Message.objects.all().delete()

    def subjects() -> list[str]:
        return list(Message.objects.filter(recipient=reporter_a).order_by("pk").values_list("subject", flat=True))

    scanners.scan(_at(datetime.date(2030, 3, 1)))
    assert subjects() == []
    scanners.scan(_at(datetime.date(2030, 3, 7)))
    scanners.scan(_at(datetime.date(2030, 3, 8)))  # same step (3 days): sent once
    assert subjects() == [f"{unit_a.organization.name}问题 1 整改期限还有 3 天"]
    scanners.scan(_at(datetime.date(2030, 3, 9)))
    scanners.scan(_at(datetime.date(2030, 3, 11)))
    scanners.scan(_at(datetime.date(2030, 3, 12)))
    assert subjects()[1:] == [
        f"{unit_a.organization.name}问题 1 整改期限还有 1 天",
        f"{unit_a.organization.name}问题 1 整改已超期",
    ]
    assert Message.objects.filter(recipient=reviewer, subject__endswith="已超期").count() == 1


def test_closed_problems_and_archived_campaigns_are_not_reminded(unit_a, reviewer, reporter_a):
    problem = services.create(
        unit=unit_a, actor=reviewer, data=services.ProblemInput(description="x", deadline=datetime.date(2030, 1, 1))
    )
    services.recheck(problem=problem, actor=reviewer, close=True, opinion="到位")
    services.create(
        unit=unit_a, actor=reviewer, data=services.ProblemInput(description="y", deadline=datetime.date(2030, 1, 1))
    )
    Campaign.objects.filter(pk=unit_a.campaign_id).update(phase=Phase.ARCHIVED)
    Message.objects.all().delete()
    scanners.scan(_at(datetime.date(2030, 2, 1)))
    assert not Message.objects.exists()
