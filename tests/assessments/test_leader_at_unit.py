"""A leader at a unit (校长, 区长) reads that unit's own data — what its reporter sees — and changes nothing.

Issue 10 §3: the access layer used to fold a leader membership at a participating unit into the
reporter's units, so such a leader saved items and uploaded evidence. Each write below was
accepted then (HTTP 200 / 302 with the row written) and is a 404 now, exactly as for a stranger.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.assessments.conftest import PDF_BYTES, fill_unit

from kaoping.assessments import services
from kaoping.assessments.models import EvidenceFile, SelfAssessment, Submission
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns import access

HX = {"HTTP_HX_REQUEST": "true"}


def _url(name: str, unit: Any, *args: object) -> str:
    return reverse(f"assessments:{name}", args=[unit.campaign_id, unit.pk, *args])


def _stored(unit: Any) -> tuple[list[Any], list[Any], list[Any]]:
    return (
        list(SelfAssessment.objects.filter(unit=unit).order_by("pk").values()),
        list(EvidenceFile.objects.filter(unit=unit).order_by("pk").values()),
        list(Submission.objects.filter(unit=unit).order_by("pk").values()),
    )


def test_a_leader_at_a_unit_reads_the_unit_but_is_no_reporter(leader_school_a: Any, unit_a: Any) -> None:
    _campaign, grant = access.campaign_for(leader_school_a, unit_a.campaign_id)
    assert grant.can_read_as_unit(unit_a.organization)
    assert not grant.can_report_for(unit_a.organization)
    assert grant.reporter_unit_ids == frozenset()
    assert not grant.leader  # not the bureau's leader either: no other unit, no standings
    assert set(access.units_for(grant)) == {unit_a}


def test_leader_at_a_unit_cannot_save_an_item(client_for: Any, leader_school_a: Any, unit_a: Any) -> None:
    before = _stored(unit_a)
    client = client_for(leader_school_a)
    htmx = client.post(_url("entry_save", unit_a, "1.1"), {"version": "0", "self_score": "2", "note": "校长改的"}, **HX)
    plain = client.post(_url("entry_save", unit_a, "1.1"), {"version": "0", "self_score": "2"})
    assert (htmx.status_code, plain.status_code) == (404, 404)
    assert _stored(unit_a) == before


def test_leader_at_a_unit_cannot_upload_or_link_evidence(
    client_for: Any, leader_school_a: Any, reporter_a: Any, unit_a: Any
) -> None:
    own_file = services.evidence_upload(unit=unit_a, actor=reporter_a, upload=PDF_BYTES, original_name="纪要.pdf")
    before = _stored(unit_a)
    client = client_for(leader_school_a)
    upload = SimpleUploadedFile("校长.pdf", PDF_BYTES, content_type="application/pdf")
    uploaded = client.post(_url("evidence_upload", unit_a), {"file": upload, "item_id": "1.1"})
    linked = client.post(_url("evidence_link", unit_a, "1.1"), {"file_id": own_file.pk, "attach": "1"})
    assert (uploaded.status_code, linked.status_code) == (404, 404)
    assert _stored(unit_a) == before


def test_leader_at_a_unit_cannot_submit(client_for: Any, leader_school_a: Any, reporter_a: Any, unit_a: Any) -> None:
    fill_unit(unit_a, reporter_a)
    before = _stored(unit_a)
    response = client_for(leader_school_a).post(_url("submit", unit_a))
    assert response.status_code == 404
    assert _stored(unit_a) == before


def test_leader_at_a_unit_cannot_write_through_the_api(client_for: Any, leader_school_a: Any, unit_a: Any) -> None:
    url = f"/api/assessments/{unit_a.campaign_id}/units/{unit_a.pk}/entries/1.1"
    response = client_for(leader_school_a).put(
        url, data=json.dumps({"version": 0, "self_score": "2"}), content_type="application/json"
    )
    assert response.status_code == 404
    assert not SelfAssessment.objects.filter(unit=unit_a).exists()


def test_leader_at_a_unit_reads_its_self_assessment_without_any_form(
    client_for: Any, leader_school_a: Any, reporter_a: Any, unit_a: Any
) -> None:
    fill_unit(unit_a, reporter_a)
    client = client_for(leader_school_a)
    overview = client.get(_url("unit_overview", unit_a)).content.decode()
    section = client.get(_url("unit_section", unit_a, 0)).content.decode()
    assert "本单位领导可以查看自评与佐证材料" in overview
    assert _url("submit", unit_a) not in overview  # no submit button
    assert "说明" in section and "纪要.pdf" in section  # the reporter's notes and evidence
    assert _url("evidence_upload", unit_a) not in section and _url("evidence_link", unit_a, "1.1") not in section
    assert "<noscript><button" not in section and "readonly" in section


def test_leader_at_a_unit_downloads_its_evidence_and_reads_item_history(
    client_for: Any, leader_school_a: Any, reporter_a: Any, unit_a: Any
) -> None:
    fill_unit(unit_a, reporter_a)
    evidence = EvidenceFile.objects.get(unit=unit_a)
    client = client_for(leader_school_a)
    download = client.get(reverse("assessments:evidence_download", args=[unit_a.campaign_id, evidence.pk]))
    history = client.get(_url("item_history", unit_a, "1.1"))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert history.status_code == 200 and "说明" in history.content.decode()


def test_leader_at_a_unit_sees_no_other_unit_and_no_department_scores_before_publication(
    client_for: Any, leader_school_a: Any, reporter_a: Any, reporter_b: Any, scorer_x: Any, unit_a: Any, unit_b: Any
) -> None:
    fill_unit(unit_a, reporter_a)
    fill_unit(unit_b, reporter_b)
    scheme = scheme_for(unit_a.campaign)
    services.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme)
    unit_a.campaign.phase = "review"
    unit_a.campaign.save()
    ref = item_ref(scheme, "school", "1.1")
    services.department_score_save(
        unit=unit_a, item=ref.item, department=scorer_x.memberships.get().department, actor=scorer_x,
        version=0, score="2", note="处室意见-保密",
    )  # fmt: skip
    client = client_for(leader_school_a)
    history = client.get(_url("item_history", unit_a, "1.1")).content.decode()
    assert "处室意见-保密" not in history
    for name, args in (("unit_overview", ()), ("unit_section", (0,)), ("item_history", ("1.1",))):
        assert client.get(_url(name, unit_b, *args)).status_code == 404
    assert client.get(_url("review_unit", unit_a)).status_code == 404
    assert client.get(reverse("results:standings", args=[unit_a.campaign_id])).status_code == 404


@pytest.mark.parametrize("name", ["leader_school_a", "leader_county_a"])
def test_campaign_page_links_a_unit_leader_to_read_only_self_assessment(
    client_for: Any, personas: dict[str, Any], campaign: Any, name: str
) -> None:
    body = client_for(personas[name]).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "查看本单位自评与佐证材料" in body
    assert "填写自评、上传佐证材料、提交" not in body
