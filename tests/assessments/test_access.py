"""Role × object cells for assessment objects: a foreign object is 404 by URL and by API."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.assessments.conftest import PDF_BYTES, fill_unit

from kaoping.assessments import services
from kaoping.assessments.models import DepartmentScore, ReviewScore, SelfAssessment


@pytest.fixture
def world(open_campaign, unit_a, unit_b, reporter_b, scorer_y, dept_y, scheme) -> dict[str, Any]:
    """School B's entry, a file backing its item 1.2 (督导室's), and 督导室's score."""
    from kaoping.assessments.selectors import item_ref

    item = item_ref(scheme, "school", "1.2").item
    fill_unit(unit_b, reporter_b)  # its 1.1 evidence is 纪要.pdf
    evidence = services.evidence_upload(
        unit=unit_b, actor=reporter_b, upload=PDF_BYTES, original_name="b.pdf", item_ids=["1.2"]
    )
    services.submission_submit(unit=unit_b, actor=reporter_b, scheme=scheme)
    services.department_score_save(unit=unit_b, item=item, department=dept_y, actor=scorer_y, version=0, score="2")
    return {"c": open_campaign.pk, "b": unit_b.pk, "a": unit_a.pk, "file": evidence.pk, "dept_y": dept_y.pk}


Request = Callable[[Any, dict[str, Any]], Any]


def get(name: str, *keys: str) -> Request:
    return lambda client, w: client.get(reverse(name, args=[w.get(k, k) for k in keys]))


def post(name: str, *keys: str, data: dict[str, str] | None = None) -> Request:
    return lambda client, w: client.post(reverse(name, args=[w.get(k, k) for k in keys]), data or {})


def api(method: str, path: str, body: dict[str, Any] | None = None) -> Request:
    def call(client: Any, w: dict[str, Any]) -> Any:
        url = "/api" + path.format(**w)
        if method == "get":
            return client.get(url)
        return client.put(url, data=json.dumps(body or {}), content_type="application/json")

    return call


REPORTER_A_ON_B = {
    "overview": get("assessments:unit_overview", "c", "b"),
    "section": get("assessments:unit_section", "c", "b", "0"),
    "save": post("assessments:entry_save", "c", "b", "1.2", data={"version": "1", "self_score": "0"}),
    "submit": post("assessments:submit", "c", "b"),
    "upload": post("assessments:evidence_upload", "c", "b"),
    "link": post("assessments:evidence_link", "c", "b", "1.2", data={"file_id": "1", "attach": "0"}),
    "download": get("assessments:evidence_download", "c", "file"),
    "history": get("assessments:item_history", "c", "b", "1.2"),
    "review": get("assessments:review_unit", "c", "b"),
    "review_save": post("assessments:review_save", "c", "b", "1.2", data={"version": "0", "score": "0"}),
    "return": post("assessments:review_action", "c", "b", "return", data={"reason": "x"}),
    "result": get("results:unit_result", "c", "b"),
    "explain": get("results:explain", "c", "b"),
    "standings": get("results:standings", "c"),
    "api_entries": api("get", "/assessments/{c}/units/{b}/entries"),
    "api_put_entry": api("put", "/assessments/{c}/units/{b}/entries/1.2", {"version": 1, "self_score": "0"}),
    "api_evidence": api("get", "/assessments/{c}/evidence/{file}"),
    "api_review": api("put", "/assessments/{c}/reviews/units/{b}/items/1.2", {"version": 0, "score": "0"}),
    "api_result": api("get", "/results/{c}/units/{b}"),
    "api_standings": api("get", "/results/{c}/standings"),
}


@pytest.mark.parametrize("cell", sorted(REPORTER_A_ON_B))
def test_reporter_of_a_gets_404_for_every_object_of_b(cell, world, client_for, reporter_a, unit_b):
    response = REPORTER_A_ON_B[cell](client_for(reporter_a), world)
    assert response.status_code == 404
    assert SelfAssessment.objects.get(unit=unit_b, item_id="1.2").self_score == Decimal("2.5")
    assert not ReviewScore.objects.exists()


