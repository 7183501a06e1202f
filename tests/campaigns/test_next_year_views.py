"""The page that starts next year's campaign (campaigns.next_year_views)."""

from __future__ import annotations

from typing import Any

import pytest

from kaoping.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def _url(campaign: Any) -> str:
    return f"/campaigns/{campaign.pk}/next-year/"


def test_the_organizer_sees_what_will_be_copied_and_the_suggested_name(
    campaign: Any, organizer: Any, client_for: Any
) -> None:
    page = client_for(organizer).get(_url(campaign)).content.decode()
    assert 'value="2025年度学校考核"' in page and 'value="2025"' in page
    assert "考核方案第 1 版" in page and "不复制:自评、审核、评分、测评选票和结果" in page


def test_creating_it_redirects_to_the_new_draft_and_says_what_was_carried(
    campaign: Any, organizer: Any, client_for: Any
) -> None:
    client = client_for(organizer)
    response = client.post(_url(campaign), {"name": "2025年度学校考核", "year": "2025"}, follow=True)
    created = Campaign.objects.get(previous=campaign)
    assert response.redirect_chain[-1][0] == f"/campaigns/{created.pk}/"
    page = response.content.decode()
    assert "下一年度考核已创建(草稿):复制考核方案(第 1 版);沿用参评单位" in page
    assert "上一年度:" in page and "2024年度学校考核" in page
    assert "已开始下一年度考核" in client.get(f"/campaigns/{campaign.pk}/").content.decode()


def test_a_year_not_after_this_one_is_shown_on_the_form_and_nothing_is_created(
    campaign: Any, organizer: Any, client_for: Any
) -> None:
    page = client_for(organizer).post(_url(campaign), {"name": "x", "year": "2023"}).content.decode()
    assert "新考核的年度应晚于2024年" in page and "未作任何保存" in page
    assert not Campaign.objects.filter(previous=campaign).exists()


def test_once_started_the_page_points_to_next_years_campaign_instead_of_a_form(
    campaign: Any, organizer: Any, client_for: Any
) -> None:
    client = client_for(organizer)
    client.post(_url(campaign), {"name": "2025年度学校考核", "year": "2025"})
    page = client.get(_url(campaign)).content.decode()
    assert "本考核已开始过下一年度考核“2025年度学校考核”" in page and '<form method="post">' not in page


@pytest.mark.parametrize("role", ["reporter_a", "reviewer", "leader", "other_organizer"])
def test_nobody_but_the_organizer_reaches_it(campaign: Any, client_for: Any, cast: Any, role: str) -> None:
    client = client_for(cast.users[role])
    assert client.get(_url(campaign)).status_code == 404
    assert client.post(_url(campaign), {"name": "x", "year": "2025"}).status_code == 404
    assert not Campaign.objects.filter(previous=campaign).exists()
