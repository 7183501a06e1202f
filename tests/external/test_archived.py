"""An archived (已归档) campaign refuses imported scores (issue 10 §3), from the page and from code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.campaigns.models import Campaign, Phase
from kaoping.external import services
from kaoping.external.models import ImportedScore

pytestmark = pytest.mark.django_db
ARCHIVED = "该考核活动已归档"


@pytest.fixture
def archived(imported_campaign: Any) -> Any:
    Campaign.objects.filter(pk=imported_campaign.pk).update(phase=Phase.ARCHIVED)  # the object still says "draft"
    return imported_campaign


def test_import_service_refuses_an_archived_campaign_before_reading_the_file(
    archived: Any, organizer: Any, write_csv: Any
) -> None:
    with pytest.raises(services.CampaignArchived, match=ARCHIVED):
        services.imported_scores_import(
            campaign=archived, actor=organizer, path_or_file=write_csv("unit,component,raw\nnc-dh-1,dangjian,80\n")
        )
    assert not ImportedScore.objects.exists()


def test_import_page_refuses_with_409_and_offers_no_form(archived: Any, organizer: Any, client_for: Any) -> None:
    url = reverse("external:imported_scores", args=[archived.pk])
    client = client_for(organizer)
    upload = SimpleUploadedFile("imported.csv", b"unit,component,raw\nnc-dh-1,dangjian,80\n")
    posted = client.post(url, {"file": upload, "reason": "党建"})
    empty = client.post(url, {})
    page = client.get(url).content.decode().split("<main", 1)[-1]
    assert (posted.status_code, empty.status_code) == (409, 409)
    assert ARCHIVED in posted.content.decode() and ARCHIVED in empty.content.decode()
    assert not ImportedScore.objects.exists()
    assert ARCHIVED in page and "<form" not in page
