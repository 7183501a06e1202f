"""A department never sees a unit's draft, not even through an item's change history.

Found by the access matrix once county A (a draft) became a target: department X opened the history
of county A's item 1.1 and read the unit's draft note (HTTP 200). It is a 404 until the unit submits.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kaoping.assessments import services
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns.models import Phase


def test_department_gets_404_for_the_history_of_a_drafts_item_until_it_submits(
    client_for: Any, scorer_x: Any, reporter_a: Any, unit_a: Any
) -> None:
    from tests.assessments.conftest import fill_unit

    fill_unit(unit_a, reporter_a)
    item = item_ref(scheme_for(unit_a.campaign), "school", "1.1").item
    draft = services.EntryInput(self_score="3", note="草稿-未提交")
    services.entry_save(unit=unit_a, item=item, actor=reporter_a, version=1, data=draft)
    unit_a.campaign.phase = Phase.REVIEW  # a unit that wrote entries and never submitted is still a draft
    unit_a.campaign.save()
    url = reverse("assessments:item_history", args=[unit_a.campaign_id, unit_a.pk, "1.1"])
    client = client_for(scorer_x)
    assert client.get(url).status_code == 404
    unit_a.campaign.phase = Phase.SELF_ASSESSMENT
    unit_a.campaign.save()
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme_for(unit_a.campaign))
    submitted = client.get(url)
    assert submitted.status_code == 200 and "草稿-未提交" in submitted.content.decode()
