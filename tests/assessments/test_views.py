from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import PDF_BYTES, fill_unit

from kaoping.assessments import services
from kaoping.assessments.models import DepartmentScore, SelfAssessment, SubmissionStatus

HX = {"HTTP_HX_REQUEST": "true"}


def save_url(unit: Any, item_id: str) -> str:
    return reverse("assessments:entry_save", args=[unit.campaign_id, unit.pk, item_id])


def test_reporter_sees_overview_with_sections_and_missing_items(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).get(reverse("assessments:unit_overview", args=[unit_a.campaign_id, unit_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "党建与德育" in body and "安全管理" in body
    assert "1.1 党组织建设" in body and "佐证材料" in body


def test_section_page_shows_standard_points_and_evidence_requirement(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).get(reverse("assessments:unit_section", args=[unit_a.campaign_id, unit_a.pk, 0]))
    body = response.content.decode()
    assert "会议纪要" in body and "必须上传" in body and 'hx-post="' in body


def test_htmx_autosave_returns_saved_time_and_new_version(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "2.5"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "已保存" in body and 'value="1"' in body and 'hx-swap-oob="true"' in body
    assert SelfAssessment.objects.get(unit=unit_a, item_id="1.1").self_score == Decimal("2.5")


def test_htmx_autosave_with_stale_version_is_409_with_chinese_message(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    client.post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "2"}, **HX)
    client.post(save_url(unit_a, "1.1"), {"version": "1", "self_score": "3"}, **HX)
    response = client.post(save_url(unit_a, "1.1"), {"version": "1", "self_score": "1"}, **HX)
    assert response.status_code == 409
    assert "该评分已被他人修改" in response.content.decode()
    assert SelfAssessment.objects.get(unit=unit_a, item_id="1.1").self_score == Decimal("3")


def test_score_above_points_without_htmx_rerenders_with_typed_values(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).post(
        save_url(unit_a, "1.1"), {"version": "0", "self_score": "9", "note": "我写的说明"}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "超过了该项分值 3" in body and 'value="9"' in body and "我写的说明" in body
    assert not SelfAssessment.objects.exists()


def test_deadline_passed_keeps_what_was_typed(client_for, reporter_a, unit_a, open_campaign):
    from datetime import timedelta

    from django.utils import timezone

    from kaoping.campaigns.models import Phase, PhaseDeadline

    PhaseDeadline.objects.create(
        campaign=open_campaign, phase=Phase.SELF_ASSESSMENT, deadline=timezone.now() - timedelta(1)
    )
    response = client_for(reporter_a).post(
        save_url(unit_a, "1.2"), {"version": "0", "self_score": "2", "note": "未丢失"}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "截止时间" in body and "未丢失" in body


def test_submit_refused_lists_missing_then_succeeds(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    fill_unit(unit_a, reporter_a, with_evidence=False)
    url = reverse("assessments:submit", args=[unit_a.campaign_id, unit_a.pk])
    body = client.post(url, follow=True).content.decode()
    assert "还有 1 项未完成" in body and "缺佐证材料" in body
    services.evidence_upload(unit=unit_a, actor=reporter_a, upload=PDF_BYTES, original_name="a.pdf", item_ids=["1.1"])
    client.post(url)
    unit_a.submission.refresh_from_db()
    assert unit_a.submission.status == SubmissionStatus.SUBMITTED


def test_returned_submission_shows_reasons_to_reporter(client_for, reporter_a, reviewer, unit_a, scheme):
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    client_for(reviewer).post(
        reverse("assessments:review_action", args=[unit_a.campaign_id, unit_a.pk, "return"]),
        {"reason": "请补充会议纪要"},
    )
    body = client_for(reporter_a).get(reverse("assessments:unit_overview", args=[unit_a.campaign_id, unit_a.pk]))
    assert "请补充会议纪要" in body.content.decode()


def test_department_grid_lists_units_and_cell_conflict_shows_other_value(
    client_for, scorer_x, dept_x, submitted_a, unit_a
):
    client = client_for(scorer_x)
    grid = reverse("assessments:department_grid", args=[unit_a.campaign_id, dept_x.pk, "1.1"])
    body = client.get(grid).content.decode()
    assert "东湖第一中学" in body and "西湖第二中学" in body and "东湖区教育局" in body
    cell = reverse("assessments:department_cell_save", args=[unit_a.campaign_id, dept_x.pk, "1.1", unit_a.pk])
    assert client.post(cell, {"version": "0", "score": "2"}, **HX).status_code == 200
    assert client.post(cell, {"version": "1", "score": "2.5"}, **HX).status_code == 200
    stale = client.post(cell, {"version": "1", "score": "1"}, **HX)
    assert stale.status_code == 409
    assert "该评分已被他人修改" in stale.content.decode() and "2.5" in stale.content.decode()
    assert DepartmentScore.objects.get(unit=unit_a).score == Decimal("2.5")


def test_department_grid_query_count_does_not_grow_with_units(
    submitted_a, client_for, scorer_x, dept_x, unit_a, city, django_assert_max_num_queries
):
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.orgs.models import Organization

    client = client_for(scorer_x)
    grid = reverse("assessments:department_grid", args=[unit_a.campaign_id, dept_x.pk, "1.1"])
    # 19: the page's own reads, the department mapping, the evidence beside each cell and the
    # 核定分 that count instead of the department's score; none of them per unit
    with django_assert_max_num_queries(19):
        assert client.get(grid).status_code == 200
    for n in range(20):
        org = Organization.objects.create(name=f"学校{n}", code=f"extra-{n}", parent=city)
        CampaignUnit.objects.create(campaign=unit_a.campaign, organization=org, category="school")
    with django_assert_max_num_queries(19):
        assert "学校19" in client.get(grid).content.decode()


def test_review_page_shows_scores_side_by_side_and_adjust_needs_reason(
    client_for, reviewer, reporter_a, scorer_x, dept_x, unit_a, scheme
):
    fill_unit(unit_a, reporter_a)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    item = __import__("kaoping.assessments.selectors", fromlist=["x"]).item_ref(scheme, "school", "1.1").item
    services.department_score_save(unit=unit_a, item=item, department=dept_x, actor=scorer_x, version=0, score="2")
    client = client_for(reviewer)
    page = client.get(reverse("assessments:review_unit", args=[unit_a.campaign_id, unit_a.pk])).content.decode()
    assert "基础教育处:2" in page
    url = reverse("assessments:review_save", args=[unit_a.campaign_id, unit_a.pk, "1.1"])
    refused = client.post(url, {"version": "0", "score": "1"}, **HX)
    assert refused.status_code == 422 and "必须填写调整理由" in refused.content.decode()
    assert client.post(url, {"version": "0", "score": "1", "reason": "纪要不全"}, **HX).status_code == 200


def test_review_unit_page_query_count(client_for, reviewer, reporter_a, unit_a, scheme, django_assert_max_num_queries):
    fill_unit(unit_a, reporter_a)
    client = client_for(reviewer)
    url = reverse("assessments:review_unit", args=[unit_a.campaign_id, unit_a.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_item_history_lists_old_and_new_values(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    client.post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "2"}, **HX)
    client.post(save_url(unit_a, "1.1"), {"version": "1", "self_score": "3"}, **HX)
    body = client.get(reverse("assessments:item_history", args=[unit_a.campaign_id, unit_a.pk, "1.1"])).content.decode()
    assert "修改自评" in body and "自评分:2 → 3" in body and "self_score" not in body


def test_spot_check_is_recorded_and_listed(client_for, reviewer, unit_a):
    url = reverse("assessments:review_action", args=[unit_a.campaign_id, unit_a.pk, "spot_check"])
    data = {
        "checked_on": "2024-05-01",
        "inspectors": "李督学、张专家",
        "item_ids": "1.1,1.2",
        "findings": "会议纪要与实际不符",
    }
    client = client_for(reviewer)
    client.post(url, data)
    page = client.get(reverse("assessments:review_unit", args=[unit_a.campaign_id, unit_a.pk])).content.decode()
    assert "会议纪要与实际不符" in page and "1.1、1.2" in page
    bad = client.post(url, {**data, "checked_on": "五月一日"}, follow=True).content.decode()
    assert "日期格式应为" in bad


def test_only_the_organizer_records_recusals(client_for, organizer, reviewer, unit_a):
    from kaoping.assessments.models import Recusal

    url = reverse("assessments:review_action", args=[unit_a.campaign_id, unit_a.pk, "recuse"])
    assert client_for(reviewer).post(url, {"username": "reviewer", "reason": "x"}).status_code == 404
    client_for(organizer).post(url, {"username": "reviewer", "reason": "曾在该校任职"})
    assert Recusal.objects.get().user == reviewer
    assert (
        client_for(reviewer).get(reverse("assessments:review_unit", args=[unit_a.campaign_id, unit_a.pk])).status_code
        == 404
    )


def test_submitted_unit_is_told_to_ask_the_reviewers_for_a_return(client_for, reporter_a, submitted_a):
    response = client_for(reporter_a).get(
        reverse("assessments:unit_overview", args=[submitted_a.campaign_id, submitted_a.pk])
    )
    body = response.content.decode()
    assert "本单位自评“已提交”,不能再修改。如需修改,请联系审核人员退回。" in body


def test_locked_unit_is_not_told_to_ask_for_a_return_that_cannot_be_made(client_for, reporter_a, reviewer, submitted_a):
    services.submission_lock(unit=submitted_a, actor=reviewer)
    response = client_for(reporter_a).get(
        reverse("assessments:unit_overview", args=[submitted_a.campaign_id, submitted_a.pk])
    )
    body = response.content.decode()
    assert "自评已审核锁定,不能再修改,也不能再退回修改。" in body
    assert "请联系审核人员退回" not in body
    with pytest.raises(services.Closed):  # the service agrees: a locked self-assessment has no return
        services.submission_return(unit=submitted_a, actor=reviewer, reason="再改一下")
