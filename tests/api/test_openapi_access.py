"""The OpenAPI schema lists every endpoint and field: only signed-in users get it (issue 10 §2)."""

from __future__ import annotations

from typing import Any


def test_anonymous_gets_401_json_for_the_schema(client: Any, db: Any) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "请先登录"}
    assert "paths" not in response.content.decode()


def test_a_signed_in_user_gets_the_schema(reporter_a: Any, client_for: Any) -> None:
    response = client_for(reporter_a).get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/campaigns/" in response.json()["paths"]
