from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kaoping.selection import services
from kaoping.selection.models import Ballot, Kind, Nomination, Selection

from .conftest import make_selection


def test_reporter_recommends_and_self_nominates(client_for: Any, selection: Selection, reporter_a: Any) -> None:
    client = client_for(reporter_a)
    url = f"/selection/{selection.campaign_id}/{selection.number}/nominate/"
    page = client.get(url)
    assert page.status_code == 200 and "组织推荐" in page.text and "个人自荐" in page.text
    unit = str(reporter_a.memberships.first().organization_id)
    data = {"kind": "recommend", "nominee_name": "林晓红", "organization": unit, "statement": "事迹",
            "party_member": "on", "teaching_years": "18"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    data = {**data, "kind": "self", "nominee_name": ""}
    assert client.post(url, data).status_code == 302
    kinds = dict(Nomination.objects.values_list("nominee_name", "kind"))
    assert kinds == {"林晓红": Kind.RECOMMEND, "周东湖": Kind.SELF}


def test_a_unit_leader_may_only_nominate_themself(client_for: Any, selection: Selection, leader_school_a: Any) -> None:
    client = client_for(leader_school_a)
    url = f"/selection/{selection.campaign_id}/{selection.number}/nominate/"
    page = client.get(url)
    assert "个人自荐" in page.text and "组织推荐" not in page.text


def test_the_window_is_told_in_chinese(client_for: Any, campaign: Any, organizer: Any, reporter_a: Any) -> None:
    selection = make_selection(campaign, organizer)
    Selection.objects.filter(pk=selection.pk).update(nomination_end=timezone.localdate() - datetime.timedelta(days=1))
    page = client_for(reporter_a).get(f"/selection/{campaign.pk}/{selection.number}/nominate/")
    assert "推荐报名已于" in page.text and "截止" in page.text


def test_over_quota_refused_by_the_server_in_chinese(client: Any, voting: Selection) -> None:
    token = services.slip_entries(voting)[0]["token"]
    response = client.get(f"/selection/t/{token}/")
    assert response.status_code == 302 and response["Location"] == "/selection/vote/"
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get("/selection/vote/")
    assert "最多选 2 人" in page.text and "甲" in page.text
    form = {"chosen": ["1", "2", "3"], "idem": "7c2f5f3e-3a0e-4c7e-9d7e-2f8f1f0e9a11", "receipt": "A" * 24}
    refused = client.post("/selection/vote/", form)
    assert refused.status_code == 400 and "最多只能选 2 人,请减少选择后再提交" in refused.text
    assert not Ballot.objects.exists()
    taken = client.post("/selection/vote/", {**form, "chosen": ["1", "2"]})
    assert taken.status_code == 201 and "回执码" in taken.text


def test_public_notice_and_certificate(
    client: Any, client_for: Any, voting: Selection, organizer: Any, reporter_a: Any
) -> None:
    from .conftest import cast, cookie_for

    cast(cookie_for(voting, 0), [1, 2])
    services.vote_close(selection=voting, actor=organizer)
    voting.refresh_from_db()
    key = services.publish(selection=voting, actor=organizer)
    page = client.get(f"/selection/public/{key}/")
    assert page.status_code == 200 and "甲" in page.text and "丙" not in page.text
    assert client.get("/selection/public/nonsense/").status_code == 404
    url = f"/selection/{voting.campaign_id}/{voting.number}/certificate/1/"
    pdf = client_for(organizer).get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client_for(reporter_a).get(url).status_code == 404
    assert (
        client_for(organizer).get(f"/selection/{voting.campaign_id}/{voting.number}/certificate/3/").status_code == 404
    )
