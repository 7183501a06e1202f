"""An archived (已归档) campaign is read-only for everyone (issue 10 §3): campaign writes and pages.

Before the guard the organizer could still upload a scheme version, move the campaign back, change
deadlines, publish or withdraw results and add units once it was archived. Each write now refuses
in ``campaigns.services`` (the one guard: ``require_writable``), and the pages no longer offer
the forms.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaoping.campaigns import services
from kaoping.campaigns.models import Campaign, Phase

ARCHIVED = "该考核活动已归档"
TABLES = [
    "campaigns.Campaign", "campaigns.CampaignUnit", "campaigns.SchemeVersion", "campaigns.PhaseDeadline",
    "audit.AuditEvent",
]  # fmt: skip


def snapshot() -> list[list[dict[str, Any]]]:
    return [list(apps.get_model(label).objects.order_by("pk").values()) for label in TABLES]


@pytest.fixture
def archived(campaign: Any) -> Any:
    """The cast's campaign archived with a bare UPDATE: the ``campaign`` object still says "draft"."""
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)
    return campaign


def _scheme_bytes(small_scheme: dict[str, Any]) -> bytes:
    return json.dumps(small_scheme, ensure_ascii=False).encode()


WRITES: dict[str, Callable[[Any, dict[str, Any], Any], object]] = {
    "upload a scheme version": lambda c, p, s: services.scheme_version_upload(
        campaign=c, scheme_data=s, source_name="v2.json", reason="修订", actor=p["organizer"]
    ),
    "move back to the final phase": lambda c, p, s: services.campaign_set_phase(
        campaign=c, expected=Phase.ARCHIVED, target=Phase.FINAL, actor=p["organizer"], reason="误操作"
    ),
    "set a deadline": lambda c, p, s: services.campaign_set_deadlines(
        campaign=c, deadlines={Phase.REVIEW: timezone.now() + datetime.timedelta(days=3)}, actor=p["organizer"]
    ),
    "publish results": lambda c, p, s: services.campaign_publish_results(
        campaign=c, published=True, actor=p["organizer"]
    ),
    "add a unit": lambda c, p, s: services.campaign_add_units(
        campaign=c, organizations=[p["_other_units"][0]], category="school", actor=p["organizer"]
    ),
    "move a unit to another category": lambda c, p, s: services.campaign_add_units(
        campaign=c, organizations=[c.participants.get(organization__code="nc-dh-1").organization],
        category="county", actor=p["organizer"],
    ),
    "remove a unit": lambda c, p, s: services.campaign_remove_unit(
        campaign=c, unit=c.participants.first(), actor=p["organizer"]
    ),
}  # fmt: skip


@pytest.mark.parametrize("write", list(WRITES))
def test_every_campaign_write_is_refused_on_an_archived_campaign(
    archived: Any, personas: dict[str, Any], small_scheme: dict[str, Any], write: str
) -> None:
    from kaoping.orgs.models import Organization, OrgKind

    extra = Organization.objects.create(name="新建学校", code="nc-new", kind=OrgKind.SCHOOL, parent=archived.owner)
    before = snapshot()
    with pytest.raises(services.CampaignError) as refused:
        WRITES[write](archived, {**personas, "_other_units": [extra]}, small_scheme)
    assert any(ARCHIVED in message for message in refused.value.messages)
    assert snapshot() == before


def test_the_guard_reads_the_database_not_the_callers_object(archived: Any) -> None:
    assert archived.phase == Phase.DRAFT  # stale: archived behind its back
    with pytest.raises(services.CampaignArchived) as refused:
        services.require_writable(archived)
    assert ARCHIVED in refused.value.message
    services.require_writable(Campaign.objects.exclude(pk=archived.pk).first())  # another campaign: writable


def test_the_guard_raises_the_callers_own_error_type(archived: Any) -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused, match=ARCHIVED):
        services.require_writable(archived.pk, error=Refused)


