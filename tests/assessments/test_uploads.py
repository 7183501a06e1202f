"""Hostile and allowed evidence files (reliability-security.md T-E2/T-E3/T-C2)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.assessments import uploads
from kaoping.assessments.models import EvidenceFile

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
OLE = uploads.OLE_MAGIC + b"\x00" * 504


def ooxml(main: str = "word/document.xml", *, extra: dict[str, bytes] | None = None, types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if types:
            archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def check(data: bytes, name: str = "x.bin") -> uploads.CheckedFile:
    _stored, facts = uploads.store_upload(data, name)
    return facts


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (OLE, "ole"),
        (ooxml(), "docx"),
        (ooxml("xl/workbook.xml"), "xlsx"),
        (ooxml("ppt/presentation.xml"), "pptx"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",
)
def test_allowed_types_are_detected_by_content(data, kind):
    assert check(data).kind == kind


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "report.pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"<?php system($_GET['c']); ?>", "shell.php.jpg"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "setup.docx"),
        (ooxml(types=False), "fake.docx"),
        (ooxml("evil/x.xml"), "nomain.docx"),
        (ooxml(extra={"../../etc/passwd": b"x"}), "traversal.docx"),
        (ooxml(extra={"/abs/path": b"x"}), "absolute.xlsx"),
        (b"PK\x03\x04broken", "broken.xlsx"),
        (b"plain text", "notes.txt"),
    ],
    ids=lambda value: value if isinstance(value, str) else "data",
)
def test_hostile_samples_are_rejected(data, name):
    with pytest.raises(uploads.UploadRejected):
        check(data, name)


def test_zero_byte_file_is_rejected_with_chinese_message():
    with pytest.raises(uploads.UploadRejected, match="0 字节"):
        check(b"", "empty.pdf")


def test_zip_bomb_is_rejected(monkeypatch):
    bomb = ooxml(extra={"word/media/zeros.bin": b"\x00" * (5 * 1024 * 1024)})
    with pytest.raises(uploads.UploadRejected):
        check(bomb, "bomb.docx")


def test_too_many_zip_entries_is_rejected(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 5)
    with pytest.raises(uploads.UploadRejected):
        check(ooxml(extra={f"word/p{i}.xml": b"x" for i in range(10)}), "many.docx")


def test_symlink_entry_is_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "x")
        link = zipfile.ZipInfo("word/link")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(uploads.UploadRejected):
        check(buffer.getvalue(), "link.docx")


def test_size_limit_from_settings_with_chinese_message(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(uploads.UploadRejected, match="文件太大"):
        check(PDF + b"0" * 2048, "big.pdf")
    root = uploads.evidence_root()
    assert not [p for p in root.rglob("*") if p.is_file()]  # the partial file is removed


def test_png_html_polyglot_is_only_an_image_and_served_as_attachment(client_for, reporter_a, unit_a, settings):
    polyglot = PNG + b"<html><script>alert(document.cookie)</script></html>"
    client = client_for(reporter_a)
    client.post(
        reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk]),
        {"file": SimpleUploadedFile("../../x.html", polyglot, content_type="text/html"), "item_id": "1.1"},
    )
    evidence = EvidenceFile.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.original_name) == ("png", "image/png", "x.html")
    response = client.get(reverse("assessments:evidence_download", args=[unit_a.campaign_id, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    stored = uploads.stored_path(evidence.stored_name)
    assert stored.is_relative_to(settings.MEDIA_ROOT) and evidence.stored_name.isalnum()


def test_rejected_upload_shows_message_and_stores_nothing(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).post(
        reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk]),
        {"file": SimpleUploadedFile("a.pdf", b"<html></html>"), "item_id": "1.1"},
        follow=True,
    )
    assert "不支持的文件类型" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_unicode_filename_uses_rfc6266_filename_star():
    header = uploads.content_disposition("会议纪要 2024.pdf")
    assert (
        header
        == "attachment; filename=\"____ 2024.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81%202024.pdf"
    )


def test_rtl_override_and_nul_are_removed_from_names():
    assert uploads.clean_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert uploads.clean_filename("a\x00b\r\n.pdf") == "ab.pdf"
    assert uploads.clean_filename("..\\..\\windows\\x.pdf") == "x.pdf"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_header_without_line_breaks_or_quote_escape(name):
    header = uploads.content_disposition(name)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    cleaned = uploads.clean_filename(name)
    assert "/" not in cleaned and "\\" not in cleaned and cleaned not in ("", ".", "..")
