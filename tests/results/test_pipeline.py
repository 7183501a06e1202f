"""Keeping stored results current after changes: the recompute task, incremental runs, pages.

The incremental result (reload only the units named by new audit events, reuse unchanged
indicator outcomes) must be the full run's, digit for digit: checked by ``repr`` after random
sequences of saves through the assessment services, and the stored rows must decode to it.
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
from tests.ratings.conftest import issue, submit
from tests.ratings.test_services import open_all

from kaoping.assessments import services as assess_services
from kaoping.assessments.models import ReviewScore, SelfAssessment
from kaoping.assessments.selectors import item_ref
from kaoping.audit.models import AuditEvent
from kaoping.audit.services import audit_record
from kaoping.engine import codec
from kaoping.jobs.models import Job
from kaoping.ratings import services as rating_services
from kaoping.results import compute, services, tasks
from kaoping.results.models import StoredStandings, StoredUnitResult
from kaoping.results.versions import current_version

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
def queued_only(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Recomputes are queued but no worker runs them (run one with ``_work``): a busy worker."""
    monkeypatch.setattr(services, "recompute_standings", tasks.recompute_standings.using(backend="queue_only"))
    return []


def _work(campaign: Any) -> None:
    """A task worker picks up the campaign's queued recompute and runs it."""
    job = Job.objects.filter(key=services.job_key(campaign)).order_by("-pk").first()
    assert job is not None and job.state == "queued"
    tasks.recompute_standings.call(job.pk)


def _state(campaign: Any) -> Any:
    return compute._STATES[campaign.pk]


def _stored(campaign: Any) -> str:
    rows = StoredUnitResult.objects.filter(campaign=campaign).order_by("position").values_list("data", flat=True)
    return repr(tuple(codec.decode_unit(data) for data in rows))


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
    compute.forget_states()
    compute.recompute(scored)
    for batch in steps:
        before = _state(scored).version.key
        for edit in batch:
            _apply(edit, units, scheme, people)
        incremental = compute.recompute(scored)
        if incremental.version.key != before:
            assert incremental.changed is not None  # every edit above is attributable to a unit
        full = services.compute_campaign_result(scored)
        assert repr(incremental.result) == repr(full)
        assert _stored(scored) == repr(full.units)  # only changed rows rewritten, all of them right


def test_a_change_reloads_and_stores_only_the_unit_it_names(
    scored: Any, unit_a: Any, unit_b: Any, scheme: Any, reviewer: Any
) -> None:
    compute.recompute(scored)
    untouched = StoredUnitResult.objects.get(unit=unit_b).pk
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    state = compute.recompute(scored)
    assert state.changed == {unit_a.pk}
    assert state.memo.misses == 1  # only school A's tree was scored again
    assert state.result.unit(services.unit_key(unit_a)).total == Decimal("7.5")
    assert StoredUnitResult.objects.get(unit=unit_b).pk == untouched  # its row was not rewritten
    assert codec.decode_unit(StoredUnitResult.objects.get(unit=unit_a).data).total == Decimal("7.5")


@pytest.fixture
def live_rating(live_session: Callable[[str], Any]) -> Any:
    """A live rating session over the campaign's units."""
    return live_session("立德树人述职测评会")


def test_a_rating_units_close_reloads_the_ballots_alone_and_stores_the_full_result(
    campaign: Any, live_rating: Any
) -> None:
    (rater, token), (second, second_token) = issue(live_rating, [("甲", "leaders", None), ("乙", "heads", None)])
    units = open_all(live_rating)
    compute.forget_states()
    before = compute.recompute(campaign)
    for unit, grade in ((units[0], "良好"), (units[1], "一般")):
        assert submit(rater, token, unit, grade).status == 201
    assert submit(second, second_token, units[0], "差").status == 201
    rating_services.unit_close(session=live_rating, session_unit=units[0])
    state = compute.recompute(campaign)
    assert state.changed == set()  # incremental: no unit's item rows were read again
    assert state.memo.misses == 0  # every unit's indicator outcome was reused
    assert state.ballots is not before.ballots
    full = services.compute_campaign_result(campaign)
    assert repr(state.result) == repr(full)
    assert _stored(campaign) == repr(full.units)
    rated = services.unit_key(units[0].campaign_unit)
    assert state.result.unit(rated) != before.result.unit(rated)  # its closed ballots count now
    open_unit = services.unit_key(units[1].campaign_unit)
    assert state.result.unit(open_unit) == before.result.unit(open_unit)  # still open: not yet
    rating_services.session_close(session=live_rating)  # rewrites the ballots, counts the open unit
    closed = compute.recompute(campaign)
    assert closed.changed == set()
    assert repr(closed.result) == repr(services.compute_campaign_result(campaign))
    assert closed.result.unit(open_unit) != before.result.unit(open_unit)


