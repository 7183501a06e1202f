"""Scheme departments matched to the bureau's departments (kaoping.assessments.department_map)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import fill_unit
from tests.conftest import SMALL_SCHEME

from kaoping.assessments import department_map, selectors, services
from kaoping.assessments.department_map import MappingError, mapping_save
from kaoping.assessments.models import DepartmentMapping
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import SchemeVersion
from kaoping.results.services import build_inputs, compute_campaign_result, unit_key


def _renamed_scheme(campaign: Any) -> Any:
    """A second scheme version naming 基础教育处 "基教科" (the bureau has no department of that name)."""
    data = copy.deepcopy(SMALL_SCHEME)
    work = data["components"][0]["indicators"]
    work[0]["children"][0]["departments"] = [{"department": "基教科"}]
    work[1]["departments"] = [{"department": "基教科", "points": 2}, {"department": "督导室", "points": 2}]
    SchemeVersion.objects.create(campaign=campaign, number=2, data=data, source_name="renamed.yaml")
    return campaign.__class__.objects.get(pk=campaign.pk)  # a fresh object: no cached scheme or map


def test_exact_names_match_without_any_stored_row(open_campaign, dept_x, dept_y):
    mapping = department_map.department_map(open_campaign)
    assert [(r.scheme_name, r.department, r.how) for r in mapping.rows] == [
        ("基础教育处", dept_x, "same_name"),
        ("督导室", dept_y, "same_name"),
    ]
    assert mapping.unmatched == []
    assert not DepartmentMapping.objects.exists()


def test_unmatched_scheme_department_is_listed_and_nobody_scores_its_items(open_campaign, dept_x):
    campaign = _renamed_scheme(open_campaign)
    mapping = department_map.department_map(campaign)
    assert [r.scheme_name for r in mapping.unmatched] == ["基教科"]
    assert mapping.unmatched[0].items == ("1.1", "2")
    assert selectors.department_items(campaign, dept_x) == []


def test_mapped_department_sees_scores_and_the_result_counts_it(
    open_campaign, dept_x, dept_y, scorer_x, scorer_y, organizer, unit_a, reporter_a
):
    campaign = _renamed_scheme(open_campaign)
    assert mapping_save(campaign=campaign, choices={"基教科": dept_x}, actor=organizer) == 1
    campaign = campaign.__class__.objects.get(pk=campaign.pk)
    assert [r.id for r in selectors.department_items(campaign, dept_x)] == ["1.1", "2"]
    fill_unit(unit_a, reporter_a)
    scheme = selectors.scheme_for(campaign)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    item = selectors.item_ref(scheme, "school", "2").item
    unit = unit_a.__class__.objects.get(pk=unit_a.pk)
    row = services.department_score_save(unit=unit, item=item, department=dept_x, actor=scorer_x, version=0, score="1")
    assert row.scheme_department == "基教科"
    services.department_score_save(unit=unit, item=item, department=dept_y, actor=scorer_y, version=0, score="2")
    inputs = {(i.unit_id, i.item_id): i for i in build_inputs(campaign, scheme).items}
    assert inputs[(unit_key(unit), "2")].department_scores == {"基教科": Decimal("1"), "督导室": Decimal("2")}
    assert compute_campaign_result(campaign).unit(unit_key(unit)).total == Decimal("8.5")
    event = AuditEvent.objects.get(object_type="department_mapping")
    assert (event.field, event.old, event.new, event.actor_id) == ("基教科", None, "基础教育处", organizer.pk)


def test_remapping_a_scored_department_is_refused_and_nothing_changes(
    open_campaign, dept_x, dept_y, scorer_x, organizer, submitted_a, scheme
):
    item = selectors.item_ref(scheme, "school", "1.1").item
    services.department_score_save(unit=submitted_a, item=item, department=dept_x, actor=scorer_x, version=0, score="3")
    with pytest.raises(MappingError) as refused:
        mapping_save(campaign=open_campaign, choices={"基础教育处": dept_y}, actor=organizer)
    assert "已由“基础教育处”录入 1 条评分" in refused.value.errors["基础教育处"]
    assert not DepartmentMapping.objects.exists()
    assert not AuditEvent.objects.filter(object_type="department_mapping").exists()


def test_two_departments_of_one_item_cannot_share_a_bureau_department(open_campaign, dept_x, organizer):
    with pytest.raises(MappingError) as refused:
        mapping_save(campaign=open_campaign, choices={"督导室": dept_x}, actor=organizer)
    assert "同在第 2 项" in refused.value.message


def test_foreign_department_and_unknown_name_are_refused(open_campaign, county_dept, organizer):
    with pytest.raises(MappingError) as refused:
        mapping_save(campaign=open_campaign, choices={"督导室": county_dept, "不存在的处": None}, actor=organizer)
    assert set(refused.value.errors) == {"督导室", "不存在的处"}


def test_leaving_a_department_unmatched_on_purpose_is_stored_and_audited(open_campaign, dept_y, organizer):
    assert mapping_save(campaign=open_campaign, choices={"督导室": None}, actor=organizer) == 1
    campaign = open_campaign.__class__.objects.get(pk=open_campaign.pk)
    assert [r.scheme_name for r in department_map.department_map(campaign).unmatched] == ["督导室"]
    assert selectors.department_items(campaign, dept_y) == []
    assert mapping_save(campaign=campaign, choices={"督导室": None}, actor=organizer) == 0  # unchanged: no event
    assert AuditEvent.objects.filter(object_type="department_mapping").count() == 1


# ---- pages --------------------------------------------------------------------------------------


def test_campaign_page_warns_the_organizer_with_a_link_to_map(open_campaign, client_for, organizer, scorer_x):
    campaign = _renamed_scheme(open_campaign)
    page = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "尚未对应到本局处室" in page and "基教科" in page
    assert reverse("assessments:department_mapping", args=[campaign.pk]) in page
    other = client_for(scorer_x).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "尚未对应" not in other


def test_mapping_page_is_for_the_organizer_only(open_campaign, client_for, scorer_x, reviewer, leader):
    url = reverse("assessments:department_mapping", args=[open_campaign.pk])
    for user in (scorer_x, reviewer, leader):
        assert client_for(user).get(url).status_code == 404


def test_organizer_maps_on_the_page_and_the_scorer_sees_the_items(
    open_campaign, client_for, organizer, scorer_x, dept_x
):
    campaign = _renamed_scheme(open_campaign)
    url = reverse("assessments:department_mapping", args=[campaign.pk])
    client = client_for(organizer)
    page = client.get(url).content.decode()
    assert "基教科" in page and "同名自动对应" in page and "未对应" in page
    response = client.post(url, _post(campaign, dept_x))
    assert response.status_code == 302
    assert DepartmentMapping.objects.get(campaign=campaign, scheme_name="基教科").department == dept_x
    items = client_for(scorer_x).get(reverse("assessments:department_items", args=[campaign.pk, dept_x.pk]))
    assert "1.1 党组织建设" in items.content.decode()


def _post(campaign: Any, department: Any) -> dict[str, str]:
    rows = department_map.department_map(campaign.__class__.objects.get(pk=campaign.pk)).rows
    return {f"map_{i}": str(department.pk) for i, r in enumerate(rows) if r.scheme_name == "基教科"}


def test_refused_choice_is_shown_next_to_its_row(open_campaign, client_for, organizer, dept_x):
    url = reverse("assessments:department_mapping", args=[open_campaign.pk])
    rows = department_map.department_map(open_campaign).rows
    index = next(i for i, r in enumerate(rows) if r.scheme_name == "督导室")
    response = client_for(organizer).post(url, {f"map_{index}": str(dept_x.pk)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "处室对应未保存" in page and "同在第 2 项" in page and 'aria-invalid="true"' in page
    assert not DepartmentMapping.objects.exists()


def test_mapped_scorer_scores_on_the_grid_page(
    open_campaign, client_for, organizer, scorer_x, scorer_y, dept_x, unit_a, reporter_a
):
    campaign = _renamed_scheme(open_campaign)
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=selectors.scheme_for(campaign))
    grid = reverse("assessments:department_grid", args=[campaign.pk, dept_x.pk, "1.1"])
    assert client_for(scorer_x).get(grid).status_code == 404  # unmatched: nobody scores 基教科's items
    mapping_save(campaign=campaign, choices={"基教科": dept_x}, actor=organizer)
    assert client_for(scorer_x).get(grid).status_code == 200
    cell = reverse("assessments:department_cell_save", args=[campaign.pk, dept_x.pk, "1.1", unit_a.pk])
    assert client_for(scorer_x).post(cell, {"score": "2.5", "version": "0"}, HTTP_HX_REQUEST="true").status_code == 200
    row = unit_a.department_scores.get(item_id="1.1")
    assert (row.department, row.scheme_department, row.score) == (dept_x, "基教科", Decimal("2.5"))
    dept_y = scorer_y.memberships.first().department
    other = reverse("assessments:department_grid", args=[campaign.pk, dept_y.pk, "1.1"])
    assert client_for(scorer_y).get(other).status_code == 404
