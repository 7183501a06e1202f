from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kaoping.assessments import services as assess
from kaoping.assessments.selectors import item_ref
from kaoping.audit.models import AuditEvent
from kaoping.campaigns import services as campaigns
from kaoping.campaigns.models import Campaign, Phase
from kaoping.publication import services
from kaoping.publication.models import PublishedUnit, PublishedVersion

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WEEK = (TODAY, TODAY + datetime.timedelta(days=6))
PAST = (TODAY - datetime.timedelta(days=10), TODAY - datetime.timedelta(days=4))


def _correct(campaign: Any, unit: Any, scheme: Any, reviewer: Any) -> None:
    """An accepted objection: the organizer steps back to 汇总计分 and the reviewer corrects item 1.2."""
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.SCORING)
    unit.campaign.refresh_from_db()
    item = item_ref(scheme, "school", "1.2").item
    assess.review_save(unit=unit, item=item, actor=reviewer, version=0, score="1", reason="异议成立,核减")
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    campaign.refresh_from_db()


def _publish(campaign: Any, actor: Any, window: tuple[datetime.date, datetime.date] = WEEK, **kw: Any) -> Any:
    return services.publish(campaign=campaign, actor=actor, notice_start=window[0], notice_end=window[1], **kw)


def test_publishing_freezes_every_unit_with_a_digest_that_rechecks_and_is_audited(on_notice, organizer):
    version = _publish(on_notice, organizer)
    assert (version.number, version.units) == (1, on_notice.participants.count())
    assert PublishedUnit.objects.filter(version=version).count() == version.units
    assert services.recheck(version)
    assert services.find_by_digest(" ".join(version.digest[i : i + 8] for i in range(0, 64, 8)).upper()) == version
    event = AuditEvent.objects.filter(chain=f"campaign:{on_notice.pk}", action="publication.publish").get()
    assert event.new["digest"] == version.digest and event.new["version"] == 1


def test_a_later_score_change_leaves_the_published_version_as_it_was(on_notice, organizer, reviewer, unit_a, scheme):
    version = _publish(on_notice, organizer)
    frozen = list(PublishedUnit.objects.filter(version=version).values_list("data", flat=True))
    _correct(on_notice, unit_a, scheme, reviewer)
    assert list(PublishedUnit.objects.filter(version=version).values_list("data", flat=True)) == frozen
    assert services.recheck(version)


def test_a_correction_needs_a_reason_and_lists_the_unit_item_and_rank_that_moved(
    on_notice, organizer, reviewer, unit_a, scheme
):
    first = _publish(on_notice, organizer)
    _correct(on_notice, unit_a, scheme, reviewer)
    with pytest.raises(services.PublicationError, match="须说明原因"):
        _publish(on_notice, organizer)
    second = _publish(on_notice, organizer, reason="东湖第一中学异议成立,1.2 核减为 1 分")
    assert second.number == 2 and second.digest != first.digest
    units = second.changes["units"]
    assert [u["name"] for u in units] == ["东湖第一中学"]
    assert Decimal(units[0]["old_total"]) == Decimal("9.5") and Decimal(units[0]["new_total"]) == Decimal("8")
    assert [(Decimal(i["old"]), Decimal(i["new"])) for i in units[0]["items"]] == [(Decimal("2.5"), Decimal("1"))]
    assert units[0]["old_rank"] == 1 and units[0]["new_rank"] == 2


def test_a_version_identical_to_the_last_one_is_refused(on_notice, organizer):
    _publish(on_notice, organizer)
    with pytest.raises(services.PublicationError, match="完全相同"):
        _publish(on_notice, organizer, reason="再发一次")
    assert PublishedVersion.objects.filter(campaign=on_notice).count() == 1


def test_publishing_outside_the_notice_phase_or_with_a_backwards_window_is_refused(on_notice, organizer):
    with pytest.raises(services.PublicationError, match="结束日期不能早于开始日期"):
        _publish(on_notice, organizer, window=(TODAY, TODAY - datetime.timedelta(days=1)))
    Campaign.objects.filter(pk=on_notice.pk).update(phase=Phase.SCORING)
    with pytest.raises(services.PublicationError, match="结果公示"):
        _publish(on_notice, organizer)
    assert not PublishedVersion.objects.exists()


def test_an_archived_campaign_cannot_publish(on_notice, organizer):
    Campaign.objects.filter(pk=on_notice.pk).update(phase=Phase.ARCHIVED)
    with pytest.raises(services.PublicationError, match="已归档"):
        _publish(on_notice, organizer)


def test_results_become_final_only_after_the_notice_window_and_then_lock_the_version(on_notice, organizer):
    def to_final() -> None:
        campaigns.campaign_set_phase(campaign=on_notice, expected=Phase.NOTICE, target=Phase.FINAL, actor=organizer)

    with pytest.raises(campaigns.CampaignError, match="还没有发布公示"):
        to_final()
    _publish(on_notice, organizer)
    with pytest.raises(campaigns.CampaignError, match="公示期满后"):
        to_final()
    Campaign.objects.filter(pk=on_notice.pk).update(phase=Phase.NOTICE)
    PublishedVersion.objects.update(notice_start=PAST[0], notice_end=PAST[1])
    to_final()
    version = PublishedVersion.objects.get()
    assert version.final_at is not None
    with pytest.raises(services.PublicationError, match="结果已确定"):
        _publish(on_notice, organizer, reason="更正")
    campaigns.campaign_set_phase(
        campaign=on_notice, expected=Phase.FINAL, target=Phase.NOTICE, actor=organizer, reason="复核发现错误"
    )
    assert PublishedVersion.objects.get().final_at is None
    actions = set(AuditEvent.objects.filter(object_type="publication").values_list("action", flat=True))
    assert {"publication.publish", "publication.final", "publication.unfinal"} <= actions


def test_a_row_changed_behind_the_applications_back_fails_the_recheck(on_notice, organizer):
    version = _publish(on_notice, organizer)
    row = PublishedUnit.objects.filter(version=version).first()
    assert row is not None
    data = row.data
    data[4] = "99"
    PublishedUnit.objects.filter(pk=row.pk).update(data=data)
    assert not services.recheck(version)


def test_a_digest_that_is_short_or_not_hex_finds_nothing(on_notice, organizer):
    version = _publish(on_notice, organizer)
    assert services.find_by_digest(version.digest[:40]) is None
    assert services.find_by_digest("z" * 64) is None


def test_the_public_switch_is_audited(on_notice, organizer):
    version = _publish(on_notice, organizer)
    services.set_public(version=version, public=True, actor=organizer)
    assert PublishedVersion.objects.get().public
    assert AuditEvent.objects.filter(action="publication.public").count() == 1
