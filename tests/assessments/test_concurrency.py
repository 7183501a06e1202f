"""Two reviewers saving the same item at once (reliability-security.md T-D1).

The threaded tests need real concurrent transactions, so they run on PostgreSQL only
(``DATABASE_URL=postgres://…``); the sequential conflict test in test_services.py runs everywhere.
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from kaoping.assessments import services
from kaoping.assessments.models import ReviewScore
from kaoping.audit.models import AuditEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]

ROUNDS = 25


def run_pair(work: Any) -> list[Any]:
    """Run ``work(index, barrier)`` in two threads; return their outcomes (value or exception)."""
    barrier = threading.Barrier(2, timeout=20)
    outcomes: list[Any] = [None, None]

    def target(index: int) -> None:
        try:
            outcomes[index] = work(index, barrier)
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.fixture
def seeded(submitted_a: Any, unit_a: Any, scheme: Any, reviewer: Any) -> tuple[Any, Any]:
    from kaoping.assessments.selectors import item_ref

    item = item_ref(scheme, "school", "1.1").item
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="3", reason="初始")
    return unit_a, item


def test_second_of_two_simultaneous_saves_gets_conflict(seeded, reviewer, organizer):
    unit, item = seeded
    actors = [reviewer, organizer]
    for round_number in range(ROUNDS):
        version = ReviewScore.objects.get(unit=unit, item_id=item.id).version
        values = [Decimal("0.01") * (2 * round_number + 1), Decimal("0.01") * (2 * round_number + 2)]  # never repeat

        def work(
            index: int,
            barrier: threading.Barrier,
            version: int = version,
            values: list[Decimal] = values,
            round_number: int = round_number,
        ) -> Any:
            barrier.wait()
            return services.review_save(
                unit=unit,
                item=item,
                actor=actors[index],
                version=version,
                score=str(values[index]),
                reason=f"round {round_number} by {index}",
            )

        outcomes = run_pair(work)
        winners = [o for o in outcomes if isinstance(o, ReviewScore)]
        losers = [o for o in outcomes if isinstance(o, services.Conflict)]
        assert (len(winners), len(losers)) == (1, 1), outcomes
        stored = ReviewScore.objects.get(unit=unit, item_id=item.id)
        assert stored.confirmed_score == winners[0].confirmed_score
        assert stored.version == version + 1
        audited = AuditEvent.objects.filter(object_type="review_score", reason__startswith=f"round {round_number} ")
        assert audited.count() == 1


def test_negative_control_naive_save_loses_an_update(seeded):
    """Without the version check both saves 'succeed' and one of them is silently lost."""
    unit, item = seeded
    values = [Decimal("1"), Decimal("2")]

    def naive(index: int, barrier: threading.Barrier) -> Decimal:
        with transaction.atomic():
            row = ReviewScore.objects.get(unit=unit, item_id=item.id)  # read …
            barrier.wait()  # … both readers hold the same old version …
            row.confirmed_score = values[index]
            row.save()  # … and both overwrite
        return values[index]

    outcomes = run_pair(naive)
    assert all(isinstance(o, Decimal) for o in outcomes), outcomes  # both callers were told "saved"
    stored = ReviewScore.objects.get(unit=unit, item_id=item.id).confirmed_score
    lost = [v for v in outcomes if v != stored]
    assert len(lost) == 1  # one reviewer's update vanished without a word
