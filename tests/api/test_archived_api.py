"""The API refuses every write on an archived (已归档) campaign with 409 and the Chinese reason (issue 10 §3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kaoping.assessments import services
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment
from kaoping.assessments.selectors import scheme_for
from kaoping.campaigns.models import Campaign, Phase

ARCHIVED = "该考核活动已归档"


@pytest.fixture
def archived(campaign: Any, campaign_units: dict[str, Any], reporter_a: Any, settings: Any, tmp_path: Any) -> Any:
    """School A filled in (no evidence needed: 1.1 is not required here) and submitted, then archived."""
    settings.MEDIA_ROOT = tmp_path
    unit = campaign_units["school_a"]
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.SELF_ASSESSMENT)
    campaign.phase = Phase.SELF_ASSESSMENT
    scheme = scheme_for(campaign)
    for item_id in ("1.1", "1.2", "2"):
        item = next(i for c in scheme.components for t in c.indicators for i in t.leaves() if i.id == item_id)
        services.entry_save(unit=unit, item=item, actor=reporter_a, version=0, data=services.EntryInput(self_score="1"))
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    return unit


def _put(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_api_writes_on_an_archived_campaign_are_409_and_change_nothing(
    archived: Any, client_for: Any, reporter_a: Any, reviewer: Any, scorer_x: Any, dept_x: Any
) -> None:
    base = f"/api/assessments/{archived.campaign_id}"
    entries = list(SelfAssessment.objects.order_by("pk").values())
    answers = [
        _put(client_for(reporter_a), f"{base}/units/{archived.pk}/entries/1.1", {"version": 1, "self_score": "3"}),
        _put(client_for(reviewer), f"{base}/reviews/units/{archived.pk}/items/1.1", {"version": 0, "score": "1"}),
    ]
    for answer in answers:
        assert answer.status_code == 409
        assert ARCHIVED in answer.json()["message"]
    assert list(SelfAssessment.objects.order_by("pk").values()) == entries
    assert not ReviewScore.objects.exists() and not DepartmentScore.objects.exists()


def test_api_campaign_detail_says_it_is_read_only(archived: Any, client_for: Any, leader: Any) -> None:
    assert client_for(leader).get(f"/api/campaigns/{archived.campaign_id}").json()["read_only"] is True
