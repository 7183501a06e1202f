from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.external.models import ImportedScore

pytestmark = pytest.mark.django_db


def _url(campaign: Any) -> str:
    return reverse("external:imported_scores", args=[campaign.pk])


def test_organizer_sees_each_imported_component(imported_campaign: Any, organizer: Any, client_for: Any) -> None:
    response = client_for(organizer).get(_url(imported_campaign))
    assert response.status_code == 200
    body = response.content.decode()
    assert "基层党建工作考核" in body and "table-wrap" not in body  # nothing imported yet
    assert "尚未导入" in body


@pytest.mark.parametrize("persona", ["leader", "reporter_a", "scorer_x", "reviewer", "other_organizer"])
def test_everyone_but_the_organizer_gets_404(
    imported_campaign: Any, personas: Any, client_for: Any, persona: str
) -> None:
    assert client_for(personas[persona]).get(_url(imported_campaign)).status_code == 404


def test_upload_imports_and_lists_the_scores(imported_campaign: Any, organizer: Any, client_for: Any) -> None:
    upload = SimpleUploadedFile("imported.csv", b"unit,component,raw\nnc-dh-1,dangjian,80\n")
    response = client_for(organizer).post(
        _url(imported_campaign), {"file": upload, "reason": "党建考核结果"}, follow=True
    )
    assert response.status_code == 200
    assert ImportedScore.objects.get().source == "imported.csv"
    body = response.content.decode()
    assert "东湖第一中学" in body and "table-wrap" in body


def test_upload_with_a_bad_row_shows_the_row_and_writes_nothing(
    imported_campaign: Any, organizer: Any, client_for: Any
) -> None:
    upload = SimpleUploadedFile("党建.csv", b"unit,component,raw\nnc-dh-1,dangjian,-5\n")
    response = client_for(organizer).post(_url(imported_campaign), {"file": upload})
    assert response.status_code == 400
    assert "第2行" in response.content.decode() and "不能为负数" in response.content.decode()
    assert not ImportedScore.objects.exists()
