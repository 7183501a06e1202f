"""An archived (已归档) campaign is read-only for everyone (issue 10 §3).

Before the guard a reviewer could still return a submission, lock it and record a spot check, and
an organizer could add or revoke a recusal, in a campaign already archived. Every assessment write
now refuses at the service layer, so pages, the API and any command are refused alike; the
campaign is archived with a bare UPDATE, so the services' own campaign objects are stale and the
refusal has to come from the database, not from what the caller loaded.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from tests.assessments.conftest import PDF_BYTES

from kaoping.assessments import services
from kaoping.assessments.models import EvidenceFile, Recusal
from kaoping.assessments.selectors import item_ref, scheme_for
from kaoping.campaigns.models import Campaign, Phase

ARCHIVED = "该考核活动已归档"
TABLES = [
    "assessments.SelfAssessment", "assessments.Submission", "assessments.DepartmentScore",
    "assessments.ReviewScore", "assessments.EvidenceFile", "assessments.Recusal", "assessments.SpotCheck",
    "audit.AuditEvent",
]  # fmt: skip


def snapshot() -> list[list[dict[str, Any]]]:
    return [list(apps.get_model(label).objects.order_by("pk").values()) for label in TABLES]


@pytest.fixture
def world(submitted_a: Any, unit_b: Any, scheme: Any, organizer: Any, scorer_x: Any, reviewer: Any) -> dict[str, Any]:
    """School A submitted and scored, an active recusal; then the campaign archived behind the objects' back."""
    campaign = submitted_a.campaign
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.REVIEW)
    campaign.phase = Phase.REVIEW
    item = item_ref(scheme, "school", "1.1").item
    services.department_score_save(
        unit=submitted_a, item=item, department=scorer_x.memberships.get().department, actor=scorer_x,
        version=0, score="2",
    )  # fmt: skip
    recusal = services.recusal_add(unit=unit_b, user=reviewer, actor=organizer, reason="亲属关系")
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.ARCHIVED)  # the objects above still say "review"
    return {
        "unit": submitted_a,
        "item": item,
        "recusal": recusal,
        "file": EvidenceFile.objects.filter(unit=submitted_a).first(),
        "dept": scorer_x.memberships.get().department,
    }


WRITES: dict[str, Callable[[dict[str, Any], dict[str, Any]], object]] = {
    "reporter saves an item": lambda w, p: services.entry_save(
        unit=w["unit"], item=w["item"], actor=p["reporter_a"], version=1, data=services.EntryInput(self_score="1")
    ),
    "reporter submits": lambda w, p: services.submission_submit(
        unit=w["unit"], actor=p["reporter_a"], scheme=scheme_for(w["unit"].campaign)
    ),
    "reviewer returns the submission": lambda w, p: services.submission_return(
        unit=w["unit"], actor=p["reviewer"], reason="请补充材料"
    ),
    "reviewer locks the submission": lambda w, p: services.submission_lock(unit=w["unit"], actor=p["reviewer"]),
    "department scores": lambda w, p: services.department_score_save(
        unit=w["unit"], item=w["item"], department=w["dept"], actor=p["scorer_x"], version=1, score="1"
    ),
    "reviewer confirms a score": lambda w, p: services.review_save(
        unit=w["unit"], item=w["item"], actor=p["reviewer"], version=0, score="2"
    ),
    "reviewer records a spot check": lambda w, p: services.spot_check_record(
        unit=w["unit"], actor=p["reviewer"], checked_on=datetime.date(2024, 11, 2), inspectors="李督学",
        findings="现场核实", item_ids=["1.1"],
    ),
    "organizer adds a recusal": lambda w, p: services.recusal_add(
        unit=w["unit"], user=p["scorer_y"], actor=p["organizer"], reason="回避"
    ),
    "organizer revokes a recusal": lambda w, p: services.recusal_revoke(
        recusal=w["recusal"], actor=p["organizer"], reason="撤销"
    ),
    "reporter uploads evidence": lambda w, p: services.evidence_upload(
        unit=w["unit"], actor=p["reporter_a"], upload=PDF_BYTES, original_name="补充.pdf", item_ids=["1.1"]
    ),
    "reporter detaches evidence": lambda w, p: services.evidence_link(
        unit=w["unit"], item_id="1.1", evidence=w["file"], actor=p["reporter_a"], attach=False
    ),
}  # fmt: skip


