"""API errors: every one a documented ``Problem`` in Chinese; bodies the database cannot store refused.

Findings of the schemathesis run (tests/fuzz/test_api_schema.py, issue 10 §4), each failing on the
code before its fix:
- a JSON string with a lone surrogate (``"\\ud800"``) reached the database: UnicodeEncodeError, 500;
- 401, 404 and ninja's 422/400 were not in the schema, and their ``{"detail": …}`` bodies did not
  match the declared ``Problem`` (English, no ``message``);
- two response schemas were both named ``UnitOut``: the schema of /api/campaigns/{id}/units showed
  the results' unit (``unit_id``, ``total`` …), not the fields the endpoint returns.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def open_entry(campaign: Any, campaign_units: dict[str, Any]) -> str:
    from kaoping.campaigns.models import Phase

    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    return f"/api/assessments/{campaign.pk}/units/{campaign_units['school_a'].pk}/entries/1.1"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"version": 0, "note": "\\ud800"}', "note"),
        ('{"version": 0, "note": "a\\u0000b"}', "note"),
        ('{"version": 0, "figures": {"x": "\\udfff"}}', "figures.x"),
    ],
    ids=["lone-surrogate", "nul", "nested-surrogate"],
)
def test_a_string_the_database_cannot_store_is_refused_with_its_location(
    open_entry: str, reporter_a: Any, client_for: Any, body: str, where: str
) -> None:
    from kaoping.assessments.models import SelfAssessment

    response = client_for(reporter_a).put(open_entry, data=body, content_type="application/json")
    assert response.status_code == 400
    assert where in response.json()["message"] and "无法保存" in response.json()["message"]
    assert response.json()["errors"] == {where: "含有无效的字符"}
    assert not SelfAssessment.objects.filter(note__contains="b").exists()


def test_negative_control_without_the_parser_the_surrogate_reaches_the_database(
    open_entry: str, reporter_a: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ninja.parser import Parser

    from kaoping.api.urls import api

    monkeypatch.setattr(api, "parser", Parser())
    with pytest.raises(UnicodeEncodeError):
        client_for(reporter_a).put(
            open_entry, data='{"version": 0, "note": "\\ud800"}', content_type="application/json"
        )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ('{"version": "x"}', 422, "请求的数据格式不正确:version"),
        ("{}", 422, "请求的数据格式不正确:version"),
        ("\x00", 400, "请求体不是有效的 JSON"),
        ("[" * 5000, 400, "请求体不是有效的 JSON"),
    ],
    ids=["wrong-type", "missing", "not-json", "too-deep"],
)
def test_malformed_bodies_get_a_chinese_problem(
    open_entry: str, reporter_a: Any, client_for: Any, body: str, status: int, message: str
) -> None:
    response = client_for(reporter_a).put(open_entry, data=body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["message"] == message


def test_missing_field_is_named_in_errors(open_entry: str, reporter_a: Any, client_for: Any) -> None:
    response = client_for(reporter_a).put(open_entry, data='{"version": "x"}', content_type="application/json")
    assert response.json()["errors"] == {"version": "应为整数"}


def test_not_signed_in_and_not_found_are_problems(client_for: Any, reporter_a: Any, anonymous: Any) -> None:
    anonymous_answer = client_for(anonymous).get("/api/campaigns/")
    assert (anonymous_answer.status_code, anonymous_answer.json()) == (401, {"message": "请先登录"})
    missing = client_for(reporter_a).get("/api/campaigns/999999")
    assert (missing.status_code, missing.json()) == (404, {"message": "未找到,或您无权访问"})


def _schema() -> dict[str, Any]:
    """The schema as clients read it (JSON: status codes are strings)."""
    import json

    from kaoping.api.urls import api

    return dict(json.loads(json.dumps(api.get_openapi_schema())))


def test_every_operation_documents_its_error_statuses() -> None:
    schema = _schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            expected = {"200", "401", "404", "422"} | ({"400", "403", "409"} if method == "put" else set())
            if path.startswith("/api/results/"):
                expected |= {"503"}  # the stored result is being recomputed: try again shortly
            assert set(operation["responses"]) == expected, f"{method.upper()} {path}"
            for status in expected - {"200"}:
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/Problem"), f"{method.upper()} {path} {status}"


def test_each_response_schema_is_the_one_its_endpoint_returns() -> None:
    schema = _schema()
    components = schema["components"]["schemas"]

    def fields(path: str) -> set[str]:
        items = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
        return set(components[items["$ref"].rsplit("/", 1)[1]]["properties"])

    assert fields("/api/campaigns/{campaign_id}/units") == {"id", "organization_id", "name", "code", "category"}
    assert "total" in fields("/api/results/{campaign_id}/standings")
