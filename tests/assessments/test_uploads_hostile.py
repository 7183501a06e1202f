"""The hostile evidence corpus (issue 10 §4, research T-E2) through the upload page, and uploads
on a full disk (issue 10 §5: a Chinese error, no half-written file, no row, recovery).

Every sample of hostile_corpus.HOSTILE is refused with a Chinese message naming the file and the
reason, and leaves no file, no row and no audit event; every NEUTRALISED sample is stored under a
cleaned name and served only as an attachment.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path
from typing import IO, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaoping.assessments.models import EvidenceFile
from kaoping.audit.models import AuditEvent
from kaoping.evidence import uploads

from .hostile_corpus import HOSTILE, NEUTRALISED, Sample, real_pdf

pytestmark = pytest.mark.django_db


def _upload(client: Any, unit: Any, name: str, data: bytes) -> str:
    url = reverse("assessments:evidence_upload", args=[unit.campaign_id, unit.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, data), "item_id": "1.1"}, follow=True)
    assert response.status_code == 200
    return str(response.content.decode())


def _stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_corpus_has_at_least_50_hostile_files() -> None:
    assert len(HOSTILE) >= 50
    assert len({sample.id for sample in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("sample", HOSTILE, ids=[s.id for s in HOSTILE])
def test_each_hostile_file_is_refused_naming_it_and_the_reason_and_nothing_is_kept(
    client_for: Any, reporter_a: Any, unit_a: Any, settings: Any, sample: Sample
) -> None:
    page = _upload(client_for(reporter_a), unit_a, sample.name, sample.data)
    shown = uploads.clean_filename(sample.name)
    assert f"“{shown}”未上传:" in page
    assert sample.reason in page
    assert not EvidenceFile.objects.exists()
    assert not AuditEvent.objects.filter(object_type="evidence_file").exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize(("label", "name", "data", "shown"), NEUTRALISED, ids=[n[0] for n in NEUTRALISED])
def test_a_hostile_name_on_good_content_is_stored_cleaned_and_served_as_an_attachment(
    client_for: Any, reporter_a: Any, unit_a: Any, label: str, name: str, data: bytes, shown: str
) -> None:
    client = client_for(reporter_a)
    page = _upload(client, unit_a, name, data)
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == shown
    assert f"已上传:{shown}" in page
    response = client.get(reverse("assessments:evidence_download", args=[unit_a.campaign_id, evidence.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
    assert "\r" not in disposition and "\n" not in disposition and "\x00" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Type"] in uploads.ALLOWED.values()


# -- a full disk ------------------------------------------------------------------------------------


class _FillsUp:
    """A file that takes half of what it is given and then reports ENOSPC, as a disk that fills up
    in the middle of an upload does."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        self.handle.flush()

    def __enter__(self) -> _FillsUp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def test_a_disk_that_fills_mid_write_gives_a_chinese_error_leaves_nothing_and_recovers(
    client_for: Any, reporter_a: Any, unit_a: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, url = client_for(reporter_a), reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk])
    real_open = uploads.open_target
    monkeypatch.setattr(uploads, "open_target", lambda path: _FillsUp(real_open(path)))
    page = client.post(url, {"file": SimpleUploadedFile("纪要.pdf", real_pdf()), "item_id": "1.1"}, follow=True)
    text = page.content.decode()
    assert "“纪要.pdf”未上传:服务器存储空间已满" in text and "Traceback" not in text
    assert not EvidenceFile.objects.exists() and _stored_files(settings) == []
    assert not AuditEvent.objects.filter(object_type="evidence_file").exists()

    monkeypatch.setattr(uploads, "open_target", real_open)  # space is back
    page = client.post(url, {"file": SimpleUploadedFile("纪要.pdf", real_pdf()), "item_id": "1.1"}, follow=True)
    assert "已上传:纪要.pdf" in page.content.decode()
    assert EvidenceFile.objects.count() == 1 and len(_stored_files(settings)) == 1


def test_another_storage_error_is_a_chinese_message_too(
    reporter_a: Any, unit_a: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> IO[bytes]:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(uploads, "open_target", broken)
    with pytest.raises(uploads.UploadRejected, match="服务器暂时无法保存文件"):
        uploads.store_upload(real_pdf(), "纪要.pdf")
    assert _stored_files(settings) == []


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Any:
    """A real 256 KB tmpfs for MEDIA_ROOT; skipped where mounting is not permitted."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_really_full_filesystem_refuses_in_chinese_and_recovers_once_space_is_freed(
    client_for: Any, reporter_a: Any, unit_a: Any, settings: Any, tiny_filesystem: Path
) -> None:
    settings.MEDIA_ROOT = tiny_filesystem / "evidence"
    filler = tiny_filesystem / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\x00" * 4096)
                handle.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    client, document = client_for(reporter_a), real_pdf("x" * 2000)
    page = _upload(client, unit_a, "纪要.pdf", document)
    assert "“纪要.pdf”未上传:服务器存储空间已满" in page
    assert not EvidenceFile.objects.exists() and _stored_files(settings) == []

    filler.unlink()  # an administrator frees space; nothing else is needed
    page = _upload(client, unit_a, "纪要.pdf", document)
    assert "已上传:纪要.pdf" in page
    evidence = EvidenceFile.objects.get()
    assert uploads.stored_path(evidence.stored_name).read_bytes() == document
