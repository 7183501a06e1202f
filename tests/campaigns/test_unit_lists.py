"""The participating-units page at scale: search, category filter, sort, pages, and the picker's
"select all matching" that adds every unit the search finds (not only the page), and the campaign
page's "已提交 n/N"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping.assessments.models import Submission, SubmissionStatus
from kaoping.campaigns import views
from kaoping.campaigns.models import CampaignUnit
from kaoping.orgs.models import Organization


def _schools(city: Any, n: int, prefix: str = "分校") -> list[Any]:
    return [
        Organization.objects.create(name=f"{prefix}{i:02d}", code=f"{prefix}-{i}", kind="school", parent=city)
        for i in range(n)
    ]


def test_participants_are_searched_filtered_and_sorted(organizer: Any, client_for: Any, campaign: Any) -> None:
    client = client_for(organizer)
    url = reverse("campaigns:units", args=[campaign.pk])
    found = client.get(url, {"q": "东湖"}).content.decode()
    assert "东湖第一中学" in found and "东湖区教育局" in found and "西湖第二中学" not in found
    assert "符合条件的单位 2 个" in found
    schools = client.get(url, {"cat": "school"}).content.decode()
    assert "东湖第一中学" in schools and "西湖第二中学" in schools and "东湖区教育局" not in schools
    by_code = client.get(url, {"sort": "code"}).content.decode()
    assert 'value="code" selected' in by_code
    unknown = client.get(url, {"cat": "nope", "sort": "drop table"})
    assert unknown.status_code == 200 and "西湖区教育局" in unknown.content.decode()  # ignored, not an error


def test_participants_are_paged_with_the_filters_kept(
    organizer: Any, client_for: Any, campaign: Any, city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for org in _schools(city, 5):
        CampaignUnit.objects.create(campaign=campaign, organization=org, category="school")
    monkeypatch.setattr(views, "UNITS_PER_PAGE", 2)
    client = client_for(organizer)
    url = reverse("campaigns:units", args=[campaign.pk])
    first = client.get(url, {"q": "分校", "sort": "name"}).content.decode()
    assert "第 1 / 3 页 · 第 1–2 条,共 5 条" in first
    assert "分校00" in first and "分校02" not in first
    assert "?q=%E5%88%86%E6%A0%A1&amp;sort=name&amp;page=2" in first  # bookmarkable, filters kept
    last = client.get(url, {"q": "分校", "sort": "name", "page": 3}).content.decode()
    assert "分校04" in last and "分校00" not in last


def test_picker_search_and_pages(
    organizer: Any, client_for: Any, campaign: Any, city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _schools(city, 5)
    monkeypatch.setattr(views, "CANDIDATES_PER_PAGE", 2)
    client = client_for(organizer)
    url = reverse("campaigns:units", args=[campaign.pk])
    page = client.get(url, {"cq": "分校"}).content.decode()
    assert "符合条件、尚未参评的单位 5 个" in page and "选择全部 5 个符合条件的单位" in page
    assert "分校00" in page and "分校02" not in page and "cpage=2" in page
    second = client.get(url, {"cq": "分校", "cpage": 2}).content.decode()
    assert "分校02" in second and "分校00" not in second
    assert "分校" not in client.get(url, {"cq": "分校", "ckind": "county"}).content.decode().split('id="add"')[1].split(
        "<footer"
    )[0].replace('value="分校"', "")


def test_select_all_matching_adds_every_matching_unit_not_only_the_page(
    organizer: Any, client_for: Any, campaign: Any, city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "CANDIDATES_PER_PAGE", 2)
    wanted = _schools(city, 5)
    other = _schools(city, 2, prefix="附属小学")
    client = client_for(organizer)
    response = client.post(
        reverse("campaigns:units", args=[campaign.pk]),
        {"select_all": "on", "cq": "分校", "ckind": "", "category": "school", "organizations": [wanted[0].pk]},
        follow=True,
    )
    assert "已添加 5 个单位" in response.content.decode()
    added = set(campaign.participants.values_list("organization_id", flat=True))
    assert {o.pk for o in wanted} <= added and not {o.pk for o in other} & added
    assert response.redirect_chain[-1][0].endswith("?cq=%E5%88%86%E6%A0%A1")


def test_ticked_units_are_added_and_foreign_or_taking_part_ones_ignored(
    organizer: Any, client_for: Any, campaign: Any, city: Any, other_school: Any, campaign_units: dict[str, Any]
) -> None:
    new, _left = _schools(city, 2)
    client = client_for(organizer)
    url = reverse("campaigns:units", args=[campaign.pk])
    taking_part = campaign_units["school_a"].organization
    client.post(url, {"organizations": [new.pk, other_school.pk, taking_part.pk], "category": "county"})
    assert campaign.participants.get(organization=new).category == "county"
    assert not campaign.participants.filter(organization=other_school).exists()
    assert campaign.participants.get(organization=taking_part).category == "school"  # not moved
    refused = client.post(url, {"organizations": [other_school.pk], "category": "school"}).content.decode()
    assert "请至少选择一个本局下属、尚未参评的单位" in refused
    assert client.post(url, {"organizations": ["x" * 30], "category": "school"}).status_code == 200


def test_campaign_page_shows_submitted_of_total(
    organizer: Any, reporter_a: Any, client_for: Any, campaign: Any, campaign_units: dict[str, Any]
) -> None:
    Submission.objects.create(unit=campaign_units["school_a"], status=SubmissionStatus.SUBMITTED)
    Submission.objects.create(unit=campaign_units["school_b"], status=SubmissionStatus.RETURNED)
    page = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "已提交 1/4" in page and "1 个单位已退回修改" in page
    assert "已提交" not in client_for(reporter_a).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()


def test_a_unit_id_in_other_digits_is_refused_with_a_message_not_a_server_error(
    organizer: Any, client_for: Any, campaign: Any
) -> None:
    """ "²" passes str.isdigit() but not int() (found by the fuzz run)."""
    url = reverse("campaigns:units", args=[campaign.pk])
    response = client_for(organizer).post(url, {"organizations": ["²"], "category": "school"}, follow=True)
    assert response.status_code == 200
    assert not campaign.participants.exclude(pk__in=[]).filter(organization__name="²").exists()
