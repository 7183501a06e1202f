"""Signed-in and rater pages are never stored by a browser or proxy; static files still are (issue 10 §2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("url", ["/", "/campaigns/", "/orgs/users/", "/account/", "/api/campaigns/"])
def test_signed_in_pages_are_not_stored(organizer: Any, client_for: Any, url: str) -> None:
    response = client_for(organizer).get(url)
    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_page_of_a_campaign_is_not_stored(reporter_a: Any, client_for: Any, campaign: Any) -> None:
    response = client_for(reporter_a).get(f"/campaigns/{campaign.pk}/")
    assert response.status_code == 200 and no_store(response)


def test_rater_pages_are_not_stored(db: Any) -> None:
    response = Client().get("/rating/r/")
    assert no_store(response)


def test_static_files_keep_their_caching(organizer: Any, client_for: Any) -> None:
    response = client_for(organizer).get("/static/css/app.css")
    assert response.status_code == 200
    assert not no_store(response)
