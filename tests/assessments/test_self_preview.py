"""The unit's self-score preview (自评总分, issue 11 §3): exact, server-side, missing named, never 0."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from kaoping.assessments import preview, services
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns.models import SchemeVersion

HX = {"HTTP_HX_REQUEST": "true"}


def save_url(unit: Any, item_id: str) -> str:
    return reverse("assessments:entry_save", args=[unit.campaign_id, unit.pk, item_id])


def section_url(unit: Any, index: int = 0) -> str:
    return reverse("assessments:unit_section", args=[unit.campaign_id, unit.pk, index])


def save(unit: Any, actor: Any, item_id: str, **values: Any) -> None:
    ref = item_ref(scheme_for(unit.campaign), unit.category, item_id)
    services.entry_save(unit=unit, item=ref.item, actor=actor, version=0, data=services.EntryInput(**values))


def test_nothing_filled_names_every_item_as_missing_and_shows_no_zero_total(client_for, reporter_a, unit_a):
    body = client_for(reporter_a).get(section_url(unit_a)).content.decode()
    assert 'id="self-total"' in body
    assert "本部分自评合计:" in body and "尚缺 2 项" in body and "1.1 党组织建设" in body and "1.2 德育工作" in body
    assert "自评总分:" in body and "尚缺 3 项" in body and "缺项不按 0 分计" in body
    assert "0 / 10" not in body


def test_each_autosave_sends_back_the_section_and_whole_totals(client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    first = client.post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "2.5"}, **HX).content.decode()
    assert 'id="self-total"' in first and 'hx-swap-oob="innerHTML"' in first
    assert "尚缺 1 项" in first and "已填项合计 2.5 分" in first  # section: 1.2 still missing
    second = client.post(save_url(unit_a, "1.2"), {"version": "0", "self_score": "3"}, **HX).content.decode()
    assert '<strong class="total-score">5.5</strong> / 6' in second  # the section is complete
    assert "尚缺 1 项" in second and "已填项合计 5.5 分" in second  # the whole scheme still lacks item 2
    third = client.post(save_url(unit_a, "2"), {"version": "0", "self_score": "3.75"}, **HX).content.decode()
    assert '<strong class="total-score">9.25</strong> / 10' in third
    assert "尚缺" not in third


def test_a_refused_save_sends_no_totals(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "9"}, **HX)
    assert response.status_code == 422 and "self-total" not in response.content.decode()


def test_not_applicable_is_not_missing_and_follows_the_scheme_policy(reporter_a, unit_a):
    save(unit_a, reporter_a, "1.1", self_score="2")
    save(unit_a, reporter_a, "1.2", not_applicable=True)  # full_points: counts its 3 points
    save(unit_a, reporter_a, "2", self_score="4")
    totals = preview.self_preview(unit_a, scheme_for(unit_a.campaign))
    assert totals is not None
    assert totals.total.score == Decimal("9") and totals.total.missing == ()
    section = totals.section("work", "1")
    assert section is not None and section.score == Decimal("5")


def test_total_rounds_half_up_at_the_scheme_places(reporter_a, unit_a):
    save(unit_a, reporter_a, "1.1", self_score="2.125")
    save(unit_a, reporter_a, "1.2", self_score="0")
    save(unit_a, reporter_a, "2", self_score="0")
    totals = preview.self_preview(unit_a, scheme_for(unit_a.campaign))
    assert totals is not None
    assert totals.section("work", "1").score == Decimal("2.125")  # type: ignore[union-attr]  # a sum, exact
    assert totals.total.score == Decimal("2.13")  # component rounding: 2 places, half up (not 2.12)


@pytest.fixture
def rule_scheme(open_campaign: Any, small_scheme: dict[str, Any]) -> Any:
    """Item 1.2 computed from a figure (seed 004 item 15's rule): 80.84% → 差 9.16 → 扣 0.9 → 2.1."""
    data = copy.deepcopy(small_scheme)
    data["components"][0]["indicators"][0]["children"][1]["rule"] = {
        "kind": "deduct_per_unit_short",
        "figure": "standard_class_ratio",
        "label": "标准班额占比",
        "standard": 90,
        "per": 1,
        "deduct": 0.1,
        "rounding": {"places": 1, "mode": "half_up"},
    }
    SchemeVersion.objects.create(campaign=open_campaign, number=2, data=data, source_name="rule.yaml")
    return open_campaign


def test_a_rule_item_counts_what_its_rule_computes_from_the_figure(client_for, reporter_a, unit_a, rule_scheme):
    client = client_for(reporter_a)
    client.post(save_url(unit_a, "1.1"), {"version": "0", "self_score": "3"}, **HX)
    body = client.post(save_url(unit_a, "1.2"), {"version": "0", "figure_standard_class_ratio": "80.84"}, **HX)
    assert '<strong class="total-score">5.1</strong> / 6' in body.content.decode()


def test_overview_shows_each_section_and_the_total(client_for, reporter_a, unit_a):
    save(unit_a, reporter_a, "1.1", self_score="3")
    save(unit_a, reporter_a, "1.2", self_score="2.5")
    body = client_for(reporter_a).get(reverse("assessments:unit_overview", args=[unit_a.campaign_id, unit_a.pk]))
    text = body.content.decode()
    assert "自评 5.5/6 分" in text  # section 1 complete
    assert "缺 1 项,已填 0 分" in text  # section 2: item 2 missing, never shown as 0/4
    assert "自评总分:" in text and "尚缺 1 项" in text


def test_evidence_upload_returns_to_the_item_with_its_files_open(client_for, reporter_a, unit_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.assessments.conftest import PDF_BYTES

    client = client_for(reporter_a)
    page = client.get(section_url(unit_a)).content.decode()
    back = section_url(unit_a) + f"?item=1.2#item-{unit_a.pk}-1.2"
    assert f'name="back" value="{back}"' in page
    upload = SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk]),
        {"item_id": "1.2", "back": back, "file": upload},
    )
    assert response.status_code == 302 and response["Location"] == back
    shown = client.get(response["Location"]).content.decode()
    item = shown.split(f'id="item-{unit_a.pk}-1.2"')[1].split("</article>")[0]
    assert '<details class="evidence" open>' in item and "已上传:纪要.pdf" in item


