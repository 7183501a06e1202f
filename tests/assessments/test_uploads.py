"""Evidence uploads: allowed types, names, limits and download headers (reliability-security.md
T-E1/T-E3/T-C2). The hostile corpus (T-E2, issue 10 §4) is in test_uploads_hostile.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from kaoping.assessments import filecheck, uploads
from kaoping.assessments.models import EvidenceFile

from .hostile_corpus import GOOD, office, real_pdf, real_png


def check(data: bytes, name: str) -> uploads.CheckedFile:
    _stored, facts = uploads.store_upload(data, name)
    return facts


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.mark.parametrize(("label", "name", "data", "kind"), GOOD, ids=[g[0] for g in GOOD])
def test_real_files_of_every_allowed_type_are_accepted_by_content(label: str, name: str, data: bytes, kind: str):
    facts = check(data, name)
    assert (facts.kind, facts.content_type, facts.original_name) == (kind, uploads.ALLOWED[kind], name)


def test_the_allow_list_is_pdf_images_and_office_open_xml():
    assert sorted(uploads.ALLOWED) == ["docx", "jpg", "pdf", "png", "pptx", "webp", "xlsx"]


def test_zero_byte_file_is_rejected_with_chinese_message_naming_it():
    with pytest.raises(uploads.UploadRejected, match=re.escape("“empty.pdf”未上传:文件是空的")):
        check(b"", "empty.pdf")


def test_too_many_zip_entries_is_rejected(monkeypatch):
    from kaoping.formats import xlsx_guard

    monkeypatch.setattr(xlsx_guard, "MAX_ENTRIES", 5)
    with pytest.raises(uploads.UploadRejected, match="条目过多"):
        check(office(extra={f"word/p{i}.xml": b"<x/>" for i in range(10)}), "many.docx")


def test_size_limit_from_settings_with_chinese_message(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(uploads.UploadRejected, match="文件太大"):
        check(real_pdf() + b"0" * 2048, "big.pdf")
    root = uploads.evidence_root()
    assert not [p for p in root.rglob("*") if p.is_file()]  # the partial file is removed


def test_a_real_png_is_served_only_as_an_attachment(client_for, reporter_a, unit_a, settings):
    client = client_for(reporter_a)
    client.post(
        reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk]),
        {"file": SimpleUploadedFile("../../截图.png", real_png(), content_type="text/html"), "item_id": "1.1"},
    )
    evidence = EvidenceFile.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.original_name) == ("png", "image/png", "截图.png")
    response = client.get(reverse("assessments:evidence_download", args=[unit_a.campaign_id, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"__.png\"; filename*=UTF-8''%E6%88%AA%E5%9B%BE.png"
    )
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
    assert "“a.pdf”未上传:不支持的文件类型" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_unicode_filename_uses_rfc6266_filename_star():
    header = uploads.content_disposition("会议纪要 2024.pdf")
    assert (
        header
        == "attachment; filename=\"____ 2024.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81%202024.pdf"
    )


def test_rtl_override_nul_and_separators_are_removed_from_names():
    assert uploads.clean_filename("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert uploads.clean_filename("a\x00b\r\n.pdf") == "ab.pdf"
    assert uploads.clean_filename("..\\..\\windows\\x.pdf") == "x.pdf"
    assert uploads.clean_filename("会议\u3000纪要\u2028.pdf") == "会议 纪要.pdf"


def test_a_long_name_keeps_its_start_and_its_extension():
    cleaned = uploads.clean_filename("会议纪要" * 256 + ".pdf")
    assert len(cleaned) == uploads.MAX_NAME_CHARS and cleaned.endswith("….pdf") and cleaned.startswith("会议纪要")


def test_the_extension_must_agree_with_the_content():
    assert filecheck.agree("pdf", "Scan.PDF") == "Scan.PDF"
    assert filecheck.agree("jpg", "photo.jpeg") == "photo.jpeg"
    assert filecheck.agree("pdf", "扫描件") == "扫描件.pdf"
    with pytest.raises(filecheck.Refused, match=re.escape("扩展名 .msi 与文件内容(PDF)不符")):
        filecheck.agree("pdf", "setup.msi")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_name_gives_a_header_without_line_breaks_or_quote_escape(name):
    header = uploads.content_disposition(name)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    cleaned = uploads.clean_filename(name)
    assert "/" not in cleaned and "\\" not in cleaned and cleaned not in ("", ".", "..")
    assert len(cleaned) <= uploads.MAX_NAME_CHARS
