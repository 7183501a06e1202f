from __future__ import annotations

import pytest

from kaoping.campaigns.models import Campaign
from kaoping.rectification import selectors
from kaoping.rectification.models import Problem, ProblemState
from kaoping.web.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_problems_in_every_state(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    lines: list[str] = []
    load_demo(report=lines.append)
    campaign = Campaign.objects.get(year=2018)
    problems = list(Problem.objects.filter(campaign=campaign).select_related("unit__organization"))
    labels = sorted(selectors.status_label(p) for p in problems)
    assert labels == ["已整改", "已超期", "待复查", "整改中", "整改中"]
    assert any(p.state == ProblemState.REPORTED and p.reports.exclude(evidence_stored="").exists() for p in problems)
    assert any("问题整改" in line for line in lines)
    load_demo(report=lines.append)  # loading twice adds nothing
    assert Problem.objects.filter(campaign=campaign).count() == 5
