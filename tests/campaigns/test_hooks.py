"""What campaigns need from the apps above them is provided at start-up, and never silently missing."""

from __future__ import annotations

from typing import Any

import pytest

from kaoping.campaigns import hooks
from kaoping.campaigns.models import CampaignUnit


def test_assessments_and_results_provide_the_campaign_hooks_at_start_up() -> None:
    assert hooks._PROVIDERS.submission_progress is not None
    assert hooks._PROVIDERS.incomplete_units is not None
    assert hooks._PROVIDERS.describe_incomplete is not None


def test_the_submission_progress_counts_the_units(campaign: Any, campaign_units: Any) -> None:
    progress = hooks.submission_progress(CampaignUnit.objects.filter(campaign=campaign))
    assert progress.total == CampaignUnit.objects.filter(campaign=campaign).count()
    assert progress.submitted == 0


def test_a_missing_provider_raises_instead_of_answering_nothing_incomplete(
    campaign: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hooks, "_PROVIDERS", hooks._Providers())
    with pytest.raises(RuntimeError):
        hooks.incomplete_units(campaign)
    with pytest.raises(RuntimeError):
        hooks.submission_progress(CampaignUnit.objects.filter(campaign=campaign))
