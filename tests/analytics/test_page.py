"""The analytics page on a closed live rating: organizers only, no ballot id, slip or credential."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.ratings.conftest import issue, submit
from tests.ratings.test_services import open_all

from kaoping.analytics.models import Analysis
from kaoping.ratings import services
from kaoping.ratings.models import Ballot

pytestmark = pytest.mark.django_db

GRADES = ("好", "良好", "较好", "一般", "差")


def _rated(session: Any) -> list[str]:
    services.session_go_live(session=session)
    raters = [(f"评委{group}{n}号", group, None) for group in ("leaders", "heads", "units") for n in range(3)]
    issued = issue(session, raters)
    units = open_all(session)
    receipts = []
    for r, (credential, token) in enumerate(issued):
        for u, unit in enumerate(units):
            receipt = f"{r:02d}{u:02d}" + "ab" * 14
            receipts.append(receipt)
            assert submit(credential, token, unit, GRADES[(u + r % 2) % 5], receipt=receipt).status == 201
    services.session_close(session=session)
    return [token for _c, token in issued] + receipts


def test_the_organizer_reads_the_analysis_and_it_names_no_rater(
    session: Any, rating_campaign: Any, client_for: Any, organizer: Any
) -> None:
    secrets = _rated(session)
    response = client_for(organizer).get(f"/analytics/{rating_campaign.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("评委一致性", "肯德尔和谐系数", "名次稳健性", "指标区分度", "本页不能显示什么", "局领导"):
        assert text in page
    stored = json.dumps(Analysis.objects.get(campaign=rating_campaign).data, ensure_ascii=False)
    assert stored.count("局领导") >= 1
    ballots = list(Ballot.objects.values("pk", "receipt_hash", "idem_key", "sheet"))
    assert ballots
    for text in (page, stored):
        assert "评委leaders0号" not in text  # no rater's name
        for secret in secrets:
            assert secret not in text  # no slip token, no receipt
        for ballot in ballots:
            assert str(ballot["idem_key"]) not in text and ballot["receipt_hash"] not in text
            assert not ballot["sheet"] or str(ballot["sheet"]) not in text


def test_only_organizers_and_admins(
    rating_campaign: Any, client_for: Any, admin_user: Any, reporter_a: Any, leader: Any, scorer_x: Any
) -> None:
    url = f"/analytics/{rating_campaign.pk}/"
    assert client_for(admin_user).get(url).status_code == 200
    for user in (reporter_a, leader, scorer_x):
        assert client_for(user).get(url).status_code == 404
    assert client_for(reporter_a).post(f"/analytics/{rating_campaign.pk}/compute/").status_code == 404


def test_a_failed_run_shows_the_error_and_a_retry(
    rating_campaign: Any, client_for: Any, organizer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaoping.analytics import services as analytics

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(analytics, "analyse", broken)
    client = client_for(organizer)
    url = f"/analytics/{rating_campaign.pk}/"
    page = client.get(url).content.decode()  # the inline task backend has run (and failed) it
    assert "分析未能完成" in page and "执行出错" in page
    assert f'action="/analytics/{rating_campaign.pk}/compute/"' in page and "重试" in page
    assert "boom" not in page
    monkeypatch.undo()
    response = client.post(f"/analytics/{rating_campaign.pk}/compute/")
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "分析未能完成" not in page and "名次稳健性" in page