@pytest.mark.parametrize("write", list(WRITES))
def test_every_assessment_write_is_refused_on_an_archived_campaign(
    world: dict[str, Any], personas: dict[str, Any], write: str, settings: Any
) -> None:
    before = snapshot()
    stored_files = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    with pytest.raises(services.Closed) as refused:
        WRITES[write](world, personas)
    assert ARCHIVED in refused.value.message
    assert snapshot() == before
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == stored_files  # no stray file


def test_a_recusal_stays_active_when_the_archive_refuses_its_revocation(world: dict[str, Any], organizer: Any) -> None:
    with pytest.raises(services.Closed):
        services.recusal_revoke(recusal=world["recusal"], actor=organizer, reason="撤销")
    assert Recusal.objects.get(pk=world["recusal"].pk).active


# ---- pages ---------------------------------------------------------------------------------------


def _review_url(unit: Any, *args: object) -> str:
    name = "assessments:review_action" if args else "assessments:review_unit"
    return reverse(name, args=[unit.campaign_id, unit.pk, *args])


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("return", {"reason": "请补充材料"}),
        ("lock", {}),
        ("spot_check", {"checked_on": "2024-11-02", "inspectors": "李督学", "findings": "现场核实"}),
    ],
)
def test_reviewer_is_told_the_campaign_is_archived_and_nothing_changes(
    client_for: Any, reviewer: Any, world: dict[str, Any], action: str, data: dict[str, str]
) -> None:
    before = snapshot()
    response = client_for(reviewer).post(_review_url(world["unit"], action), data, follow=True)
    assert response.status_code == 200
    assert ARCHIVED in response.content.decode()
    assert snapshot() == before


def test_organizer_recusal_forms_are_refused_on_an_archived_campaign(
    client_for: Any, organizer: Any, world: dict[str, Any]
) -> None:
    before = snapshot()
    client = client_for(organizer)
    recuse = client.post(_review_url(world["unit"], "recuse"), {"username": "scorer_y", "reason": "回避"}, follow=True)
    revoke = client.post(
        _review_url(world["recusal"].unit, "revoke"), {"recusal_id": world["recusal"].pk, "reason": "x"}, follow=True
    )
    assert ARCHIVED in recuse.content.decode() and ARCHIVED in revoke.content.decode()
    assert snapshot() == before


def test_unknown_review_action_stays_404_on_an_archived_campaign(
    client_for: Any, reviewer: Any, world: dict[str, Any]
) -> None:
    response = client_for(reviewer).post(_review_url(world["unit"], "recuse"), {"username": "x", "reason": "y"})
    assert response.status_code == 404  # a reviewer has no recusal action, archived or not


def test_htmx_score_save_on_an_archived_campaign_is_409_with_the_reason(
    client_for: Any, reviewer: Any, world: dict[str, Any]
) -> None:
    unit = world["unit"]
    url = reverse("assessments:review_save", args=[unit.campaign_id, unit.pk, "1.1"])
    response = client_for(reviewer).post(url, {"version": "0", "score": "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert ARCHIVED in response.content.decode()


def test_review_page_of_an_archived_campaign_offers_no_form(
    client_for: Any, reviewer: Any, organizer: Any, world: dict[str, Any]
) -> None:
    unit = world["unit"]
    for user in (reviewer, organizer):
        body = client_for(user).get(_review_url(unit)).content.decode()
        assert ARCHIVED in body
        main = body.split("<main", 1)[-1]  # the header's sign-out form is not the page's
        assert "<form" not in main, "an archived campaign's review page still has a form"


def test_self_assessment_pages_of_an_archived_campaign_offer_no_upload_or_submit(
    client_for: Any, reporter_a: Any, world: dict[str, Any]
) -> None:
    unit = world["unit"]
    client = client_for(reporter_a)
    overview = client.get(reverse("assessments:unit_overview", args=[unit.campaign_id, unit.pk])).content.decode()
    section = client.get(reverse("assessments:unit_section", args=[unit.campaign_id, unit.pk, 0])).content.decode()
    assert ARCHIVED in overview and ARCHIVED in section
    assert reverse("assessments:evidence_upload", args=[unit.campaign_id, unit.pk]) not in section
    assert reverse("assessments:submit", args=[unit.campaign_id, unit.pk]) not in overview


def test_evidence_upload_without_a_file_names_the_archive_first(
    client_for: Any, reporter_a: Any, world: dict[str, Any]
) -> None:
    unit = world["unit"]
    url = reverse("assessments:evidence_upload", args=[unit.campaign_id, unit.pk])
    response = client_for(reporter_a).post(url, {}, follow=True)
    assert ARCHIVED in response.content.decode()
    assert "请选择要上传的文件" not in response.content.decode()
