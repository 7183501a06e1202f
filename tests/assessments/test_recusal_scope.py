"""Recusal names only people of the campaign's bureau (issue 10 §2): a foreign user is neither
recorded nor echoed back. Before: recusing ``other_organizer`` stored a recusal and answered
"已登记回避:赵外局", the display name of another bureau's organizer."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from kaoping.assessments.models import Recusal
from kaoping.audit.models import AuditEvent


def recuse(client: Any, unit: Any, username: str) -> Any:
    url = reverse("assessments:review_action", args=[unit.campaign_id, unit.pk, "recuse"])
    return client.post(url, {"username": username, "reason": "回避测试"}, follow=True)


def test_a_user_of_another_bureau_is_refused_and_not_echoed(
    client_for: Any, organizer: Any, other_organizer: Any, unit_a: Any
) -> None:
    events = AuditEvent.objects.count()
    body = recuse(client_for(organizer), unit_a, "other_organizer").content.decode()
    assert not Recusal.objects.exists()
    assert AuditEvent.objects.count() == events
    assert other_organizer.display_name not in body  # 赵外局
    assert "本局及下属单位中没有用户名为“other_organizer”的用户" in body


def test_the_refusal_for_a_foreign_user_reads_like_one_for_nobody(
    client_for: Any, organizer: Any, other_organizer: Any, unit_a: Any
) -> None:
    client = client_for(organizer)
    foreign = recuse(client, unit_a, "other_organizer").content.decode()
    nobody = recuse(client, unit_a, "nobody-at-all").content.decode()

    def plain(text: str, name: str) -> str:  # CSRF tokens and nonces differ on every page
        return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "<token>", text.replace(name, "X"))

    assert plain(foreign, "other_organizer") == plain(nobody, "nobody-at-all")


def test_people_of_the_bureau_can_still_be_recused(client_for: Any, organizer: Any, scorer_y: Any, unit_a: Any) -> None:
    body = recuse(client_for(organizer), unit_a, "scorer_y").content.decode()
    assert Recusal.objects.get().user == scorer_y
    assert "已登记回避" in body
