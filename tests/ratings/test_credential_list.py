"""The session page's slip table (≈290 rows in a real session): search by name, group and state
filters, sort and pages of 100 whose own units alone are unsealed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.ratings.conftest import issue

from kaoping import listing
from kaoping.ratings import services


def test_slips_are_searched_filtered_sorted_and_paged(
    session: Any, organizer: Any, client_for: Any, campaign_units: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = issue(
        session,
        [
            ("张三", "leaders", None),
            ("李四", "heads", None),
            ("王五", "units", campaign_units["county_a"]),
            ("赵六", "units", campaign_units["county_b"]),
            ("张七", "heads", None),
        ],
    )
    services.credential_reissue(credential=issued[1][0], actor=organizer)
    client = client_for(organizer)
    url = reverse("ratings:session_detail", args=[session.pk])

    def table(params: dict[str, Any]) -> str:
        return (
            client.get(url, params).content.decode().split('class="compact stack credentials"')[1].split("</table>")[0]
        )

    assert "评委与评分条(6 张)" in client.get(url).content.decode()
    named = table({"q": "张"})
    assert "张三" in named and "张七" in named and "李四" not in named
    units = table({"group": "units"})
    assert "王五" in units and "东湖区教育局" in units and "张三" not in units
    revoked = table({"state": "revoked"})
    assert "李四" in revoked and "王五" not in revoked
    valid = table({"state": "valid", "group": "heads"})
    assert valid.count('<td data-label="评委">李四</td>') == 1 and "张七" in valid  # the reissued slip only
    by_name = table({"sort": "name"})
    assert by_name.index("张七") < by_name.index("赵六")
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    first = client.get(url, {"sort": "issued"}).content.decode()
    assert "第 1 / 3 页 · 第 1–2 条,共 6 条" in first and "sort=issued&amp;page=2" in first
    assert client.get(url, {"group": "nope", "state": "x"}).status_code == 200
