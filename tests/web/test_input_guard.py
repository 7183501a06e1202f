"""A NUL in any form field or query is a Chinese 400 before any view reads it (issue 10 §4).

PostgreSQL refuses text with NUL, so each of these was a 500 there (the fuzz harness's findings
pg-login-nul, pg-assessment-text-nul, pg-recuse-username-nul); SQLite stored the NUL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_login_form_is_refused_without_a_database_error(cast: Any) -> None:
    from kaoping.orgs.models import LoginFailure

    response = Client().post(reverse("web:login"), {"username": "a\x00b", "password": "kaoping-wrong-1"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "不可见的控制字符" in text and "username" not in text
    assert LoginFailure.objects.count() == 0


def test_a_nul_in_a_self_assessment_note_is_refused_in_chinese_and_nothing_is_saved(
    campaign: Any, campaign_units: dict[str, Any], reporter_a: Any, client_for: Any
) -> None:
    from kaoping.assessments.models import SelfAssessment

    url = reverse(
        "assessments:entry_save",
        kwargs={"campaign_id": campaign.pk, "unit_id": campaign_units["school_a"].pk, "item_id": "1.1"},
    )
    response = client_for(reporter_a).post(
        url, {"self_score": "1", "note": "从别处复制\x00的文字", "version": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "填写的文字中含有不可见的控制字符(NUL,常见于复制来的文字),没有保存,请删除后重新输入",
        "field": "note",
    }
    assert SelfAssessment.objects.count() == 0


def test_a_nul_in_a_query_or_a_multipart_field_is_refused(organizer: Any, client_for: Any, campaign: Any) -> None:
    client = client_for(organizer)
    assert client.get(reverse("web:home"), {"q": "a\x00"}).status_code == 400
    response = client.post(reverse("orgs:departments"), {"bureau": "1", "name": "处\x00室"}, format="multipart")
    assert response.status_code == 400


def test_ordinary_text_with_tabs_and_line_breaks_passes(cast: Any) -> None:
    response = Client().post(reverse("web:login"), {"username": "普通\t用户\r\n名", "password": "kaoping-wrong-1"})
    assert response.status_code == 200  # an ordinary failed login: the form again, with its message