def test_a_campaign_can_still_be_archived_from_the_final_phase(campaign: Any, organizer: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.FINAL)
    campaign.refresh_from_db()
    services.campaign_set_phase(campaign=campaign, expected=Phase.FINAL, target=Phase.ARCHIVED, actor=organizer)
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.ARCHIVED


# ---- pages ---------------------------------------------------------------------------------------


def _post(client: Any, name: str, campaign: Any, data: dict[str, Any], *args: object) -> Any:
    return client.post(reverse(name, args=[campaign.pk, *args]), data, follow=True)


def test_organizer_posts_are_refused_with_the_reason_and_change_nothing(
    client_for: Any, organizer: Any, archived: Any, small_scheme: dict[str, Any], campaign_units: dict[str, Any]
) -> None:
    client = client_for(organizer)
    before = snapshot()
    scheme_file = SimpleUploadedFile("v2.json", _scheme_bytes(small_scheme), content_type="application/json")
    answers = [
        _post(client, "campaigns:phase", archived, {"expected": "archived", "target": "final", "reason": "误操作"}),
        _post(client, "campaigns:deadlines", archived, {"review": "2030-01-01T08:00"}),
        _post(client, "campaigns:publish", archived, {"published": "on"}),
        _post(client, "campaigns:units", archived, {"organizations": [], "category": "school"}),
        _post(client, "campaigns:unit_remove", archived, {}, campaign_units["school_a"].pk),
        _post(client, "campaigns:scheme", archived, {"scheme_file": scheme_file, "reason": "修订"}),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert ARCHIVED in answer.content.decode(), answer.redirect_chain
    assert snapshot() == before


def test_htmx_phase_change_on_an_archived_campaign_is_409(client_for: Any, organizer: Any, archived: Any) -> None:
    response = client_for(organizer).post(
        reverse("campaigns:phase", args=[archived.pk]),
        {"expected": "archived", "target": "final", "reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409 and ARCHIVED in response.content.decode()


def test_readers_still_get_404_on_write_urls_of_an_archived_campaign(
    client_for: Any, leader: Any, reviewer: Any, archived: Any
) -> None:
    for user in (leader, reviewer):
        for name in ("campaigns:phase", "campaigns:deadlines", "campaigns:publish", "campaigns:units"):
            assert client_for(user).post(reverse(name, args=[archived.pk]), {}).status_code == 404


def _main(body: bytes) -> str:
    return body.decode().split("<main", 1)[-1]  # the header's sign-out form is not the page's


def test_archived_campaign_pages_offer_no_write_form(client_for: Any, organizer: Any, archived: Any) -> None:
    client = client_for(organizer)
    for name in ("campaigns:detail", "campaigns:units", "campaigns:scheme"):
        main = _main(client.get(reverse(name, args=[archived.pk])).content)
        assert ARCHIVED in main, name
        # a search form (method get) only reads; no form may post
        assert 'method="post"' not in main, f"{name} still offers a form on an archived campaign"


def test_archiving_needs_the_confirmation_box(client_for: Any, organizer: Any, campaign: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.FINAL)
    client = client_for(organizer)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert 'name="confirm_archive"' in page and "不能再修改,也不能退回" in page
    url = reverse("campaigns:phase", args=[campaign.pk])
    refused = client.post(url, {"expected": "final", "target": "archived"}, follow=True)
    assert "请勾选确认后再归档" in refused.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.FINAL
    client.post(url, {"expected": "final", "target": "archived", "confirm_archive": "on"})
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.ARCHIVED


def test_unit_leaders_and_reporters_see_read_only_links_on_an_archived_campaign(
    client_for: Any, reporter_a: Any, archived: Any
) -> None:
    body = client_for(reporter_a).get(reverse("campaigns:detail", args=[archived.pk])).content.decode()
    assert "查看本单位自评与佐证材料" in body and "填写自评、上传佐证材料、提交" not in body
