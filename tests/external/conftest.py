"""The cast's campaign with an imported component (seed 000's 基层党建: 300 points, from 100)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

DANGJIAN: dict[str, Any] = {
    "id": "dangjian",
    "name": "基层党建工作考核",
    "points": 300,
    "method": "imported",
    "conversion": {"method": "proportional", "raw_max": 100},
}


@pytest.fixture
def imported_campaign(campaign: Any) -> Any:
    from tests.conftest import SMALL_SCHEME

    from kaoping.campaigns.models import SchemeVersion

    data = copy.deepcopy(SMALL_SCHEME)
    data["components"].append(copy.deepcopy(DANGJIAN))
    for category in data["categories"]:
        if category["id"] == "school":
            category["components"].append("dangjian")
    SchemeVersion.objects.create(campaign=campaign, number=2, data=data, source_name="imported.yaml")
    return campaign


@pytest.fixture
def write_csv(tmp_path: Path) -> Any:
    def write(text: str, name: str = "imported.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
