from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from kaoping.assessments.models import Recusal
from kaoping.audit.models import AuditEvent
from kaoping.inspection import selectors
from kaoping.inspection.demo import load_examples
from kaoping.inspection.models import Assignment, Group

pytestmark = pytest.mark.django_db


def test_the_demo_has_groups_a_draw_with_a_recusal_and_one_recorded_visit(open_campaign: Any) -> None:
    """The demo loader (kaoping.web.demo calls it for the 2018 campaign's schools) on the test cast."""
    made = load_examples(
        open_campaign, organizer="organizer", leader="reviewer", password="x", category="", recused_code="nc-dh-1"
    )
    assert made
    assert Group.objects.filter(campaign=open_campaign).count() == 3
    assignments = list(Assignment.objects.filter(campaign=open_campaign).select_related("group", "unit__organization"))
    sizes = Counter(a.group_id for a in assignments)
    assert len(assignments) == 4 and max(sizes.values()) - min(sizes.values()) <= 1
    recusal = Recusal.objects.get(campaign=open_campaign, unit__organization__code="nc-dh-1")
    school = next(a for a in assignments if a.unit.organization.code == "nc-dh-1")
    assert school.group.leader_id != recusal.user_id and "曾在该校任教" in school.reason
    codes = Counter(selectors.status(a) for a in assignments)
    assert codes[selectors.VISITED] == 1 and codes[selectors.OVERDUE] >= 1
    visited = next(a for a in assignments if a.submitted)
    assert visited.findings.count() == 1 and visited.comment
    assert AuditEvent.objects.filter(action="inspection.draw").count() == 1
    assert not load_examples(open_campaign, organizer="organizer", leader="reviewer", password="x")  # once only


def test_load_demo_draws_the_2018_campaigns_schools(settings: Any, tmp_path: Any) -> None:
    from kaoping.campaigns.models import Campaign
    from kaoping.web.demo import load_demo

    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    lines: list[str] = []
    load_demo(report=lines.append)
    campaign = Campaign.objects.get(year=2018)
    assignments = list(Assignment.objects.filter(campaign=campaign).select_related("unit__organization", "group"))
    assert len(assignments) == 30 and {a.unit.category for a in assignments} == {"school"}
    assert sorted(Counter(a.group_id for a in assignments).values()) == [10, 10, 10]
    nc1z = next(a for a in assignments if a.unit.organization.code == "nc1z")
    assert nc1z.group.name != "第二指导检查组" and "孙督学 申报回避(曾在该校任教)" in nc1z.reason
    assert sum(1 for a in assignments if a.submitted) == 1
    assert any("督查检查" in line for line in lines)
