"""Malformed and hostile input on the organization pages (issue 10 §4): never a 500, a Chinese
4xx answer, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hostile_xlsx import EXPECTED, HOSTILE
from kaoping.audit.models import AuditEvent
from kaoping.orgs import services
from kaoping.orgs.models import Organization, User

from .test_imports import workbook

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = {
    "1 KB": "单位名单" * 256 + ".xlsx",
    "NUL": "a\x00b.xlsx",
    "RTL override": "单位\u202exslx.exe.xlsx",
    "CR/LF": "a\r\nSet-Cookie: x=1.xlsx",
}


@pytest.mark.parametrize("value", ["²", "١", "٣", "¹²", "0x1", "1e3", "-1", " 1", "9" * 30, "9" * 5000])
def test_a_malformed_category_on_the_unit_form_is_a_chinese_404_and_changes_nothing(
    organizer: Any, client_for: Any, school_a: Any, value: str
) -> None:
    before = (school_a.category_id, AuditEvent.objects.count())
    response = client_for(organizer).post(reverse("orgs:unit", args=[school_a.pk]), {"category": value})
    assert response.status_code == 404
    assert "找不到您要访问的页面" in response.content.decode()
    school_a.refresh_from_db()
    assert (school_a.category_id, AuditEvent.objects.count()) == before


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_with_the_reason_and_imports_nothing(
    organizer: Any, client_for: Any, city: Any, name: str
) -> None:
    content = HOSTILE[name](workbook(units=[["x1", "新学校", "学校", city.code, ""]]))
    before = (Organization.objects.count(), User.objects.count())
    response = client_for(organizer).post(
        reverse("orgs:import"), {"bureau": city.pk, "file": SimpleUploadedFile("名单.xlsx", content)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法读取 Excel 文件“名单.xlsx”" in page and EXPECTED[name] in page
    assert "确认导入" not in page
    assert (Organization.objects.count(), User.objects.count()) == before
    assert "orgs_import" not in client_for(organizer).session


@pytest.mark.parametrize("label", sorted(HOSTILE_NAMES))
def test_a_hostile_file_name_is_shown_cleaned_and_never_breaks_the_page(
    organizer: Any, client_for: Any, city: Any, label: str
) -> None:
    upload = SimpleUploadedFile(HOSTILE_NAMES[label], b"not a workbook")
    response = client_for(organizer).post(reverse("orgs:import"), {"bureau": city.pk, "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法读取 Excel 文件" in page
    assert "\u202e" not in page and "\x00" not in page and "Set-Cookie: x=1.xlsx" not in page.replace("\r\n", "")


@pytest.mark.parametrize(
    ("create", "label"),
    [
        (
            lambda city, actor: services.department_create(bureau=city, name="处" * 101, actor=actor),
            "处室名称最多 100 个字符",
        ),
        (
            lambda city, actor: services.category_create(owner=city, code="c" * 65, name="类别", actor=actor),
            "类别代码最多 64 个字符",
        ),
        (
            lambda city, actor: services.unit_create(parent=city, name="校" * 201, code="long-1", actor=actor),
            "单位名称最多 200 个字符",
        ),
        (
            lambda city, actor: services.user_create(username="u" * 151, display_name="甲", password=None, actor=actor),
            "用户名最多 150 个字符",
        ),
    ],
)
def test_a_name_or_code_longer_than_its_column_is_refused_with_the_limit(
    city: Any, organizer: Any, create: Any, label: str
) -> None:
    """PostgreSQL refused these with a database error (a 500, fuzz finding pg-orgs-text); SQLite stored them."""
    with pytest.raises(services.OrgError, match=label):
        create(city, organizer)
