"""The ranking notice (通报): the organizer's form, the official-document layout in Word (read back
with python-docx) and PDF (rendered with pdfium), the ranking table from the stored result."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdfium2 as pdfium
from django.urls import reverse
from docx import Document as read_docx
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from kaoping.campaigns.models import CampaignUnit, Phase

FORM = {
    "issuer": "南昌市教育局文件",
    "number": "洪教督字〔2022〕3号",
    "title": "关于2021年党政领导干部履行教育职责督导评价结果的通报",
    "recipient": "各县(区)人民政府:",
    "body": "根据工作安排,现将结果通报如下。\n一、考核结果\n(一)总体情况\n各单位结果见附件。",
    "signature": "南昌市教育局",
    "day": "2022-01-20",
}


def _east_asian(run: Any) -> str | None:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def _post(client: Any, unit: CampaignUnit, kind: str, **changes: str) -> Any:
    url = reverse("documents:notice", args=[unit.campaign.pk])
    return client.post(url, {**FORM, **changes, "kind": kind})


def test_the_form_is_prefilled_from_the_campaign(two_districts: CampaignUnit, client_for: Any, personas: Any) -> None:
    page = client_for(personas["organizer"]).get(reverse("documents:notice", args=[two_districts.campaign.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "关于2021年党政领导干部履行教育职责督导评价结果的通报" in text
    assert "东湖区教育局文件" not in text and "南昌市教育局文件" in text  # the owning bureau's 版头


def test_word_notice_has_the_red_letterhead_title_body_and_ranking_attachment(
    two_districts: CampaignUnit, client_for: Any, personas: Any
) -> None:
    response = _post(client_for(personas["organizer"]), two_districts, "docx")
    assert response.status_code == 200
    word = read_docx(io.BytesIO(b"".join(response.streaming_content)))
    paragraphs = word.paragraphs
    issuer = paragraphs[0].runs[0]
    assert paragraphs[0].text == "南昌市教育局文件"
    assert issuer.font.color.rgb == RGBColor(0xC0, 0x00, 0x00) and _east_asian(issuer) == "方正小标宋简体"
    number = next(p for p in paragraphs if p.text == "洪教督字〔2022〕3号")
    border = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "C00000"  # the red separating line under the 发文字号
    by_text = {p.text: p for p in paragraphs}
    title = by_text[FORM["title"]].runs[0]
    assert title.font.size == Pt(22) and _east_asian(title) == "方正小标宋简体"
    assert _east_asian(by_text["一、考核结果"].runs[0]) == "黑体"
    assert _east_asian(by_text["(一)总体情况"].runs[0]) == "楷体_GB2312"
    assert _east_asian(by_text["各单位结果见附件。"].runs[0]) == "仿宋_GB2312"
    assert "附件:2021年党政领导干部履行教育职责督导评价结果排名表" in by_text
    assert "2022年1月20日" in by_text and "南昌市教育局" in by_text
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["名次", "单位", "总分", "等次"]
    category = table.rows[1].cells
    assert all(c._tc is category[0]._tc for c in category) and category[0].text == "县(区)党委政府(2个单位)"
    assert [c.text for c in table.rows[2].cells] == ["1", "红谷滩区", "99.1", "优秀"]
    assert [c.text for c in table.rows[3].cells] == ["2", "西湖区", "98.6", "优秀"]


def test_pdf_notice_renders_and_reads_back(two_districts: CampaignUnit, client_for: Any, personas: Any) -> None:
    response = _post(client_for(personas["leader"]), two_districts, "pdf")
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(b"".join(response.streaming_content))
    text = ""
    for index in range(len(pdf)):
        image = pdf[index].render(scale=0.5).to_pil().convert("L")
        assert sum(image.histogram()[:128]) > 100
        text += pdf[index].get_textpage().get_text_range()
    flat = re.sub(r"\s+", "", text)
    for expected in ("南昌市教育局文件", "洪教督字〔2022〕3号", FORM["title"], "1红谷滩区99.1优秀", "2西湖区98.6优秀"):
        assert expected in flat
    # the letterhead is red
    first = pdf[0].render(scale=1).to_pil().convert("RGB")
    top = first.crop((0, 0, first.width, 260)).tobytes()
    reds = sum(1 for i in range(0, len(top), 3) if top[i] > 150 and top[i + 1] < 80 and top[i + 2] < 80)
    assert reds > 500


def test_bad_input_names_the_field_and_nothing_is_downloaded(
    two_districts: CampaignUnit, client_for: Any, personas: Any
) -> None:
    response = _post(client_for(personas["organizer"]), two_districts, "docx", title="", day="2022-13-45")
    assert response.status_code == 422
    text = response.content.decode()
    assert "通报未生成" in text and "标题" in text and "这个字段是必填项" in text


def test_archived_campaigns_still_download(two_districts: CampaignUnit, client_for: Any, personas: Any) -> None:
    type(two_districts.campaign).objects.filter(pk=two_districts.campaign.pk).update(phase=Phase.ARCHIVED)
    response = _post(client_for(personas["organizer"]), two_districts, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_after_publication_the_table_comes_from_the_published_version_with_its_digest_under_it(
    two_districts: CampaignUnit, client_for: Any, personas: Any
) -> None:
    import datetime

    from django.utils import timezone

    from kaoping.campaigns.models import Campaign
    from kaoping.publication import services as publication

    campaign = two_districts.campaign
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    campaign.refresh_from_db()
    today = timezone.localdate()
    version = publication.publish(
        campaign=campaign,
        actor=personas["organizer"],
        notice_start=today,
        notice_end=today + datetime.timedelta(days=6),
    )
    response = _post(client_for(personas["organizer"]), two_districts, "docx")
    word = read_docx(io.BytesIO(b"".join(response.streaming_content)))
    source = word.paragraphs[-1].text
    assert "第 1 版结果公示" in source and version.digest[:8] in source and version.digest[-8:] in source
    assert [c.text for c in word.tables[0].rows[2].cells] == ["1", "红谷滩区", "99.1", "优秀"]
