"""A campaign made from an Excel 量化考核表 is named in Chinese (issue 11 §2), never after the
file ("indicators"): the scheme after the campaign, its component 量化考核, its category 被考核单位."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kaoping.campaigns import services

TABLE = Path(__file__).resolve().parents[2] / "examples" / "honggutan-2021" / "indicators.xlsx"


def test_the_scheme_of_an_excel_table_takes_the_campaigns_name() -> None:
    data = services.scheme_data_from_upload(filename="indicators.xlsx", content=TABLE.read_bytes(), title="2021年考核")
    scheme = services.scheme_of_data(data)
    assert scheme.name == "2021年考核"
    assert [c.name for c in scheme.components] == ["量化考核"]
    assert [c.name for c in scheme.categories] == ["被考核单位"]


def test_without_a_title_a_chinese_file_name_or_a_plain_word_is_used() -> None:
    chinese = services.scheme_data_from_upload(filename="红谷滩区量化考核表.xlsx", content=TABLE.read_bytes())
    assert services.scheme_of_data(chinese).name == "红谷滩区量化考核表"
    latin = services.scheme_data_from_upload(filename="indicators.xlsx", content=TABLE.read_bytes())
    assert services.scheme_of_data(latin).name == "量化考核表"


def test_the_create_form_names_the_excel_campaigns_parts_in_chinese(
    organizer: Any, client_for: Any, city: Any, db: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaoping.campaigns.models import Campaign

    client = client_for(organizer)
    upload = SimpleUploadedFile("indicators.xlsx", TABLE.read_bytes())
    response = client.post(
        "/campaigns/new/", {"owner": str(city.pk), "name": "红谷滩区量化考核", "year": "2021", "scheme_file": upload}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="红谷滩区量化考核")
    page = client.get(f"/campaigns/{campaign.pk}/scheme/").content.decode()
    assert "量化考核" in page and "被考核单位" in page and "indicators" not in page.replace("indicators.xlsx", "")
