"""Reading a campaign's engine inputs (results.inputs): the same inputs as stored, with the
values that 2,000,000 items repeat shared rather than copied."""

from __future__ import annotations

import gc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.assessments.conftest import fill_unit
from tests.ratings.conftest import issue, submit
from tests.ratings.test_services import open_all

from kaoping.assessments import services as assess_services
from kaoping.assessments.models import DepartmentScore, SelfAssessment
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.engine import stored
from kaoping.ratings import services as rating_services
from kaoping.ratings.models import SessionUnit, UnitStatus
from kaoping.results import compute, inputs


@pytest.fixture
def both_submitted(open_campaign: Any, unit_a: Any, unit_b: Any, reporter_a: Any, reporter_b: Any) -> Any:
    """Schools A and B submitted the same self scores (3, 2.5, 4) with the same note."""
    for unit, reporter in ((unit_a, reporter_a), (unit_b, reporter_b)):
        fill_unit(unit, reporter)
        assess_services.submission_submit(unit=unit, actor=reporter, scheme=scheme_for(open_campaign))
    return open_campaign


def _score_departments(campaign: Any, units: list[Any], scorers: dict[Any, Any], item_id: str, score: str) -> None:
    item = item_ref(scheme_for(campaign), "school", item_id).item
    for unit in units:
        for department, scorer in scorers.items():
            assess_services.department_score_save(
                unit=unit, item=item, department=department, actor=scorer, version=0, score=score
            )


def _loaded(campaign: Any, units: list[Any]) -> dict[str, dict[str, Any]]:
    rows = inputs.item_inputs(campaign, scheme_for(campaign), units)
    return {str(unit.pk): {item.item_id: item for item in rows[unit.pk]} for unit in units}


def test_equal_self_scores_and_notes_of_different_units_are_one_object_with_the_columns_places(
    both_submitted: Any, unit_a: Any, unit_b: Any
) -> None:
    loaded = _loaded(both_submitted, [unit_a, unit_b])
    a, b = loaded[str(unit_a.pk)], loaded[str(unit_b.pk)]
    for item_id, value in (("1.1", "3.0000"), ("1.2", "2.5000"), ("2", "4.0000")):
        assert str(a[item_id].self_score) == value  # the stored column's four places, as Django reads it
        assert a[item_id].self_score is b[item_id].self_score
        assert a[item_id].note == "说明" and a[item_id].note is b[item_id].note


def test_one_departments_equal_scores_give_one_shared_reviewed_score_and_split_shares_stay_apart(
    both_submitted: Any, unit_a: Any, unit_b: Any, dept_x: Any, dept_y: Any, scorer_x: Any, scorer_y: Any
) -> None:
    units = [unit_a, unit_b]
    _score_departments(both_submitted, units, {dept_x: scorer_x}, "1.1", "2.5")
    _score_departments(both_submitted, units, {dept_x: scorer_x, dept_y: scorer_y}, "2", "1.5")
    _score_departments(both_submitted, [unit_a], {dept_y: scorer_y}, "1.2", "2.5")
    loaded = _loaded(both_submitted, units)
    a, b = loaded[str(unit_a.pk)], loaded[str(unit_b.pk)]
    assert a["1.1"].reviewed_score == Decimal("2.5") and a["1.1"].reviewed_score is b["1.1"].reviewed_score
    assert b["1.2"].reviewed_score is None  # B's department has not scored it
    # the split item: both departments' shares, although each share alone is shared with whole items
    assert dict(a["2"].department_scores) == {"基础教育处": Decimal("1.5"), "督导室": Decimal("1.5")}
    assert dict(b["2"].department_scores) == dict(a["2"].department_scores)
    assert a["2"].reviewed_score is None


def test_each_loaded_item_is_what_item_input_makes_of_the_same_stored_rows(
    both_submitted: Any, unit_a: Any, unit_b: Any, dept_x: Any, dept_y: Any, scorer_x: Any, scorer_y: Any
) -> None:
    _score_departments(both_submitted, [unit_a], {dept_x: scorer_x}, "1.1", "2.5")
    _score_departments(both_submitted, [unit_b], {dept_x: scorer_x, dept_y: scorer_y}, "2", "2")
    scheme = scheme_for(both_submitted)
    loaded = _loaded(both_submitted, [unit_a, unit_b])
    for unit in (unit_a, unit_b):
        for item_id in ("1.1", "1.2", "2"):
            item = item_ref(scheme, "school", item_id).item
            entry = SelfAssessment.objects.get(unit=unit, item_id=item_id)
            scores = {
                row.scheme_department: row.score for row in DepartmentScore.objects.filter(unit=unit, item_id=item_id)
            }
            expected = stored.item_input(
                str(unit.pk),
                stored.item_facts(item),
                [getattr(entry, name) for name in stored.ENTRY_FIELDS],
                scores,
                None,
                "",
            )
            assert loaded[str(unit.pk)][item_id] == expected


