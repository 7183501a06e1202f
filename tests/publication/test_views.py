from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kaoping.publication import services
from kaoping.publication.models import PublishedVersion

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _published(campaign: Any, organizer: Any, *, public: bool = False) -> PublishedVersion:
    return services.publish(
        campaign=campaign,
        actor=organizer,
        notice_start=TODAY,
        notice_end=TODAY + datetime.timedelta(days=6),
        public=public,
    )


def test_the_organizer_publishes_from_the_page_and_lands_on_the_version_with_its_digest(
    on_notice, client_for, organizer
):
    client = client_for(organizer)
    page = client.get(reverse("publication:manage", args=[on_notice.pk])).content.decode()
    assert "发布公示" in page and "公示开始日期" in page
    response = client.post(
        reverse("publication:publish", args=[on_notice.pk]),
        {"notice_start": TODAY.isoformat(), "notice_end": (TODAY + datetime.timedelta(days=4)).isoformat()},
        follow=True,
    )
    version = PublishedVersion.objects.get()
    body = response.content.decode()
    assert "已发布第 1 版公示" in body and version.digest[:8] in body and "数据核对" in body


def test_a_bad_date_is_refused_in_chinese_keeps_what_was_typed_and_publishes_nothing(on_notice, client_for, organizer):
    client = client_for(organizer)
    response = client.post(
        reverse("publication:publish", args=[on_notice.pk]),
        {"notice_start": "2026-13-40", "notice_end": TODAY.isoformat(), "reason": "初次公示"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "日期格式不对" in body and "初次公示" in body and "2026-13-40" in body
    assert not PublishedVersion.objects.exists()


def test_a_refused_publication_says_why_on_the_page(on_notice, client_for, organizer):
    _published(on_notice, organizer)
    client = client_for(organizer)
    response = client.post(
        reverse("publication:publish", args=[on_notice.pk]),
        {"notice_start": TODAY.isoformat(), "notice_end": TODAY.isoformat(), "reason": "再发"},
    )
    assert response.status_code == 409 and "完全相同" in response.content.decode()


def test_a_unit_sees_the_notice_with_its_own_row_marked_but_not_the_publishing_page(
    on_notice, client_for, organizer, reporter_a
):
    _published(on_notice, organizer)
    client = client_for(reporter_a)
    assert client.get(reverse("publication:manage", args=[on_notice.pk])).status_code == 404
    assert client.post(reverse("publication:publish", args=[on_notice.pk])).status_code == 404
    body = client.get(reverse("publication:notice", args=[on_notice.pk])).content.decode()
    assert "东湖第一中学" in body and "本单位" in body and "公示中" in body and "校验码" in body


def test_a_foreign_organizer_gets_404_everywhere(on_notice, client_for, organizer, other_organizer):
    version = _published(on_notice, organizer)
    client = client_for(other_organizer)
    for url in (
        reverse("publication:manage", args=[on_notice.pk]),
        reverse("publication:notice", args=[on_notice.pk]),
        reverse("publication:version", args=[on_notice.pk, version.number]),
    ):
        assert client.get(url).status_code == 404


def test_the_public_page_shows_only_the_paper_notice_and_only_while_open(on_notice, client, organizer):
    version = _published(on_notice, organizer)
    url = reverse("publication:public", args=[version.public_key])
    assert client.get(url).status_code == 404
    services.set_public(version=version, public=True, actor=organizer)
    body = client.get(url).content.decode()
    assert "东湖第一中学" in body and "名次" in body and "等次" in body
    assert "计分说明" not in body and "explain" not in body  # no item trees or links into the campaign
    assert client.get(reverse("publication:public", args=["x" * 22])).status_code == 404
    assert client.get("/publication/public/a%00b/").status_code == 404  # a NUL was a 500 on PostgreSQL


def test_anyone_checks_a_printed_digest_without_signing_in(on_notice, client, organizer):
    version = _published(on_notice, organizer)
    typed = " ".join(version.digest[i : i + 8] for i in range(0, 64, 8)).upper()
    body = client.get(reverse("publication:verify"), {"digest": typed}).content.decode()
    assert "找到对应的公示版本" in body and on_notice.name in body and "一致" in body
    wrong = client.get(reverse("publication:verify"), {"digest": "0" * 64}).content.decode()
    assert "没有找到" in wrong


def test_the_notice_before_anything_is_published_says_so(on_notice, client_for, reporter_a):
    body = client_for(reporter_a).get(reverse("publication:notice", args=[on_notice.pk])).content.decode()
    assert "尚未发布公示" in body