DEPT_X_ON_DEPT_Y = {
    "dept_y_items": get("assessments:department_items", "c", "dept_y"),
    "dept_y_grid": get("assessments:department_grid", "c", "dept_y", "1.2"),
    "grid_of_other_item": lambda client, w: client.get(
        reverse("assessments:department_grid", args=[w["c"], w["dept_x"], "1.2"])
    ),
    "cell_of_other_item": lambda client, w: client.post(
        reverse("assessments:department_cell_save", args=[w["c"], w["dept_x"], "1.2", w["b"]]),
        {"version": "1", "score": "0"},
    ),
    "download_file_of_other_item": get("assessments:evidence_download", "c", "file"),
    "history_of_other_item": get("assessments:item_history", "c", "b", "1.2"),
    "review_page": get("assessments:review_unit", "c", "b"),
    "self_entries": get("assessments:unit_overview", "c", "b"),
    "api_put_other_item": lambda client, w: client.put(
        f"/api/assessments/{w['c']}/departments/{w['dept_x']}/items/1.2/units/{w['b']}",
        data=json.dumps({"version": 1, "score": "0"}),
        content_type="application/json",
    ),
    "api_entries": api("get", "/assessments/{c}/units/{b}/entries"),
}


@pytest.mark.parametrize("cell", sorted(DEPT_X_ON_DEPT_Y))
def test_department_x_gets_404_for_items_of_department_y(cell, world, client_for, scorer_x, dept_x):
    world = {**world, "dept_x": dept_x.pk}
    response = DEPT_X_ON_DEPT_Y[cell](client_for(scorer_x), world)
    assert response.status_code == 404
    assert DepartmentScore.objects.get().score == 2


@pytest.mark.parametrize("cell", sorted(REPORTER_A_ON_B))
def test_organizer_of_another_bureau_gets_404(cell, world, client_for, other_organizer):
    assert REPORTER_A_ON_B[cell](client_for(other_organizer), world).status_code == 404


def test_anonymous_is_sent_to_login_and_api_says_401(world, client_for, anonymous):
    client = client_for(anonymous)
    assert REPORTER_A_ON_B["overview"](client, world).status_code == 302
    assert REPORTER_A_ON_B["api_entries"](client, world).status_code == 401


def test_recused_reviewer_cannot_see_or_score_the_unit(world, client_for, reviewer, organizer, unit_b):
    services.recusal_add(unit=unit_b, user=reviewer, actor=organizer, reason="曾任该校校长")
    client = client_for(reviewer)
    assert REPORTER_A_ON_B["review"](client, world).status_code == 404
    assert REPORTER_A_ON_B["review_save"](client, world).status_code == 404
    assert REPORTER_A_ON_B["download"](client, world).status_code == 404
    assert REPORTER_A_ON_B["api_review"](client, world).status_code == 404
    home = client.get(reverse("assessments:campaign_home", args=[world["c"]])).content.decode()
    assert "西湖第二中学" not in home


def test_recused_department_scorer_does_not_see_unit_in_grid(world, client_for, scorer_y, dept_y, organizer, unit_b):
    services.recusal_add(unit=unit_b, user=scorer_y, actor=organizer, reason="亲属在该校任职")
    client = client_for(scorer_y)
    grid = client.get(reverse("assessments:department_grid", args=[world["c"], dept_y.pk, "1.2"])).content.decode()
    assert "西湖第二中学" not in grid and "东湖第一中学" in grid
    cell = reverse("assessments:department_cell_save", args=[world["c"], dept_y.pk, "1.2", unit_b.pk])
    assert client.post(cell, {"version": "1", "score": "0"}).status_code == 404


def test_department_does_not_see_draft_self_scores(world, client_for, scorer_y, dept_y):
    grid = client_for(scorer_y).get(reverse("assessments:department_grid", args=[world["c"], dept_y.pk, "1.2"]))
    body = grid.content.decode()
    assert "未提交" in body


def test_reporter_cannot_write_department_or_review_fields_through_own_entry(world, client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    url = reverse("assessments:entry_save", args=[world["c"], unit_a.pk, "1.1"])
    client.post(url, {"version": "0", "self_score": "1", "confirmed_score": "3", "score": "3", "status": "locked"})
    assert not ReviewScore.objects.exists() and DepartmentScore.objects.count() == 1
    assert unit_a.submission.status == "draft"


def test_api_put_entry_conflict_is_409_with_current_value(world, client_for, reporter_a, unit_a):
    client = client_for(reporter_a)
    url = f"/api/assessments/{world['c']}/units/{unit_a.pk}/entries/1.1"
    ok = client.put(url, data=json.dumps({"version": 0, "self_score": "2"}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 1
    stale = client.put(url, data=json.dumps({"version": 0, "self_score": "1"}), content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["message"] == "该评分已被他人修改,请刷新后再改" and stale.json()["current"]["value"] == "2"
    bad = client.put(url, data=json.dumps({"version": 1, "self_score": "-1"}), content_type="application/json")
    assert bad.status_code == 422 and "不能为负数" in bad.json()["message"]
