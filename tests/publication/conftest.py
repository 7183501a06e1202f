from __future__ import annotations

from typing import Any

import pytest
from tests.assessments.conftest import (  # noqa: F401
    _fast_password_hasher,
    _media_root,
    fill_unit,
    open_campaign,
    scheme,
    unit_a,
    unit_b,
)

from kaoping.campaigns.models import Campaign, Phase


@pytest.fixture(autouse=True)
def _fresh_worker() -> None:
    from kaoping.results.compute import forget_states

    forget_states()


@pytest.fixture
def on_notice(request: pytest.FixtureRequest, reporter_a: Any, reporter_b: Any) -> Any:
    """Both schools submitted (9.5 each before any review), the campaign in its 结果公示 phase."""
    from kaoping.assessments import services

    campaign = request.getfixturevalue("open_campaign")
    plan = request.getfixturevalue("scheme")
    for unit, reporter in (
        (request.getfixturevalue("unit_a"), reporter_a),
        (request.getfixturevalue("unit_b"), reporter_b),
    ):
        fill_unit(unit, reporter)
        services.submission_submit(unit=unit, actor=reporter, scheme=plan)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    campaign.refresh_from_db()
    return campaign
