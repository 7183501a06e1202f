from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from tests.assessments.conftest import (  # noqa: F401
    _fast_password_hasher,
    _media_root,
    fill_unit,
    open_campaign,
    scheme,
    unit_a,
    unit_b,
)
from tests.publication.conftest import _fresh_worker, on_notice  # noqa: F401

from kaoping.campaigns.models import Campaign, Phase


@pytest.fixture
def final(request: pytest.FixtureRequest, organizer: Any) -> Any:
    """Both schools at 9.5 (优秀, tied at 1st), the counties without a total; results made final
    through the real steps: 第 1 版公示, its window over, 结果确定."""
    from kaoping.campaigns import services as campaigns
    from kaoping.publication import services as publication
    from kaoping.publication.models import PublishedVersion

    campaign = request.getfixturevalue("on_notice")
    today = timezone.localdate()
    publication.publish(campaign=campaign, actor=organizer, notice_start=today, notice_end=today)
    PublishedVersion.objects.update(
        notice_start=today - datetime.timedelta(days=10), notice_end=today - datetime.timedelta(days=4)
    )
    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.NOTICE, target=Phase.FINAL, actor=organizer)
    return Campaign.objects.get(pk=campaign.pk)
