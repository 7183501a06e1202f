"""Campaign pages: who sees what, forms, bad input, 404 for foreign campaigns."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, Phase, SchemeVersion

READERS = ["organizer", "admin_user", "leader", "reviewer", "scorer_x", "reporter_a", "reporter_b"]
WRITE_URLS = ["campaigns:phase", "campaigns:deadlines", "campaigns:publish", "campaigns:units"]


@pytest.mark.parametrize("name", READERS)
def test_every_role_opens_the_campaign_page(
    personas: dict[str, Any], client_for: Any, campaign: Any, name: str
) -> None:
    response = client_for(personas[name]).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert response.status_code == 200
    assert campaign.name in response.content.decode()


@pytest.mark.parametrize("name", READERS)
def test_the_other_bureaus_campaign_is_404(
    personas: dict[str, Any], client_for: Any, other_campaign: Any, name: str
) -> None:
    for url in ("campaigns:detail", "campaigns:scheme"):
        assert client_for(personas[name]).get(reverse(url, args=[other_campaign.pk])).status_code == 404


def test_other_organizer_gets_404_for_every_campaign_url(other_organizer: Any, client_for: Any, campaign: Any) -> None:
    client = client_for(other_organizer)
    for url in ("campaigns:detail", "campaigns:scheme", "campaigns:units"):
        assert client.get(reverse(url, args=[campaign.pk])).status_code == 404
    for url in WRITE_URLS:
        assert client.post(reverse(url, args=[campaign.pk]), {}).status_code == 404


def test_anonymous_is_sent_to_login(client_for: Any, anonymous: Any, campaign: Any) -> None:
    response = client_for(anonymous).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]


@pytest.mark.parametrize("name", ["leader", "reviewer", "scorer_x", "reporter_a"])
@pytest.mark.parametrize("url", WRITE_URLS)
def test_readers_cannot_reach_write_urls(
    personas: dict[str, Any], client_for: Any, campaign: Any, name: str, url: str
) -> None:
    response = client_for(personas[name]).post(
        reverse(url, args=[campaign.pk]), {"expected": "draft", "target": "self_assessment", "published": "on"}
    )
    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.phase == Phase.DRAFT


def test_reporter_sees_only_its_own_unit_on_the_campaign_page(reporter_a: Any, client_for: Any, campaign: Any) -> None:
    page = client_for(reporter_a).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "东湖第一中学" in page
    assert "西湖第二中学" not in page
    assert "审计日志" not in page


def test_organizer_page_shows_phase_steps_units_and_management(organizer: Any, client_for: Any, campaign: Any) -> None:
    page = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    for text in (
        "单位自评",
        "结果公示",
        "县(区)教育行政部门",
        "西湖第二中学",
        "审计日志",
        "参评单位",
        "进入“单位自评”阶段",
    ):
        assert text in page


def test_campaign_list_shows_only_own_campaigns(
    organizer: Any, client_for: Any, campaign: Any, other_campaign: Any
) -> None:
    page = client_for(organizer).get(reverse("campaigns:list")).content.decode()
    assert campaign.name in page
    assert other_campaign.name not in page


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_organizer_creates_a_campaign_from_a_yaml_scheme(
    organizer: Any, client_for: Any, city: Any, small_scheme: dict[str, Any]
) -> None:
    content = yaml.safe_dump(small_scheme, allow_unicode=True).encode()
    response = client_for(organizer).post(
        reverse("campaigns:create"),
        {"owner": city.pk, "name": "2025考核", "year": 2025, "scheme_file": _upload("s.yaml", content)},
    )
    created = Campaign.objects.get(name="2025考核")
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:detail", args=[created.pk])
    assert created.owner == city


def test_bad_scheme_lists_problems_and_creates_nothing(organizer: Any, client_for: Any, city: Any) -> None:
    before = Campaign.objects.count()
    bad = json.dumps({"scheme": {"id": "x"}, "categories": [], "components": [{"id": "c", "points": "x"}]}).encode()
    response = client_for(organizer).post(
        reverse("campaigns:create"), {"owner": city.pk, "name": "坏", "scheme_file": _upload("bad.json", bad)}
    )
    assert response.status_code == 200
    assert "未作任何保存" in response.content.decode()
    assert Campaign.objects.count() == before


def test_creating_under_a_foreign_bureau_is_refused(
    organizer: Any, client_for: Any, other_bureau: Any, small_scheme: dict[str, Any]
) -> None:
    content = yaml.safe_dump(small_scheme, allow_unicode=True).encode()
    response = client_for(organizer).post(
        reverse("campaigns:create"),
        {"owner": other_bureau.pk, "name": "越权", "scheme_file": _upload("s.yaml", content)},
    )
    assert response.status_code == 200  # the choice is not offered: a form error, nothing created
    assert not Campaign.objects.filter(name="越权").exists()


def test_non_organizers_cannot_open_the_create_page(reporter_a: Any, client_for: Any) -> None:
    assert client_for(reporter_a).get(reverse("campaigns:create")).status_code == 404


def test_phase_form_moves_the_phase(organizer: Any, client_for: Any, campaign: Any) -> None:
    client_for(organizer).post(
        reverse("campaigns:phase", args=[campaign.pk]), {"expected": "draft", "target": "self_assessment"}
    )
    campaign.refresh_from_db()
    assert campaign.phase == Phase.SELF_ASSESSMENT


def test_stale_phase_form_says_so_with_409_for_htmx(organizer: Any, client_for: Any, campaign: Any) -> None:
    client = client_for(organizer)
    url = reverse("campaigns:phase", args=[campaign.pk])
    client.post(url, {"expected": "draft", "target": "self_assessment"})
    response = client.post(url, {"expected": "draft", "target": "self_assessment"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    follow = client.post(url, {"expected": "draft", "target": "self_assessment"}, follow=True)
    assert "已被他人修改" in follow.content.decode()


def test_deadline_form_saves_and_shows(organizer: Any, client_for: Any, campaign: Any) -> None:
    client = client_for(organizer)
    client.post(reverse("campaigns:deadlines", args=[campaign.pk]), {"self_assessment": "2025-03-01T17:00"})
    assert campaign.deadlines.get().phase == "self_assessment"
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "2025-03-01 17:00" in page


def test_bad_deadline_gives_a_message(organizer: Any, client_for: Any, campaign: Any) -> None:
    response = client_for(organizer).post(
        reverse("campaigns:deadlines", args=[campaign.pk]), {"review": "明天"}, follow=True
    )
    assert "审核评分" in response.content.decode()
    assert not campaign.deadlines.exists()


def test_units_page_adds_units_beneath_the_bureau(organizer: Any, client_for: Any, campaign: Any, city: Any) -> None:
    extra = city.children.create(name="新建学校", code="nc-x", kind="school")
    client = client_for(organizer)
    page = client.get(reverse("campaigns:units", args=[campaign.pk])).content.decode()
    assert "新建学校" in page and "九江第一中学" not in page
    client.post(reverse("campaigns:units", args=[campaign.pk]), {"organizations": [extra.pk], "category": "school"})
    assert campaign.participants.filter(organization=extra, category="school").exists()


def test_units_page_ignores_foreign_units(organizer: Any, client_for: Any, campaign: Any, other_school: Any) -> None:
    response = client_for(organizer).post(
        reverse("campaigns:units", args=[campaign.pk]), {"organizations": [other_school.pk], "category": "school"}
    )
    assert response.status_code == 200  # not a valid choice
    assert not campaign.participants.filter(organization=other_school).exists()


def test_remove_unit_of_a_draft(organizer: Any, client_for: Any, campaign: Any, campaign_units: dict[str, Any]) -> None:
    unit = campaign_units["school_b"]
    client_for(organizer).post(reverse("campaigns:unit_remove", args=[campaign.pk, unit.pk]))
    assert not campaign.participants.filter(pk=unit.pk).exists()
    assert AuditEvent.objects.filter(action="unit.remove").count() == 1


def test_frozen_scheme_upload_without_reason_shows_error(
    organizer: Any, client_for: Any, campaign: Any, small_scheme: dict[str, Any]
) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.SELF_ASSESSMENT)
    content = yaml.safe_dump(small_scheme, allow_unicode=True).encode()
    response = client_for(organizer).post(
        reverse("campaigns:scheme", args=[campaign.pk]), {"scheme_file": _upload("v2.yaml", content), "reason": ""}
    )
    assert "必须填写变更原因" in response.content.decode()
    assert SchemeVersion.objects.filter(campaign=campaign).count() == 1


def test_scheme_page_and_diff_show_the_change(
    organizer: Any, client_for: Any, campaign: Any, small_scheme: dict[str, Any], reporter_a: Any
) -> None:
    small_scheme["components"][0]["indicators"][0]["children"][0]["name"] = "党组织建设(修订)"
    content = yaml.safe_dump(small_scheme, allow_unicode=True).encode()
    client = client_for(organizer)
    client.post(reverse("campaigns:scheme", args=[campaign.pk]), {"scheme_file": _upload("v2.yaml", content)})
    assert SchemeVersion.objects.filter(campaign=campaign).count() == 2
    diff = client.get(reverse("campaigns:scheme_diff", args=[campaign.pk]) + "?old=1&new=2").content.decode()
    assert "党组织建设(修订)" in diff
    # a reporter may read the scheme but not upload
    reporter = client_for(reporter_a)
    assert reporter.get(reverse("campaigns:scheme", args=[campaign.pk])).status_code == 200
    response = reporter.post(
        reverse("campaigns:scheme", args=[campaign.pk]), {"scheme_file": _upload("v3.yaml", content)}
    )
    assert response.status_code == 404


def test_diff_of_missing_versions_is_404(organizer: Any, client_for: Any, campaign: Any) -> None:
    url = reverse("campaigns:scheme_diff", args=[campaign.pk])
    assert client_for(organizer).get(url + "?old=1&new=9").status_code == 404
    assert client_for(organizer).get(url + "?old=x").status_code == 404


def test_publish_is_audited_from_the_page(organizer: Any, client_for: Any, campaign: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    url = reverse("campaigns:publish", args=[campaign.pk])
    client_for(organizer).post(url, {"published": "on"})
    campaign.refresh_from_db()
    assert not campaign.results_published  # no unit submitted: the page's confirmation is needed
    client_for(organizer).post(url, {"published": "on", "incomplete_confirmed": "on", "reason": "先行发布"})
    campaign.refresh_from_db()
    assert campaign.results_published
    assert AuditEvent.objects.get(action="campaign.publish").actor == organizer


def test_campaign_from_the_excel_indicator_table(organizer: Any, client_for: Any, city: Any) -> None:
    from pathlib import Path

    from django.conf import settings

    content = (Path(settings.BASE_DIR) / "examples" / "honggutan-2021" / "indicators.xlsx").read_bytes()
    response = client_for(organizer).post(
        reverse("campaigns:create"),
        {"owner": city.pk, "name": "表格导入", "scheme_file": _upload("指标.xlsx", content)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(name="表格导入")
    data = campaign.current_version().data
    assert [c["id"] for c in data["categories"]] == ["units"]
    assert data["components"][0]["method"] == "indicators"
    assert str(data["components"][0]["points"]) in ("100", "100.0")


def test_malformed_excel_table_lists_problems(organizer: Any, client_for: Any, city: Any) -> None:
    response = client_for(organizer).post(
        reverse("campaigns:create"),
        {"owner": city.pk, "name": "坏表", "scheme_file": _upload("bad.xlsx", b"not a workbook")},
    )
    assert response.status_code == 200
    assert "未作任何保存" in response.content.decode()
    assert not Campaign.objects.filter(name="坏表").exists()


def test_campaign_pages_query_counts_do_not_grow_with_units(
    organizer: Any, client_for: Any, campaign: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.orgs.models import Organization

    for n in range(40):
        org = Organization.objects.create(name=f"批量{n}", code=f"bulk-c-{n}", parent=city)
        CampaignUnit.objects.create(campaign=campaign, organization=org, category="school")
    client = client_for(organizer)
    for url in ("campaigns:detail", "campaigns:units", "campaigns:scheme"):
        with django_assert_max_num_queries(25):
            assert client.get(reverse(url, args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("campaigns:list"))


def test_an_overdue_current_phase_is_flagged(organizer: Any, client_for: Any, campaign: Any) -> None:
    import datetime

    from kaoping.campaigns.models import PhaseDeadline

    PhaseDeadline.objects.create(
        campaign=campaign, phase="draft", deadline=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    page = client_for(organizer).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "已过截止时间" in page


def test_long_unit_lists_are_cut_on_the_campaign_page_and_paged_on_the_units_page(
    organizer: Any, client_for: Any, campaign: Any, city: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaoping.campaigns import selectors, views
    from kaoping.campaigns.models import CampaignUnit
    from kaoping.orgs.models import Organization

    for n in range(5):
        org = Organization.objects.create(name=f"分页校{n}", code=f"page-{n}", parent=city)
        CampaignUnit.objects.create(campaign=campaign, organization=org, category="school")
    total = CampaignUnit.objects.filter(campaign=campaign).count()
    school_total = CampaignUnit.objects.filter(campaign=campaign, category="school").count()
    monkeypatch.setattr(selectors, "UNITS_SHOWN_PER_CATEGORY", 2)
    monkeypatch.setattr(views, "UNITS_PER_PAGE", 3)
    client = client_for(organizer)
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert f"以上为前 2 个,共 {school_total} 个单位" in detail
    assert reverse("campaigns:units", args=[campaign.pk]) in detail
    units_url = reverse("campaigns:units", args=[campaign.pk])
    pages = -(-total // 3)
    first = client.get(units_url).content.decode()
    assert f"第 1 / {pages} 页 · 第 1–3 条,共 {total} 条" in first and "?page=2" in first
    last = client.get(units_url, {"page": pages}).content.decode()
    assert f"第 {pages} / {pages} 页" in last
