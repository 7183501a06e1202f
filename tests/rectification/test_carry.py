from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kaoping.audit.models import AuditEvent
from kaoping.campaigns import next_year
from kaoping.campaigns.models import Campaign
from kaoping.rectification import selectors, services
from kaoping.rectification.models import Problem, ProblemState

pytestmark = pytest.mark.django_db


def test_open_problems_carry_into_next_years_campaign(unit_a, unit_b, reviewer, organizer):
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    for n in range(3):
        services.create(
            unit=unit_a,
            actor=reviewer,
            data=services.ProblemInput(description=f"问题{n}", item_id="1.1", item_name="1.1 制度", deadline=deadline),
        )
    Problem.objects.filter(unit=unit_a, number=1).update(state=ProblemState.CLOSED)
    Problem.objects.filter(unit=unit_a, number=2).update(state=ProblemState.REPORTED)
    previous = unit_a.campaign
    campaign, lines = next_year.start_next_year(previous=previous, name="2025年度学校考核", year=2025, actor=organizer)
    assert "结转未销号的整改问题 2 个" in lines
    carried = list(Problem.objects.filter(campaign=campaign).order_by("number"))
    assert [(p.number, p.description, p.state, p.deadline) for p in carried] == [
        (1, "问题1", ProblemState.OPEN, deadline),
        (2, "问题2", ProblemState.OPEN, deadline),
    ]
    assert [p.carried_from.number for p in carried] == [2, 3]
    assert carried[0].unit.campaign_id == campaign.pk and carried[0].organization_id == unit_a.organization_id
    # last year's ledger is unchanged: 3 problems, 1 fixed
    assert selectors.problem_counts(unit_a.organization, previous) == (3, 1)
    assert selectors.problem_counts(unit_a.organization, campaign) == (2, 0)
    event = AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", action="problem.create").first()
    assert event is not None and "结转" in event.reason
    assert Campaign.objects.get(pk=campaign.pk).previous_id == previous.pk
