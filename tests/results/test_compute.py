"""The worker's computation and the cyclic garbage collector (results.compute): paused while a run
loads, scores and stores, and a province-scale state kept out of its reach after a full load."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services as assess_services
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.results import compute


@pytest.fixture
def submitted(open_campaign: Any, unit_a: Any, reporter_a: Any) -> Any:
    fill_unit(unit_a, reporter_a)
    assess_services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme_for(open_campaign))
    return open_campaign


@pytest.fixture
def frozen_count() -> Iterator[list[int]]:
    """How many objects each ``_keep_from_collector`` froze; unfreezes afterwards."""
    gc.unfreeze()
    counts: list[int] = []
    yield counts
    gc.unfreeze()


def _watch(monkeypatch: pytest.MonkeyPatch, counts: list[int], enabled: list[bool]) -> None:
    keep = compute._keep_from_collector
    store = compute.store

    def watched_keep(state: Any) -> None:
        enabled.append(gc.isenabled())
        before = gc.get_freeze_count()
        keep(state)
        counts.append(gc.get_freeze_count() - before)

    def watched_store(*args: Any, **kwargs: Any) -> None:
        enabled.append(gc.isenabled())
        store(*args, **kwargs)

    monkeypatch.setattr(compute, "_keep_from_collector", watched_keep)
    monkeypatch.setattr(compute, "store", watched_store)


def test_a_large_state_is_frozen_after_a_full_load_and_not_again_after_an_incremental_run(
    submitted: Any, unit_a: Any, reviewer: Any, frozen_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compute, "KEEP_FROM_COLLECTOR_ITEMS", 1)
    enabled: list[bool] = []
    _watch(monkeypatch, frozen_count, enabled)
    compute.forget_states()

    state = compute.recompute(submitted)
    assert state.changed is None and frozen_count[-1] > 0

    gc.unfreeze()
    item = item_ref(scheme_for(submitted), "school", "1.1").item
    assess_services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="1", reason="核减")
    state = compute.recompute(submitted)  # also run by the inline task of the save
    assert state.changed is not None and frozen_count[-1] == 0  # incremental: left to the collector
    assert enabled and not any(enabled)  # stored and frozen with the collector paused
    assert gc.isenabled()


def test_a_small_campaigns_state_is_left_to_the_collector(
    submitted: Any, frozen_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    enabled: list[bool] = []
    _watch(monkeypatch, frozen_count, enabled)
    compute.forget_states()
    compute.recompute(submitted)
    assert frozen_count == [0]
    assert gc.isenabled()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_left_before_a_full_load_is_collected_not_frozen_with_the_state(
    submitted: Any, frozen_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compute, "KEEP_FROM_COLLECTOR_ITEMS", 1)
    _watch(monkeypatch, frozen_count, [])
    compute.forget_states()
    gc.disable()  # the cycle below stays garbage until someone collects it
    try:
        cycle = weakref.ref(_Cycle())
        assert cycle() is not None
        state = compute.recompute(submitted)
    finally:
        gc.enable()
    assert state.changed is None and frozen_count[-1] > 0
    assert cycle() is None
