"""The demo's list (``commendation.demo``, called by ``load_demo`` for the 2018 campaign): approved
and published when the results are final, else a draft that waits for 结果确定."""

from __future__ import annotations

import pytest

from kaoping.commendation.demo import load_example
from kaoping.commendation.models import CommendationList, EntryStatus, ListState

pytestmark = pytest.mark.django_db


def test_before_final_the_demo_list_is_a_waiting_draft(on_notice, organizer):
    assert load_example(on_notice, organizer=organizer.username)
    (made,) = CommendationList.objects.filter(campaign=on_notice)
    assert made.title == "2024年度考核优秀单位" and made.top_n == 3
    assert made.state == ListState.DRAFT and made.drawn_at is None
    assert not load_example(on_notice, organizer=organizer.username)  # loading twice adds nothing
    assert not load_example(on_notice, organizer="nobody")


def test_with_final_results_the_demo_list_is_approved_and_published(final, organizer):
    assert load_example(final, organizer=organizer.username)
    made = CommendationList.objects.get(campaign=final)
    assert made.state == ListState.PUBLISHED and made.approved_by == organizer
    assert made.entries.filter(status=EntryStatus.LISTED).count() == 2
