"""``manage.py load_demo``: loads both example campaigns, users for every role, and is idempotent."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
from kaoping.inspection.demo import INSPECTORS
from kaoping.orgs.models import Membership, Organization, Role, User
from kaoping.web.demo import DEMO_PASSWORD, DEMO_USERS


@pytest.mark.slow
def test_load_demo_twice_gives_the_same_world(db: Any) -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    counts = (Campaign.objects.count(), Organization.objects.count(), User.objects.count(), Membership.objects.count())
    text = out.getvalue()
    assert "demo-organizer" in text and DEMO_PASSWORD in text and "/results/" in text

    call_command("load_demo", stdout=io.StringIO())
    assert counts == (
        Campaign.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == 2

    nanchang = Campaign.objects.get(year=2018)
    assert CampaignUnit.objects.filter(campaign=nanchang).count() == 50
    assert set(CampaignUnit.objects.filter(campaign=nanchang).values_list("category", flat=True)) == {
        "county",
        "school",
        "provincial",
        "private",
    }
    assert nanchang.phase == Phase.SCORING
    assert {m.role for m in Membership.objects.filter(user__username__startswith="demo-")} == set(Role.values)
    assert User.objects.get(username="demo-leader").check_password(DEMO_PASSWORD)

    # the district's self-assessment gives the seed's 99.1 / 优秀 in the standings
    from kaoping.results.services import compute_campaign_result

    honggutan = Campaign.objects.get(year=2021)
    assert honggutan.owner.kind == "province"
    result = compute_campaign_result(honggutan)
    (unit,) = result.units
    assert unit.total == Decimal("99.1") and unit.grade == "优秀"

    client = Client()
    client.force_login(User.objects.get(username="demo-province"))
    page = client.get(f"/results/{honggutan.pk}/").content.decode()
    assert "红谷滩区" in page and "99.1" in page and "优秀" in page
    # the accounts listed at start-up, and the inspection groups' members behind demo-reviewer's group
    assert len(DEMO_USERS) + len(INSPECTORS) == User.objects.filter(username__startswith="demo-").count()
