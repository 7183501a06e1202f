"""Keeping results current after changes: incremental recompute, snapshots, background runs.

The incremental result (reload only the units named by new audit events, reuse unchanged
indicator outcomes) must be the full run's, digit for digit: checked by ``repr`` after random
sequences of saves through the assessment services.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.models import ReviewScore, SelfAssessment
from kaoping.assessments.selectors import item_ref
from kaoping.audit.models import AuditEvent
from kaoping.audit.services import audit_record
from kaoping.results import services
from kaoping.results.models import StandingsSnapshot

ITEMS = ["1.1", "1.2", "2"]


@pytest.fixture
def scored(
    open_campaign: Any, unit_a: Any, unit_b: Any, scheme: Any, reporter_a: Any, reporter_b: Any, reviewer: Any
) -> Any:
    """School A submitted (3 + 2.5 + 4), school B a draft (its scores do not count yet)."""
    fill_unit(unit_a, reporter_a)
    assess_services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    fill_unit(unit_b, reporter_b)
    return open_campaign


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Background runs are recorded instead of started (run them with ``services._background``)."""
    started: list[int] = []
    monkeypatch.setattr(services, "spawn", lambda target, pk: started.append(pk))
    monkeypatch.setattr(services, "INLINE_MAX_INPUTS", 0)  # behave like a large campaign
    return started


def _state(campaign: Any) -> Any:
    return services._STATES[campaign.pk]


def _apply(edit: tuple[Any, ...], units: dict[str, Any], scheme: Any, people: dict[str, Any]) -> None:
    kind, who = edit[0], edit[1]
    unit = units[who]
    try:
        if kind == "review":
            item = item_ref(scheme, "school", edit[2]).item
            row = ReviewScore.objects.filter(unit=unit, item_id=item.id).first()
            assess_services.review_save(
                unit=unit, item=item, actor=people["reviewer"], version=row.version if row else 0,
                score=edit[3], reason="核实调整",
            )  # fmt: skip
        elif kind == "entry":
            item = item_ref(scheme, "school", edit[2]).item
            entry = SelfAssessment.objects.filter(unit=unit, item_id=item.id).first()
            assess_services.entry_save(
                unit=unit, item=item, actor=people[f"reporter_{who}"], version=entry.version if entry else 0,
                data=assess_services.EntryInput(self_score=edit[3], note="改"),
            )  # fmt: skip
        elif kind == "submit":
            assess_services.submission_submit(unit=unit, actor=people[f"reporter_{who}"], scheme=scheme)
        elif kind == "return":
            assess_services.submission_return(unit=unit, actor=people["reviewer"], reason="请补充")
        elif kind == "spot_check_like":  # an event of a type that never changes the inputs
            audit_record(chain=f"campaign:{unit.campaign_id}", action="create", object_type="recusal", object_id=1)
    except assess_services.AssessmentError:
        pass  # refused in this state (e.g. editing a submitted entry): nothing changed


units_ = st.sampled_from(["a", "b"])
scores = st.sampled_from(["0", "1", "1.5", "2", "2.0", "0.5"])
edits = st.one_of(
    st.tuples(st.just("review"), units_, st.sampled_from(ITEMS), scores),
    st.tuples(st.just("entry"), units_, st.sampled_from(ITEMS), scores),
    st.tuples(st.just("submit"), units_),
    st.tuples(st.just("return"), units_),
    st.tuples(st.just("spot_check_like"), units_),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.lists(edits, min_size=1, max_size=3), min_size=1, max_size=4))
def test_incremental_result_equals_full_recompute_after_random_edits(
    steps: list[list[tuple[Any, ...]]], scored: Any, unit_a: Any, unit_b: Any, scheme: Any,
    reviewer: Any, reporter_a: Any, reporter_b: Any,
) -> None:  # fmt: skip
    people = {"reviewer": reviewer, "reporter_a": reporter_a, "reporter_b": reporter_b}
    units = {"a": unit_a, "b": unit_b}
    services.compute_campaign_result(scored)
    for batch in steps:
        before = _state(scored).version.key
        for edit in batch:
            _apply(edit, units, scheme, people)
        incremental = services.compute_campaign_result(scored)
        if _state(scored).version.key != before:
            assert _state(scored).reloaded_units is not None  # every edit above is attributable to a unit
        assert repr(incremental) == repr(services.compute_campaign_result(scored, use_cache=False))


def test_a_change_reloads_only_the_unit_it_names(scored: Any, unit_a: Any, scheme: Any, reviewer: Any) -> None:
    services.compute_campaign_result(scored)
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    result = services.compute_campaign_result(scored)
    state = _state(scored)
    assert state.reloaded_units == 1
    assert state.memo.misses == 1  # only school A's tree was scored again
    assert result.unit(services.unit_key(unit_a)).total == Decimal("7.5")


def test_an_event_not_attributable_to_a_unit_reloads_everything(scored: Any, unit_a: Any) -> None:
    services.compute_campaign_result(scored)
    audit_record(chain=f"campaign:{scored.pk}", action="phase", object_type="campaign", object_id=scored.pk)
    result = services.compute_campaign_result(scored)
    assert _state(scored).reloaded_units is None
    assert repr(result) == repr(services.compute_campaign_result(scored, use_cache=False))