def test_a_live_ratings_close_asks_for_a_recompute_and_its_other_events_do_not(
    campaign: Any, live_rating: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    monkeypatch.setattr(services, "request_after_commit", asked.append)
    ((rater, token),) = issue(live_rating, [("甲", "leaders", None)])
    units = open_all(live_rating)
    assert submit(rater, token, units[0], "良好").status == 201
    assert asked == []  # slips, opened units and ballots of open units change no standings
    rating_services.unit_close(session=live_rating, session_unit=units[0])
    assert asked == [campaign.pk]
    rating_services.session_close(session=live_rating)
    assert asked == [campaign.pk, campaign.pk]


def test_an_event_not_attributable_to_a_unit_reloads_everything(scored: Any, unit_a: Any) -> None:
    compute.recompute(scored)
    audit_record(chain=f"campaign:{scored.pk}", action="phase", object_type="campaign", object_id=scored.pk)
    state = compute.recompute(scored)
    assert state.changed is None
    assert repr(state.result) == repr(services.compute_campaign_result(scored))


def test_the_stored_result_keeps_every_number_exact_and_missing_kept_missing(
    scored: Any, unit_a: Any, unit_b: Any
) -> None:
    state = compute.recompute(scored)
    head = StoredStandings.objects.get(campaign=scored)
    assert head.version == current_version(scored).key
    assert _stored(scored) == repr(state.result.units)  # explanations, flags, Decimal exponents
    row_b = StoredUnitResult.objects.get(unit=unit_b)
    assert row_b.total is None and codec.decode_unit(row_b.data).total is None  # missing, never 0
    assert StoredUnitResult.objects.get(unit=unit_a).total == Decimal("9.5")


def _standings(client: Any, campaign: Any) -> str:
    response = client.get(reverse("results:standings", args=[campaign.pk]), {"category": "school"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_standings_page_reads_the_stored_result_without_computing(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, queued_only: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    compute.recompute(scored)
    compute.forget_states()
    client = client_for(organizer)
    with django_assert_max_num_queries(20):
        page = _standings(client, scored)
    assert "9.5" in page and "缺失" in page
    assert "正在重新计算" not in page
    assert not Job.objects.exists()  # current: nothing asked of a worker


def test_after_a_change_the_page_shows_the_stored_result_with_progress_until_the_worker_stores_the_new_one(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, unit_a: Any, scheme: Any, reviewer: Any,
    queued_only: Any,
) -> None:  # fmt: skip
    compute.recompute(scored)
    computed_at = StoredStandings.objects.get(campaign=scored).computed_at
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    client = client_for(organizer)
    status_url = f"{reverse('results:standings', args=[scored.pk])}?poll=1"

    page = _standings(client, scored)
    assert "数据已变动,正在重新计算…" in page
    assert computed_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")[:10] in page
    assert f'hx-get="{status_url}"' in page
    assert "排队中" in page and "<progress" in page
    assert "9.5" in page  # the stored total, shown under the notice
    fragment = client.get(status_url)
    assert fragment.status_code == 200 and "HX-Refresh" not in fragment and "<progress" in fragment.content.decode()
    assert Job.objects.filter(key=services.job_key(scored)).count() == 1  # asked once, however often polled

    _work(scored)
    response = client.get(status_url)
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    page = _standings(client, scored)
    assert "正在重新计算" not in page and "7.5" in page


def test_with_nothing_stored_yet_the_standings_say_they_are_computing(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, queued_only: Any
) -> None:
    page = _standings(client_for(organizer), scored)
    assert "正在计算结果" in page
    assert f"{reverse('results:standings', args=[scored.pk])}?poll=1" in page


def test_unit_pages_wait_for_the_first_stored_result_then_refresh(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, unit_a: Any, queued_only: Any
) -> None:
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
    assert "HX-Refresh" not in client.get(status_url)
    _work(scored)
    assert client.get(status_url)["HX-Refresh"] == "true"
    assert "9.5" in client.get(url).content.decode()


def test_one_job_per_campaign_is_queued_and_a_request_while_it_runs_runs_it_again(
    scored: Any, queued_only: Any
) -> None:
    first = services.request_recompute(scored)
    assert services.request_recompute(scored).pk == first.pk  # queued: the queued run reads the newest data
    Job.objects.filter(pk=first.pk).update(state="running")
    assert services.request_recompute(scored).pk == first.pk
    assert Job.objects.get(pk=first.pk).again  # it runs once more when this pass ends


def test_a_failed_recompute_shows_a_chinese_error_and_can_be_retried_from_the_page(
    scored: Any, client_for: Callable[[Any], Any], organizer: Any, queued_only: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.request_recompute(scored)

    def broken(campaign: Any, report: Any = None) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(compute, "recompute", broken)
    with pytest.raises(RuntimeError):
        _work(scored)
    client = client_for(organizer)
    page = _standings(client, scored)
    assert "执行出错,未能完成" in page and "disk full" not in page and "RuntimeError" not in page
    retry = reverse("results:recompute", args=[scored.pk])
    assert f'action="{retry}"' in page
    monkeypatch.undo()
    monkeypatch.setattr(services, "recompute_standings", tasks.recompute_standings.using(backend="queue_only"))
    assert client.post(retry).status_code == 302
    _work(scored)
    assert "9.5" in _standings(client, scored) and "执行出错" not in _standings(client, scored)


def test_polling_is_404_for_those_who_may_not_see_the_page(
    scored: Any, client_for: Callable[[Any], Any], reporter_a: Any, unit_b: Any
) -> None:
    client = client_for(reporter_a)
    assert client.get(reverse("results:standings", args=[scored.pk]), {"poll": "1"}).status_code == 404
    assert client.get(reverse("results:unit_result", args=[scored.pk, unit_b.pk]), {"poll": "1"}).status_code == 404
    assert client.post(reverse("results:recompute", args=[scored.pk])).status_code == 404


def test_a_first_score_of_zero_moves_the_data_version(scored: Any, unit_a: Any, scheme: Any, reviewer: Any) -> None:
    before = current_version(scored).key
    item = item_ref(scheme, "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="0", reason="不达标")
    assert current_version(scored).key != before
    event = AuditEvent.objects.filter(chain=f"campaign:{scored.pk}", object_type="review_score").last()
    assert event is not None and event.new == "0"
