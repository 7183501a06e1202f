"""Hostile imported-score files (issue 10 §4): every crafted .xlsx refused with its reason, hostile
file names never reach the file system, nothing stored, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hostile_xlsx import EXPECTED, HOSTILE, workbook_bytes
from kaoping.external import services
from kaoping.external.models import ImportedScore

pytestmark = pytest.mark.django_db

GOOD_CSV = b"unit,component,raw\nnc-dh-1,dangjian,80\n"
GOOD_XLSX = workbook_bytes([["unit", "component", "raw"], ["nc-dh-1", "dangjian", 80]], title="imported")


def _post(client: Any, campaign: Any, upload: SimpleUploadedFile) -> Any:
    return client.post(reverse("external:imported_scores", args=[campaign.pk]), {"file": upload})


def test_the_unaltered_workbook_imports(imported_campaign: Any, organizer: Any, client_for: Any) -> None:
    response = _post(client_for(organizer), imported_campaign, SimpleUploadedFile("imported.xlsx", GOOD_XLSX))
    assert response.status_code == 302
    assert ImportedScore.objects.get().raw == 80


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_with_its_reason_and_nothing_stored(
    imported_campaign: Any, organizer: Any, client_for: Any, name: str
) -> None:
    upload = SimpleUploadedFile("imported.xlsx", HOSTILE[name](GOOD_XLSX))
    response = _post(client_for(organizer), imported_campaign, upload)
    assert response.status_code == 400
    page = response.content.decode()
    assert "imported.xlsx" in page and EXPECTED[name] in page
    assert not ImportedScore.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "imported" + "党建考核结果" * 170 + ".csv",  # 1 KB of text; Django keeps 255 characters = 765 bytes
        "imported\x00.csv",
        "imported\u202evsc.exe.csv",
        "../../../etc/imported.csv",
        "imported",
    ],
    ids=["1KB", "NUL", "RTL", "traversal", "no-suffix"],
)
def test_a_hostile_file_name_still_imports_under_a_safe_name(
    imported_campaign: Any, organizer: Any, client_for: Any, name: str
) -> None:
    response = _post(client_for(organizer), imported_campaign, SimpleUploadedFile(name, GOOD_CSV))
    assert response.status_code == 302, response.content.decode()[:500]
    source = ImportedScore.objects.get().source
    assert source.startswith("imported") and len(source.encode()) < 255
    assert "\x00" not in source and "\u202e" not in source and "/" not in source


def test_an_over_large_file_is_refused_without_storing(
    imported_campaign: Any, organizer: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 64)
    response = _post(client_for(organizer), imported_campaign, SimpleUploadedFile("imported.csv", GOOD_CSV * 10))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not ImportedScore.objects.exists()