def test_every_computation_saves_a_snapshot_with_missing_kept_missing(scored: Any, unit_a: Any, unit_b: Any) -> None:
    result = services.compute_campaign_result(scored)
    snapshot = StandingsSnapshot.objects.get(campaign=scored)
    assert snapshot.version == services.version_key(scored).key
    units = {u.unit_id: u for u in services.snapshot_units(snapshot.data)}
    for unit in result.units:
        saved = units[unit.unit_id]
        assert (saved.total, saved.rank, saved.grade, saved.max) == (unit.total, unit.rank, unit.grade, unit.max)
        assert [c.score for c in saved.components] == [c.score for c in unit.components]
        assert [(f.code, f.message) for f in saved.flags] == [(f.code, f.message) for f in unit.flags]
    assert units[services.unit_key(unit_b)].total is None  # a draft counts nothing: missing, never 0
    assert units[services.unit_key(unit_a)].total == Decimal("9.5")


def _standings(client: Any, campaign: Any) -> str:
    response = client.get(reverse("results:standings", args=[campaign.pk]), {"category": "school"})
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_worker_shows_the_current_snapshot_without_a_notice(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, spawned: list[int],
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    services.compute_campaign_result(scored)
    services.clear_result_cache()  # another gunicorn worker
    client = client_for(organizer)
    with django_assert_max_num_queries(16):
        page = _standings(client, scored)
    assert "9.5" in page and "缺失" in page
    assert "正在重新计算" not in page
    assert spawned == [scored.pk]  # the worker warms up for the unit pages meanwhile


def test_after_a_change_a_new_worker_shows_the_old_snapshot_with_a_notice_until_recomputed(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, unit_a: Any, scheme: Any, reviewer: Any,
    spawned: list[int],
) -> None:  # fmt: skip
    services.compute_campaign_result(scored)
    computed_at = StandingsSnapshot.objects.get(campaign=scored).computed_at
    services.clear_result_cache()
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    client = client_for(organizer)
    status_url = f"{reverse('results:standings', args=[scored.pk])}?poll=1"

    page = _standings(client, scored)
    assert "数据已变动,正在重新计算…" in page
    assert computed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")[:10] in page
    assert f'hx-get="{status_url}"' in page
    assert "9.5" in page  # the old total, shown under the notice
    assert client.get(status_url).status_code == 204

    services._background(spawned[0])  # the background run finishes
    response = client.get(status_url)
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    page = _standings(client, scored)
    assert "正在重新计算" not in page and "7.5" in page


def test_with_no_snapshot_yet_the_standings_say_they_are_computing(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, spawned: list[int]
) -> None:
    page = _standings(client_for(organizer), scored)
    assert "正在计算结果" in page
    assert f"{reverse('results:standings', args=[scored.pk])}?poll=1" in page
    assert spawned == [scored.pk]


def test_unit_pages_in_a_new_worker_wait_for_the_result_then_refresh(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, unit_a: Any, spawned: list[int]
) -> None:
    services.compute_campaign_result(scored)
    services.clear_result_cache()
    client = client_for(organizer)
    url = reverse("results:unit_result", args=[scored.pk, unit_a.pk])
    page = client.get(url).content.decode()
    assert "正在计算结果" in page
    status_url = f"{url}?poll=1"
    assert status_url in page
    explain = reverse("results:explain", args=[scored.pk, unit_a.pk])
    fragment = client.get(explain, headers={"HX-Request": "true"}).content.decode()
    assert "正在计算结果" in fragment and "<html" not in fragment
    assert f'hx-get="{explain}"' in fragment  # the panel asks for itself again
    assert client.get(status_url).status_code == 204
    services._background(spawned[0])
    assert client.get(status_url)["HX-Refresh"] == "true"
    assert "9.5" in client.get(url).content.decode()


def test_a_background_run_is_started_once_per_campaign_per_process(scored: Any, spawned: list[int]) -> None:
    assert services.start_background(scored) is True
    assert services.start_background(scored) is False
    services._background(scored.pk)
    assert services.start_background(scored) is True
    assert spawned == [scored.pk, scored.pk]


def test_polling_is_404_for_those_who_may_not_see_the_page(
    scored: Any, client_for: Callable[[Any], Any], reporter_a: Any, unit_b: Any
) -> None:
    client = client_for(reporter_a)
    assert client.get(reverse("results:standings", args=[scored.pk]), {"poll": "1"}).status_code == 404
    assert client.get(reverse("results:unit_result", args=[scored.pk, unit_b.pk]), {"poll": "1"}).status_code == 404


def test_a_first_score_of_zero_moves_the_data_version(scored: Any, unit_a: Any, scheme: Any, reviewer: Any) -> None:
    before = services.version_key(scored).key
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="0", reason="不达标")
    assert services.version_key(scored).key != before
    event = AuditEvent.objects.filter(chain=f"campaign:{scored.pk}", object_type="review_score").last()
    assert event is not None and event.new == "0"
