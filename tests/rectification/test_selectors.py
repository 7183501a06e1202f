from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kaoping.rectification import selectors, services
from kaoping.rectification.models import Problem, ProblemState

TODAY = timezone.localdate()


def test_rates_are_exact_and_rounded_half_up():
    assert selectors.rate(11, 13) == Decimal("84.6")
    assert selectors.rate(1, 8) == Decimal("12.5")
    assert selectors.rate(1, 16) == Decimal("6.3")  # 6.25 → 6.3 (四舍五入, not banker's)
    assert selectors.rate(0, 3) == Decimal("0.0")
    assert selectors.rate(0, 0) is None  # no problems: no rate, never 0%


@pytest.mark.django_db
def test_seed_004_item_54_thirteen_problems_eleven_fixed(unit_a, unit_b, reviewer):
    for n in range(13):
        problem = services.create(
            unit=unit_a,
            actor=reviewer,
            data=services.ProblemInput(
                description=f"问题{n}", item_id="1.1" if n < 5 else "", item_name="1.1 制度" if n < 5 else ""
            ),
        )
        if n < 11:
            Problem.objects.filter(pk=problem.pk).update(state=ProblemState.CLOSED)
    Problem.objects.filter(unit=unit_a, number=13).update(deadline=TODAY - datetime.timedelta(days=1))
    assert selectors.problem_counts(unit_a.organization, unit_a.campaign) == (13, 11)
    assert selectors.problem_counts(unit_b.organization, unit_a.campaign) == (0, 0)
    book = selectors.ledger(Problem.objects.select_related("unit__organization"), [unit_a, unit_b])
    assert (book.total.total, book.total.fixed, book.total.open, book.total.overdue) == (13, 11, 1, 1)
    assert book.total.rate == Decimal("84.6")
    rates = {t.label: t.rate for t in book.by_unit}
    assert rates == {unit_a.organization.name: Decimal("84.6"), unit_b.organization.name: None}
    assert [(t.label, t.total, t.rate) for t in book.by_item] == [
        ("1.1 制度", 5, Decimal("100.0")),
        ("未关联指标", 8, Decimal("75.0")),
    ]
    assert selectors.open_to_carry(unit_a.organization, unit_a.campaign).count() == 2


@pytest.mark.django_db
def test_overdue_is_an_open_problem_past_its_deadline(unit_a, reviewer):
    problem = services.create(
        unit=unit_a,
        actor=reviewer,
        data=services.ProblemInput(description="x", deadline=TODAY - datetime.timedelta(days=1)),
    )
    assert selectors.overdue(problem) and selectors.status_label(problem) == "已超期"
    problem.state = ProblemState.CLOSED
    assert not selectors.overdue(problem) and selectors.status_label(problem) == "已整改"
    problem.state, problem.deadline = ProblemState.REPORTED, TODAY
    assert selectors.status_label(problem) == "待复查"


@pytest.mark.django_db
def test_who_sees_a_units_problems(unit_a, reviewer, reporter_a, reporter_b, leader_school_a, scorer_x, leader):
    from kaoping.campaigns.access import campaign_access

    services.create(unit=unit_a, actor=reviewer, data=services.ProblemInput(description="x"))
    for person, sees in (
        (reviewer, True),
        (leader, True),
        (reporter_a, True),
        (leader_school_a, True),
        (reporter_b, False),
        (scorer_x, False),
    ):
        access = campaign_access(person, unit_a.campaign)
        assert bool(selectors.visible_problems(access)) is sees, person
