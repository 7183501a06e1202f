"""The workbench's review list (search, category and status filters, sort, pages), its live counts
fragment, and the departments' scoring progress the organizer reads (no longer a 404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping.assessments import services, workbench
from kaoping.assessments.models import Submission, SubmissionStatus

HX = {"HTTP_HX_REQUEST": "true"}


def _home(campaign: Any) -> str:
    return reverse("assessments:campaign_home", args=[campaign.pk])


def test_review_list_filters_by_status_name_and_category(
    client_for: Any, reviewer: Any, open_campaign: Any, campaign_units: dict[str, Any]
) -> None:
    Submission.objects.create(unit=campaign_units["school_a"], status=SubmissionStatus.SUBMITTED)
    Submission.objects.create(unit=campaign_units["county_b"], status=SubmissionStatus.RETURNED)
    client = client_for(reviewer)
    submitted = client.get(_home(open_campaign), {"status": "submitted"}).content.decode()
    assert "东湖第一中学" in submitted and "西湖第二中学" not in submitted and "符合条件的单位 1 个" in submitted
    waiting = client.get(_home(open_campaign), {"status": "waiting"}).content.decode()
    assert "西湖第二中学" in waiting and "西湖区教育局" in waiting and "东湖第一中学" not in waiting.split("<table")[-1]
    drafts = client.get(_home(open_campaign), {"status": "draft"}).content.decode().split("<table")[-1]
    assert "西湖第二中学" in drafts and "西湖区教育局" not in drafts  # returned is not a draft
    named = client.get(_home(open_campaign), {"q": "西湖", "cat": "county"}).content.decode().split("<table")[-1]
    assert "西湖区教育局" in named and "西湖第二中学" not in named
    # the category's name, never its id
    assert '<td data-label="类别">学校</td>' in client.get(_home(open_campaign)).content.decode()


def test_review_list_sorts_and_pages(
    client_for: Any, organizer: Any, open_campaign: Any, campaign_units: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    Submission.objects.create(unit=campaign_units["school_b"], status=SubmissionStatus.LOCKED)
    monkeypatch.setattr(workbench, "REVIEW_PER_PAGE", 3)
    client = client_for(organizer)
    by_status = client.get(_home(open_campaign), {"sort": "status"}).content.decode()
    assert "第 1 / 2 页 · 第 1–3 条,共 4 条" in by_status and "sort=status&amp;page=2" in by_status
    second = client.get(_home(open_campaign), {"sort": "status", "page": 2}).content.decode().split("<table")[-1]
    assert "西湖第二中学" in second  # 已锁定 sorts after 填报中 (draft)


def test_live_counts_fragment(
    client_for: Any, reviewer: Any, reporter_a: Any, open_campaign: Any, campaign_units: dict[str, Any]
) -> None:
    client = client_for(reviewer)
    page = client.get(_home(open_campaign)).content.decode()
    assert "已提交 0/4" in page and 'hx-trigger="every 15s"' in page
    Submission.objects.create(unit=campaign_units["school_a"], status=SubmissionStatus.SUBMITTED)
    fragment = client.get(_home(open_campaign), {"counts": "1"}, **HX).content.decode()
    assert fragment.startswith('<div id="workbench-counts"') and "已提交 1/4" in fragment and "<html" not in fragment
    assert "已提交" not in client_for(reporter_a).get(_home(open_campaign), {"counts": "1"}, **HX).content.decode()


def test_organizer_reads_each_departments_progress(
    client_for: Any, organizer: Any, leader: Any, reporter_a: Any, scorer_x: Any, dept_x: Any, dept_y: Any,
    submitted_a: Any, unit_a: Any, scheme: Any,
) -> None:  # fmt: skip
    from kaoping.assessments.selectors import item_ref

    item = item_ref(scheme, "school", "1.1").item
    services.department_score_save(unit=unit_a, item=item, department=dept_x, actor=scorer_x, version=0, score="2")
    campaign = unit_a.campaign
    home = client_for(organizer).get(_home(campaign)).content.decode()
    assert "各处室评分进度" in home and "基础教育处" in home and "督导室" in home
    assert "1 / 2" in home  # 基础教育处: 1.1 and 2 for the one submitted unit, one scored
    url = reverse("assessments:department_items", args=[campaign.pk, dept_x.pk])
    page = client_for(organizer).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "已评 1 / 应评 2" in body and "1/2 项指标已评完" in body and "评分由本处室评分员完成" in body
    assert reverse("assessments:department_grid", args=[campaign.pk, dept_x.pk, "1.1"]) not in body
    assert client_for(leader).get(url).status_code == 200
    assert client_for(reporter_a).get(url).status_code == 404
    mine = client_for(scorer_x).get(url).content.decode()
    assert reverse("assessments:department_grid", args=[campaign.pk, dept_x.pk, "1.1"]) in mine
    other = reverse("assessments:department_items", args=[campaign.pk, dept_y.pk])
    assert client_for(scorer_x).get(other).status_code == 404


def test_other_bureaus_department_is_a_404_for_the_organizer(
    client_for: Any, organizer: Any, open_campaign: Any, county_dept: Any
) -> None:
    url = reverse("assessments:department_items", args=[open_campaign.pk, county_dept.pk])
    assert client_for(organizer).get(url).status_code == 404
    assert (
        client_for(organizer).get(reverse("assessments:department_items", args=[open_campaign.pk, 0])).status_code
        == 404
    )
