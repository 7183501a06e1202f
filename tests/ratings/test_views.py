"""HTTP behaviour: token exchange, the phone page, the ballot endpoint, the board and exports."""

from __future__ import annotations

import csv
import io
import json
import logging
import uuid
from typing import Any

import pytest
from django.test import Client
from tests.ratings.conftest import issue, post_ballot

from kaoping.ratings import services
from kaoping.ratings.models import Ballot, SessionUnit

pytestmark = pytest.mark.django_db


def rater_client(token: str) -> Client:
    client = Client()
    response = client.get(f"/rating/t/{token}")
    assert response.status_code == 302
    return client


def open_first(session: Any) -> SessionUnit:
    unit = SessionUnit.objects.filter(session=session).first()
    assert unit is not None
    services.unit_open(session=session, session_unit=unit)
    unit.refresh_from_db()
    return unit


def test_token_is_exchanged_for_a_cookie_and_a_token_free_url(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    response = Client().get(f"/rating/t/{token}")
    assert response.status_code == 302
    assert response["Location"] == "/rating/r/"
    assert token not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    cookie = response.cookies["kp_rater"]
    assert cookie["httponly"] and token not in cookie.value


def test_unknown_token_gets_a_clear_page_and_is_not_logged(session: Any, caplog: Any) -> None:
    token = "A" * 24
    with caplog.at_level(logging.DEBUG):
        response = Client().get(f"/rating/t/{token}")
    assert response.status_code == 404
    assert "评分码无效" in response.content.decode()
    assert token not in caplog.text


def test_revoked_token_gets_a_clear_page(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    services.credential_reissue(credential=credential)
    response = Client().get(f"/rating/t/{token}")
    assert response.status_code == 403
    assert "已作废" in response.content.decode()


def test_phone_page_lists_units_but_never_the_raters_own(session: Any, campaign_units: dict[str, Any]) -> None:
    ((_credential, token),) = issue(session, [("东湖代表", "units", campaign_units["county_a"])])
    page = rater_client(token).get("/rating/r/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "西湖区教育局" in text and "东湖第一中学" in text
    assert "东湖区教育局" not in text
    assert len(page.content) < 20_000


def test_phone_page_without_a_token_cookie_cannot_vote(session: Any) -> None:
    unit = open_first(session)
    client = Client()
    assert client.get("/rating/r/").status_code == 403
    response = post_ballot(client, unit, "好", str(uuid.uuid4()))
    assert response.status_code == 403
    assert Ballot.objects.count() == 0


def test_room_qr_page_opens_but_cannot_vote(session: Any) -> None:
    page = Client().get(f"/rating/join/{session.public_id}/")
    assert page.status_code == 200
    assert "个人评分条" in page.content.decode()


def test_typed_code_on_the_room_page_signs_in(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    client = Client()
    response = client.post(f"/rating/join/{session.public_id}/", {"code": token})
    assert response.status_code == 302
    assert client.get("/rating/r/").status_code == 200


def test_ballot_endpoint_status_codes(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    client = rater_client(token)
    key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
    assert post_ballot(client, unit, "好", None).status_code == 400
    first = post_ballot(client, unit, "好", key, receipt)
    assert first.status_code == 201 and first.json()["receipt"] == receipt
    assert post_ballot(client, unit, "好", key, receipt).status_code == 200
    mismatch = post_ballot(client, unit, "差", key, receipt)
    assert mismatch.status_code == 422 and "不同的内容" in mismatch.json()["error"]
    bad = post_ballot(client, unit, "优秀", str(uuid.uuid4()))
    assert bad.status_code == 400 and "不是本测评的等次" in bad.json()["error"]
    assert Ballot.objects.count() == 1


def test_a_rater_cookie_of_the_older_format_is_refused_with_a_request_to_scan_again(session: Any) -> None:
    from django.core import signing

    from kaoping.ratings import tokens

    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    client = rater_client(token)
    older = signing.dumps({"c": credential.pk, "s": "0" * 64}, salt=tokens.COOKIE_SALT, compress=True)
    client.cookies["kp_rater"] = older
    assert tokens.read_rater_cookie(older) is None
    response = post_ballot(client, unit, "好", str(uuid.uuid4()))
    assert response.status_code == 403 and "重新扫描" in response.json()["error"]
    assert Ballot.objects.count() == 0


@pytest.mark.parametrize(
    "unit",
    [10**30, -1, 0, 2**63, "²", "１２", "٣", "1e3", 1.5, True, None, [], {}, "9" * 40],
)
def test_a_ballot_naming_an_impossible_unit_gets_400_in_chinese_and_stores_nothing(session: Any, unit: Any) -> None:
    """10**30 used to reach SQLite as an integer it cannot hold: a 500 (issue 10 §4)."""
    import json

    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    open_first(session)
    client = rater_client(token)
    body = json.dumps({"unit": unit, "grade": "好", "receipt": uuid.uuid4().hex})
    response = client.post(
        "/rating/r/ballot", body, content_type="application/json", headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 400, response.content
    assert "单位" in response.json()["error"] or "不完整" in response.json()["error"]
    assert Ballot.objects.count() == 0


def test_a_ballot_sent_as_a_form_gets_400_not_a_server_error(session: Any) -> None:
    """A multipart body is read as a form before the view (the NUL guard); the view must not read it again."""
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    client = rater_client(token)
    body = json.dumps({"unit": unit.pk, "grade": "好", "receipt": uuid.uuid4().hex})
    response = client.post(
        "/rating/r/ballot",
        body,
        content_type="multipart/form-data; boundary=other",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 400 and "不完整" in response.json()["error"]
    assert Ballot.objects.count() == 0


def test_ballot_endpoint_rejects_a_tampered_body(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    open_first(session)
    client = rater_client(token)
    response = client.post("/rating/r/ballot", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert Ballot.objects.count() == 0


def test_ballot_endpoint_enforces_csrf(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/rating/t/{token}")
    assert post_ballot(client, unit, "好", str(uuid.uuid4())).status_code == 403
    assert Ballot.objects.count() == 0


def test_board_shows_counts_only_until_the_unit_closes(session: Any, organizer: Any, client_for: Any) -> None:
    raters = issue(session, [("甲", "leaders", None), ("乙", "heads", None)])
    unit = open_first(session)
    for (_credential, token), grade in zip(raters, ["好", "一般"], strict=True):
        assert post_ballot(rater_client(token), unit, grade, str(uuid.uuid4())).status_code == 201
    board = client_for(organizer)
    before = board.get(f"/rating/sessions/{session.pk}/board.json").json()
    row = before["units"][0]
    assert row["received"] == 2 and row["result"] is None
    assert "好" not in str(row) and "甲" not in str(before)
    services.unit_close(session=session, session_unit=unit)
    after = board.get(f"/rating/sessions/{session.pk}/board.json").json()["units"][0]
    assert after["result"]["score"] == "90.00"  # (100×50 + 70×25) / 75
    assert "局领导" in after["result"]["explanation"]


def test_board_and_management_are_404_for_other_bureaus(session: Any, other_organizer: Any, client_for: Any) -> None:
    client = client_for(other_organizer)
    assert client.get(f"/rating/sessions/{session.pk}/board.json").status_code == 404
    assert client.get(f"/rating/sessions/{session.pk}/").status_code == 404
    assert client.get(f"/rating/sessions/{session.pk}/ballots.csv").status_code == 404


def test_leader_sees_the_board_but_cannot_manage(session: Any, leader: Any, client_for: Any) -> None:
    client = client_for(leader)
    assert client.get(f"/rating/sessions/{session.pk}/board/").status_code == 200
    assert client.get(f"/rating/sessions/{session.pk}/").status_code == 404


def test_organizer_flow_through_pages(rating_campaign: Any, organizer: Any, client_for: Any) -> None:
    client = client_for(organizer)
    listing = client.get(f"/rating/campaign/{rating_campaign.pk}/")
    assert listing.status_code == 200 and "立德树人述职测评" in listing.content.decode()
    created = client.post(
        f"/rating/campaign/{rating_campaign.pk}/",
        {"component": "lide", "name": "述职会", "revote_policy": "final", "order": "nc-xh\nnc-dh"},
    )
    assert created.status_code == 302
    session = rating_campaign.rating_sessions.get()
    assert [u.campaign_unit.organization.code for u in session.units.all()] == ["nc-xh", "nc-dh"]
    issued = client.post(f"/rating/sessions/{session.pk}/credentials/", {"raters": "张三,局领导\n李四,units,nc-dh"})
    assert issued.status_code == 302
    assert session.credentials.count() == 2
    batch = session.slip_batches.get()
    pdf = client.get(f"/rating/sessions/{session.pk}/slips/{batch.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(f"/rating/sessions/{session.pk}/")
    assert detail.status_code == 200 and "张三" in detail.content.decode()
    unit = session.units.first()
    assert client.post(f"/rating/sessions/{session.pk}/units/{unit.pk}/open/").status_code == 302
    assert client.post(f"/rating/sessions/{session.pk}/do/close/").status_code == 302
    session.refresh_from_db()
    assert session.status == "closed" and session.chain_head
    assert session.chain_head in client.get(f"/rating/sessions/{session.pk}/").content.decode()


def test_bad_credential_lines_store_nothing(session: Any, organizer: Any, client_for: Any) -> None:
    client = client_for(organizer)
    client.post(f"/rating/sessions/{session.pk}/credentials/", {"raters": "张三,局领导\n李四,无此组"})
    assert session.credentials.count() == 0


def test_raw_ballot_export_has_no_identity_and_only_closed_units(session: Any, organizer: Any, client_for: Any) -> None:
    raters = issue(session, [("张局长", "leaders", None), ("王处长", "heads", None)])
    unit = open_first(session)
    for _credential, token in raters:
        post_ballot(rater_client(token), unit, "良好", str(uuid.uuid4()))
    export = client_for(organizer).get(f"/rating/sessions/{session.pk}/ballots.csv")
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))) == 1  # header only: still open
    services.unit_close(session=session, session_unit=unit)
    export = client_for(organizer).get(f"/rating/sessions/{session.pk}/ballots.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    text = export.content.decode("utf-8-sig")
    assert "张局长" not in text and "王处长" not in text
    for _credential, token in raters:
        assert token not in text


def test_receipt_check_confirms_inclusion_without_the_grade(session: Any) -> None:
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    receipt = uuid.uuid4().hex
    post_ballot(rater_client(token), unit, "差", str(uuid.uuid4()), receipt)
    page = Client().post(f"/rating/receipt/{session.public_id}/", {"code": receipt})
    text = page.content.decode()
    assert "已计入" in text and "差" not in text.split("已计入")[1][:40]
    assert receipt not in text  # not echoed either


def test_a_receipt_code_in_the_url_is_never_looked_up(session: Any) -> None:
    """An access log keeps URLs: a code there would pair the person checking with a ballot."""
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_first(session)
    receipt = uuid.uuid4().hex
    post_ballot(rater_client(token), unit, "差", str(uuid.uuid4()), receipt)
    page = Client().get(f"/rating/receipt/{session.public_id}/", {"code": receipt})
    assert page.status_code == 200 and "已计入" not in page.content.decode()
    assert '<form method="post">' in page.content.decode()


def test_results_are_on_the_board_as_soon_as_the_unit_closes(session: Any, organizer: Any, client_for: Any) -> None:
    # no timing assertion (benchmarks/bench_rating.py measures it): the next board read has the result
    raters = issue(session, [(f"评委{i}", ["leaders", "heads", "units"][i % 3], None) for i in range(30)])
    unit = open_first(session)
    for _credential, token in raters:
        post_ballot(rater_client(token), unit, "良好", str(uuid.uuid4()))
    board = client_for(organizer)
    services.unit_close(session=session, session_unit=unit)
    row = board.get(f"/rating/sessions/{session.pk}/board.json").json()["units"][0]
    assert row["result"]["score"] == "90.00"
