"""Every unit's report in one zip: started on the batch page, built by the task (inline in tests),
downloaded by the person who started it; the zip's files read back as Word and PDF."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pypdfium2 as pdfium
from django.urls import reverse
from docx import Document as read_docx

from kaoping.campaigns.models import CampaignUnit, Phase
from kaoping.jobs.models import Job, JobState


def _start(client: Any, unit: CampaignUnit, kind: str) -> Job:
    response = client.post(reverse("documents:batch", args=[unit.campaign.pk]), {"kind": kind})
    assert response.status_code == 302
    job = Job.objects.filter(key__startswith=f"documents:{unit.campaign.pk}:").latest("pk")
    assert job.state == JobState.DONE, job.error
    return job


def _zip(client: Any, unit: CampaignUnit, job: Job) -> zipfile.ZipFile:
    response = client.get(reverse("documents:batch_download", args=[unit.campaign.pk, job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_word_batch_has_one_report_per_unit(two_districts: CampaignUnit, client_for: Any, personas: Any) -> None:
    client = client_for(personas["organizer"])
    job = _start(client, two_districts, "docx")
    assert job.done == job.total == 2
    page = client.get(reverse("documents:batch", args=[two_districts.campaign.pk])).content.decode()
    assert "已生成 2 个单位的自评报告(Word)" in page and "下载 zip 压缩包" in page
    archive = _zip(client, two_districts, job)
    assert sorted(archive.namelist()) == ["红谷滩区-自评报告.docx", "西湖区-自评报告.docx"]
    word = read_docx(io.BytesIO(archive.read("西湖区-自评报告.docx")))
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "西湖区关于2021年党政领导干部履行教育职责督导评价自评的报告"
    assert "(一)贯彻执行党的教育方针(分值11分,自评10.5分)" in texts


def test_a_pdf_batch_renders(two_districts: CampaignUnit, client_for: Any, personas: Any) -> None:
    client = client_for(personas["leader"])
    archive = _zip(client, two_districts, _start(client, two_districts, "pdf"))
    pdf = pdfium.PdfDocument(archive.read("红谷滩区-自评报告.pdf"))
    assert "自评总分99.1分" in "".join(pdf[0].get_textpage().get_text_range().split())


def test_only_the_bureau_starts_and_only_the_starter_downloads(
    two_districts: CampaignUnit, client_for: Any, personas: Any
) -> None:
    job = _start(client_for(personas["organizer"]), two_districts, "pdf")
    url = reverse("documents:batch_download", args=[two_districts.campaign.pk, job.pk])
    assert client_for(personas["leader"]).get(url).status_code == 404  # not the leader's job
    batch = reverse("documents:batch", args=[two_districts.campaign.pk])
    for role in ("reporter_county_a", "reviewer", "other_organizer"):
        assert client_for(personas[role]).post(batch, {"kind": "pdf"}).status_code == 404, role
        assert client_for(personas[role]).get(url).status_code == 404, role


def test_archived_campaigns_still_build_and_download(
    two_districts: CampaignUnit, client_for: Any, personas: Any
) -> None:
    type(two_districts.campaign).objects.filter(pk=two_districts.campaign.pk).update(phase=Phase.ARCHIVED)
    client = client_for(personas["organizer"])
    assert len(_zip(client, two_districts, _start(client, two_districts, "docx")).namelist()) == 2
