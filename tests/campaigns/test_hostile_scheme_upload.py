"""Hostile scheme files through the web (issue 10 §4): the YAML alias bomb that once cost a web
worker 4.85 GB and a 500, NaN points, crafted Excel 量化考核表 and hostile file names. Each is
answered with the Chinese problem list (the form shown again) and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hostile_xlsx import EXPECTED, HOSTILE
from kaoping.campaigns.models import Campaign, SchemeVersion

pytestmark = pytest.mark.django_db

EXAMPLE_TABLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "indicators.xlsx"


def alias_bomb(levels: int = 30) -> bytes:
    body = ["  a0: &a0 [lol, lol]"] + [f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, levels)]
    return ("x:\n" + "\n".join(body) + f"\nscheme: {{id: t, name: *a{levels - 1}, year: 2021}}\n").encode()


def _create(client: Any, city: Any, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("campaigns:create"), {"owner": city.pk, "name": "新考核", "scheme_file": upload})


def _new_version(client: Any, campaign: Any, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("campaigns:scheme", args=[campaign.pk]), {"scheme_file": upload, "reason": "修订"})


def _stored() -> tuple[int, int]:
    return Campaign.objects.count(), SchemeVersion.objects.count()


def test_an_alias_bomb_is_refused_on_both_scheme_forms(
    organizer: Any, client_for: Any, city: Any, campaign: Any
) -> None:
    client, before = client_for(organizer), _stored()
    for response in (
        _create(client, city, "s.yaml", alias_bomb()),
        _new_version(client, campaign, "s.yaml", alias_bomb()),
    ):
        assert response.status_code == 200
        page = response.content.decode()
        assert "别名炸弹" in page and "第16行第20列" in page
    assert _stored() == before


def test_nan_points_are_refused_with_their_place(
    organizer: Any, client_for: Any, campaign: Any, small_scheme: dict[str, Any]
) -> None:
    before = _stored()
    text = yaml.safe_dump(small_scheme, allow_unicode=True)
    text = text.replace("points: 3\n", "points: .nan\n", 1)
    assert ".nan" in text
    response = _new_version(client_for(organizer), campaign, "s.yaml", text.encode())
    page = response.content.decode()
    assert "“.nan”不是有限的数字" in page
    assert _stored() == before


def test_json_infinity_is_refused(organizer: Any, client_for: Any, campaign: Any, small_scheme: dict[str, Any]) -> None:
    small_scheme["scheme"]["year"] = "MARK"
    content = json.dumps(small_scheme, ensure_ascii=False).replace('"MARK"', "Infinity").encode()
    before = _stored()
    page = _new_version(client_for(organizer), campaign, "s.json", content).content.decode()
    assert "“Infinity”不是有限的数字" in page
    assert _stored() == before


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_excel_table_is_refused_with_its_reason(
    organizer: Any, client_for: Any, city: Any, name: str
) -> None:
    before = _stored()
    response = _create(client_for(organizer), city, "量化考核表.xlsx", HOSTILE[name](EXAMPLE_TABLE.read_bytes()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "无法打开 Excel 文件" in page and EXPECTED[name] in page
    assert _stored() == before


@pytest.mark.parametrize(
    "name",
    ["考核方案" * 256 + ".xlsx", "a\x00b.xlsx", "方案\u202exslx.exe.xlsx"],
    ids=["1KB", "NUL", "RTL"],
)
def test_a_hostile_file_name_on_a_good_table_creates_the_campaign_with_a_clean_name(
    organizer: Any, client_for: Any, city: Any, name: str
) -> None:
    response = _create(client_for(organizer), city, name, EXAMPLE_TABLE.read_bytes())
    assert response.status_code == 302, response.content.decode()[-2000:]
    version = SchemeVersion.objects.get(campaign__name="新考核")
    assert len(version.source_name) <= 255
    assert "\x00" not in version.source_name and "\u202e" not in version.source_name
