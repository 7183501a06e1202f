"""Audit trail pages: an object's history with access checks, and the campaign log with chain status."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kaoping.audit.models import AuditEvent
from kaoping.audit.services import audit_record
from kaoping.campaigns import services
from kaoping.campaigns.models import Phase
from kaoping.web.audit_access import register_history_check


def _history(client: Any, object_type: str, object_id: object) -> Any:
    return client.get(reverse("audit:history"), {"object_type": object_type, "object_id": object_id})


def test_campaign_history_shows_who_when_old_new_and_reason(organizer: Any, client_for: Any, campaign: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    services.campaign_set_phase(
        campaign=campaign, expected=Phase.SELF_ASSESSMENT, target=Phase.DRAFT, actor=organizer, reason="补充<b>方案</b>"
    )
    page = _history(client_for(organizer), "campaign", campaign.pk).content.decode()
    assert "王组织" in page and "阶段:单位自评 → 草稿" in page and "补充&lt;b&gt;方案&lt;/b&gt;" in page
    assert "self_assessment" not in page and "campaign.phase" not in page


@pytest.mark.parametrize("name", ["other_organizer"])
def test_history_of_a_foreign_campaign_is_404(
    personas: dict[str, Any], client_for: Any, campaign: Any, name: str
) -> None:
    assert _history(client_for(personas[name]), "campaign", campaign.pk).status_code == 404


def test_reporter_cannot_read_another_units_history(
    organizer: Any, reporter_a: Any, client_for: Any, campaign: Any, campaign_units: dict[str, Any]
) -> None:
    services.campaign_add_units(
        campaign=campaign, organizations=[campaign_units["school_b"].organization], category="county", actor=organizer
    )
    client = client_for(reporter_a)
    assert _history(client, "campaign_unit", campaign_units["school_b"].pk).status_code == 404
    assert _history(client, "campaign_unit", campaign_units["school_a"].pk).status_code == 200


def test_unknown_object_types_are_for_the_bureau_side_only(
    organizer: Any, leader: Any, reporter_a: Any, scorer_x: Any, client_for: Any, campaign: Any
) -> None:
    audit_record(chain=f"campaign:{campaign.pk}", action="x", object_type="mystery", object_id=7, actor=organizer)
    assert _history(client_for(organizer), "mystery", 7).status_code == 200
    assert _history(client_for(leader), "mystery", 7).status_code == 200
    assert _history(client_for(reporter_a), "mystery", 7).status_code == 404
    assert _history(client_for(scorer_x), "mystery", 7).status_code == 404
    assert _history(client_for(organizer), "mystery", 8).status_code == 404  # no events: nothing to confirm


def test_registered_checks_decide_for_their_type(reporter_a: Any, client_for: Any, campaign: Any) -> None:
    register_history_check("test_open_type", lambda user, object_id: object_id == "1")
    audit_record(chain=f"campaign:{campaign.pk}", action="x", object_type="test_open_type", object_id=1)
    assert _history(client_for(reporter_a), "test_open_type", 1).status_code == 200
    assert _history(client_for(reporter_a), "test_open_type", 2).status_code == 404


def test_anonymous_history_is_login(client_for: Any, anonymous: Any, campaign: Any) -> None:
    assert _history(client_for(anonymous), "campaign", campaign.pk).status_code == 302


def test_campaign_log_shows_chain_ok_and_head(organizer: Any, client_for: Any, campaign: Any) -> None:
    services.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    head = AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}").order_by("-seq").first()
    assert head is not None
    page = client_for(organizer).get(reverse("audit:campaign_log", args=[campaign.pk])).content.decode()
    assert "哈希链校验通过" in page and head.hash in page


def test_campaign_log_reports_a_tampered_chain(organizer: Any, client_for: Any, campaign: Any) -> None:
    for target, expected in ((Phase.SELF_ASSESSMENT, Phase.DRAFT), (Phase.REVIEW, Phase.SELF_ASSESSMENT)):
        services.campaign_set_phase(campaign=campaign, expected=expected, target=target, actor=organizer)
    AuditEvent.objects.filter(chain=f"campaign:{campaign.pk}", seq=1).update(reason="篡改")
    page = client_for(organizer).get(reverse("audit:campaign_log", args=[campaign.pk])).content.decode()
    assert "哈希链校验失败" in page and "第 1 条" in page


@pytest.mark.parametrize("name", ["leader", "reviewer", "scorer_x", "reporter_a", "other_organizer"])
def test_campaign_log_is_for_organizers_only(
    personas: dict[str, Any], client_for: Any, campaign: Any, name: str
) -> None:
    assert client_for(personas[name]).get(reverse("audit:campaign_log", args=[campaign.pk])).status_code == 404


def test_campaign_log_query_count_does_not_grow(
    organizer: Any, client_for: Any, campaign: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(40):
        audit_record(
            chain=f"campaign:{campaign.pk}",
            action="x",
            object_type="campaign",
            object_id=campaign.pk,
            actor=organizer,
            new=n,
        )
    client = client_for(organizer)
    with django_assert_max_num_queries(12):
        client.get(reverse("audit:campaign_log", args=[campaign.pk]))


def test_a_long_chain_is_verified_only_on_request_and_the_result_is_remembered(
    organizer: Any, client_for: Any, campaign: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from kaoping.audit import selectors

    cache.clear()
    monkeypatch.setattr(selectors, "AUTO_VERIFY_LIMIT", 1)
    for target, expected in ((Phase.SELF_ASSESSMENT, Phase.DRAFT), (Phase.REVIEW, Phase.SELF_ASSESSMENT)):
        services.campaign_set_phase(campaign=campaign, expected=expected, target=target, actor=organizer)
    url = reverse("audit:campaign_log", args=[campaign.pk])
    client = client_for(organizer)
    page = client.get(url).content.decode()
    assert "不自动校验" in page and "?verify=1" in page and "哈希链校验通过" not in page
    assert "哈希链校验通过" in client.get(url, {"verify": "1"}).content.decode()
    assert "哈希链校验通过" in client.get(url).content.decode()  # remembered for this head
    audit_record(chain=f"campaign:{campaign.pk}", action="x", object_type="campaign", object_id=campaign.pk)
    assert "不自动校验" in client.get(url).content.decode()  # a new head needs a new check


@pytest.mark.parametrize("field", ["object_type", "object_id"])
def test_a_nul_in_the_object_key_is_refused_without_reaching_the_database(
    organizer: Any, client_for: Any, campaign: Any, field: str
) -> None:
    """Issue 10 §4 (fuzzing on PostgreSQL): a NUL in the query string reached the history query, and
    PostgreSQL refuses text with NUL outright (DataError, a 500); no stored key ever holds one."""
    from django.db import connection

    sent: list[object] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.extend(params or ())
        return execute(sql, params, many, context)

    client = client_for(organizer)
    params = {"object_type": "campaign", "object_id": str(campaign.pk), field: "a\x00b"}
    with connection.execute_wrapper(record):
        response = client.get(reverse("audit:history"), params)
    # The request-wide guard (kaoping.web.input_guard) answers first with its Chinese 400; the view's
    # own 404 for a NUL stays behind it.
    assert response.status_code == 400
    assert not [p for p in sent if isinstance(p, str) and "\x00" in p]
