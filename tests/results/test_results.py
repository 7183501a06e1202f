from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import fill_unit

from kaoping.assessments import services
from kaoping.assessments.selectors import item_ref
from kaoping.results.services import build_inputs, compute_campaign_result, unit_key


@pytest.fixture
def scored(
    open_campaign: Any, unit_a: Any, unit_b: Any, scheme: Any, reporter_a: Any, reporter_b: Any, reviewer: Any
) -> Any:
    """School A submitted (3 + 2.5 + 4 = 9.5), with 1.2 confirmed at 2; school B only a draft."""
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    fill_unit(unit_b, reporter_b)
    item = item_ref(scheme, "school", "1.2").item
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=0, score="2", reason="德育活动记录不全")
    return open_campaign


def test_inputs_use_submitted_self_scores_only_and_keep_missing_as_none(scored, unit_a, unit_b, scheme):
    inputs = build_inputs(scored, scheme)
    by_key = {(i.unit_id, i.item_id): i for i in inputs.items}
    assert by_key[(unit_key(unit_a), "1.1")].self_score == Decimal("3")
    assert by_key[(unit_key(unit_a), "1.2")].confirmed_score == Decimal("2")
    assert by_key[(unit_key(unit_b), "1.1")].self_score is None


def test_split_item_passes_department_scores(scored, unit_a, scheme, dept_x, dept_y, scorer_x, scorer_y):
    item = item_ref(scheme, "school", "2").item
    services.department_score_save(unit=unit_a, item=item, department=dept_x, actor=scorer_x, version=0, score="1.5")
    services.department_score_save(unit=unit_a, item=item, department=dept_y, actor=scorer_y, version=0, score="2")
    inputs = {(i.unit_id, i.item_id): i for i in build_inputs(scored, scheme).items}
    assert inputs[(unit_key(unit_a), "2")].department_scores == {"基础教育处": Decimal("1.5"), "督导室": Decimal("2")}
    result = compute_campaign_result(scored)
    assert result.unit(unit_key(unit_a)).total == Decimal("8.5")  # 3 + 2 (confirmed) + 3.5 (departments)


def test_confirmed_score_counts_before_self_score(scored, unit_a, unit_b):
    result = compute_campaign_result(scored)
    a = result.unit(unit_key(unit_a))
    assert a.total == Decimal("9")  # 3 + 2 (confirmed, not the self 2.5) + 4
    assert result.unit(unit_key(unit_b)).total is None  # draft data does not count: missing, never 0


def test_result_cache_follows_data_changes(scored, unit_a, scheme, reviewer):
    first = compute_campaign_result(scored)
    item = item_ref(scheme, "school", "1.2").item
    services.review_save(unit=unit_a, item=item, actor=reviewer, version=1, score="3", reason="补充材料后复核")
    assert compute_campaign_result(scored).unit(unit_key(unit_a)).total == first.unit(unit_key(unit_a)).total + 1


def test_organizer_sees_standings_and_every_number_opens_explanation(scored, client_for, organizer, unit_a):
    client = client_for(organizer)
    body = client.get(reverse("results:standings", args=[scored.pk]), {"category": "school"}).content.decode()
    assert "东湖第一中学" in body and ">9</a>" in body and "hx-get" in body
    explain = reverse("results:explain", args=[scored.pk, unit_a.pk])
    item = client.get(explain, {"component": "work", "item": "1.2"}, HTTP_HX_REQUEST="true").content.decode()
    assert "采用核定分" in item and "德育工作" in item
    total = client.get(explain, HTTP_HX_REQUEST="true").content.decode()
    assert "总分" in total


def test_units_cannot_see_results_before_publication(scored, client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    assert client.get(reverse("results:standings", args=[scored.pk])).status_code == 404
    assert client.get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).status_code == 404
    assert client.get(reverse("results:explain", args=[scored.pk, unit_a.pk])).status_code == 404


def test_after_publication_unit_sees_only_its_own_result(scored, client_for, reporter_a, unit_a, unit_b):
    scored.results_published = True
    scored.save()
    client = client_for(reporter_a)
    standings = client.get(reverse("results:standings", args=[scored.pk]))
    assert standings.status_code == 302 and standings["Location"].endswith(f"/unit/{unit_a.pk}/")
    assert client.get(reverse("results:unit_result", args=[scored.pk, unit_a.pk])).status_code == 200
    assert client.get(reverse("results:unit_result", args=[scored.pk, unit_b.pk])).status_code == 404
    assert client.get(reverse("results:explain", args=[scored.pk, unit_b.pk])).status_code == 404


def test_standings_query_count_once_stored(scored, client_for, organizer, django_assert_max_num_queries):
    client = client_for(organizer)
    url = reverse("results:standings", args=[scored.pk])
    client.get(url)  # the first view asks for the recompute (run inline in tests)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