def test_a_refused_upload_says_why_at_the_item(client_for, reporter_a, unit_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(reporter_a)
    back = section_url(unit_a) + f"?item=1.1#item-{unit_a.pk}-1.1"
    bad = SimpleUploadedFile("病毒.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(
        reverse("assessments:evidence_upload", args=[unit_a.campaign_id, unit_a.pk]),
        {"item_id": "1.1", "back": back, "file": bad},
        follow=True,
    )
    item = response.content.decode().split(f'id="item-{unit_a.pk}-1.1"')[1].split("</article>")[0]
    assert 'class="message error"' in item


def test_a_save_without_javascript_returns_to_the_item(client_for, reporter_a, unit_a):
    response = client_for(reporter_a).post(save_url(unit_a, "1.2"), {"version": "0", "self_score": "1"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{unit_a.pk}-1.2")


def test_department_grid_shows_the_units_figures_note_and_evidence_beside_the_cell(
    client_for, scorer_x, dept_x, submitted_a, unit_a
):
    grid = reverse("assessments:department_grid", args=[unit_a.campaign_id, dept_x.pk, "1.1"])
    body = client_for(scorer_x).get(grid).content.decode()
    assert "单位填报的数据、说明与佐证" in body
    school_a = body.split("东湖第一中学")[1].split("</tr>")[0]
    assert "得失分说明" in school_a and "说明" in school_a
    assert "纪要.pdf" in school_a and "/evidence/" in school_a
    school_b = body.split("西湖第二中学")[1].split("</tr>")[0]
    assert "纪要.pdf" not in school_b  # a draft: nothing of it is shown to departments