def test_shared_columns_share_equal_values_and_keep_zero_and_missing_as_stored(
    both_submitted: Any, unit_a: Any, unit_b: Any
) -> None:
    SelfAssessment.objects.filter(unit=unit_a, item_id="1.1").update(self_score=Decimal(0))
    SelfAssessment.objects.filter(unit=unit_b, item_id="1.1").update(self_score=None)
    rows = list(
        inputs._value_rows(
            SelfAssessment.objects.filter(unit__in=[unit_a, unit_b]).order_by("unit_id", "item_id"),
            "unit_id",
            "item_id",
            "self_score",
            "note",
            shared=(2, 3),
        )
    )
    by_key = {(row[0], row[1]): row for row in rows}
    assert str(by_key[(unit_a.pk, "1.1")][2]) == "0.0000" and by_key[(unit_b.pk, "1.1")][2] is None
    assert str(by_key[(unit_a.pk, "1.2")][2]) == "2.5000"
    assert by_key[(unit_a.pk, "1.2")][2] is by_key[(unit_b.pk, "1.2")][2]
    assert by_key[(unit_a.pk, "2")][3] is by_key[(unit_b.pk, "2")][3] == "说明"


def test_rows_come_without_a_server_side_cursor_and_an_empty_filter_reads_nothing(
    both_submitted: Any, unit_a: Any, unit_b: Any
) -> None:
    """On PostgreSQL the rows are streamed: Django's chunked fetch would declare a cursor (WITH HOLD
    outside a transaction, which makes the server set the whole result aside before the first row)."""
    with CaptureQueriesContext(connection) as queries:
        loaded = _loaded(both_submitted, [unit_a, unit_b])
        nothing = list(inputs._value_rows(SelfAssessment.objects.filter(unit_id__in=[]), "unit_id", shared=(0,)))
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DECLARE")]
    assert str(loaded[str(unit_b.pk)]["1.2"].self_score) == "2.5000"
    assert nothing == []


def test_a_recompute_loads_and_scores_with_the_collector_paused_and_restores_it(
    both_submitted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    load = inputs.item_inputs

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return load(*args, **kwargs)

    monkeypatch.setattr(inputs, "item_inputs", watched)
    assert gc.isenabled()
    compute.compute_campaign_result(both_submitted)
    assert seen == [False]
    assert gc.isenabled()


@pytest.fixture
def two_meetings(live_session: Callable[[str], Any]) -> tuple[Any, Any]:
    """Two live rating sessions over the campaign's units, each unit opened."""
    sessions = [live_session(name) for name in ("述职测评(上午)", "述职测评(下午)")]
    for session in sessions:
        open_all(session)
    return sessions[0], sessions[1]


def _close_one(session: Any, grade: str) -> None:
    (rater, token), = issue(session, [(f"评委{grade}", "leaders", None)])  # fmt: skip
    unit = SessionUnit.objects.filter(session=session, status=UnitStatus.OPEN).order_by("position").first()
    assert submit(rater, token, unit, grade).status == 201
    rating_services.unit_close(session=session, session_unit=unit)


def test_counted_ballots_read_again_only_the_session_that_moved_and_equal_a_fresh_read(
    campaign: Any, two_meetings: tuple[Any, Any]
) -> None:
    morning, afternoon = two_meetings
    _close_one(morning, "好")
    _close_one(afternoon, "一般")
    first = inputs.counted_ballots(campaign)
    assert first.ballots == inputs.ballots_of(campaign) and len(first.ballots) == 2
    _close_one(afternoon, "良好")
    second = inputs.counted_ballots(campaign, first)
    assert second.by_session[morning.pk] is first.by_session[morning.pk]  # not read again
    assert second.by_session[afternoon.pk] is not first.by_session[afternoon.pk]
    assert second.ballots == inputs.ballots_of(campaign) and len(second.ballots) == 3
    assert inputs.counted_ballots(campaign, second).by_session == second.by_session  # nothing moved
