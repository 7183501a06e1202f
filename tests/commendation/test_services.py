"""Drawing up, deciding, approving and publishing a list, on a campaign taken to 结果确定 through
the real steps, and the refusal before that."""

from __future__ import annotations

import dataclasses

import pytest

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign, Phase
from kaoping.commendation import services
from kaoping.commendation.models import CommendationList, EntryStatus, ListState
from kaoping.engine import codec
from kaoping.engine.results import Flag, FlagCode
from kaoping.publication.models import PublishedUnit
from kaoping.web.audit_describe import describe

pytestmark = pytest.mark.django_db


def _top(n: int, title: str = "2024年度考核优秀单位") -> services.ListInput:
    return services.ListInput(title=title, basis="top_n", categories=["county", "school"], top_n=n)


def _statuses(commendation: CommendationList) -> dict[str, str]:
    return dict(commendation.entries.values_list("name", "status"))


def test_before_final_the_draft_waits_and_drawing_or_approving_is_refused_with_the_reason(on_notice, organizer):
    made = services.create(campaign=on_notice, actor=organizer, data=_top(1))
    assert made.state == ListState.DRAFT and made.drawn_at is None
    assert not made.entries.exists()
    with pytest.raises(services.CommendationError, match=r"考核结果尚未确定.*结果公示.*还没有发布公示"):
        services.draw(commendation=made, actor=organizer)
    with pytest.raises(services.CommendationError, match="考核结果尚未确定"):
        services.approve(commendation=made, actor=organizer)


def test_a_tie_on_the_boundary_is_flagged_and_the_organizer_decides_with_a_reason(final, organizer, unit_b):
    made = services.create(campaign=final, actor=organizer, data=_top(1))
    assert made.drawn_at is not None and made.source is not None
    names = _statuses(made)
    assert set(names.values()) == {EntryStatus.TIED}  # both schools at 9.5, rank 1: never cut silently
    assert len(names) == 2
    assert made.missing == {"county": 2, "school": 0}  # no total: never listed, counted
    with pytest.raises(services.CommendationError, match="2 个单位名次并列待定"):
        services.approve(commendation=made, actor=organizer)
    with pytest.raises(services.CommendationError, match="请填写理由"):
        services.decide(commendation=made, unit=unit_b, actor=organizer, include=False, reason=" ")
    services.decide(commendation=made, unit=unit_b, actor=organizer, include=False, reason="年内发生安全事故")
    entries = {e.unit_id: e for e in made.entries.all()}
    assert entries[unit_b.pk].status == EntryStatus.BY_HAND and entries[unit_b.pk].reason == "年内发生安全事故"
    listed = [e for e in entries.values() if e.status == EntryStatus.LISTED]
    assert len(listed) == 1 and listed[0].total_text == "9.50" and listed[0].grade == "优秀"

    services.approve(commendation=made, actor=organizer)
    made.refresh_from_db()
    assert made.state == ListState.APPROVED and made.approved_by == organizer and made.approved_at is not None
    with pytest.raises(services.CommendationError, match="已审批"):
        services.decide(commendation=made, unit=unit_b, actor=organizer, include=True, reason="撤销")
    services.publish(commendation=made, actor=organizer)
    assert CommendationList.objects.get().state == ListState.PUBLISHED

    events = AuditEvent.objects.filter(object_type="commendation").order_by("seq")
    lines = describe(list(events))
    assert [line.action for line in lines] == [
        "拟定表彰名单",
        "表彰名单手工排除单位",
        "审批表彰名单",
        "发布表彰名单",
    ]
    assert lines[0].target == "第 1 份表彰名单"
    assert "学校B" in lines[1].change or unit_b.organization.name in lines[1].change
    assert lines[1].reason == "年内发生安全事故"
    assert "已审批" in lines[2].change and "草稿" in lines[2].change
    assert "已发布" in lines[3].change


def test_including_every_tied_unit_is_a_decision_too(final, organizer, unit_a, unit_b):
    made = services.create(campaign=final, actor=organizer, data=_top(1))
    for unit in (unit_a, unit_b):
        services.decide(commendation=made, unit=unit, actor=organizer, include=True, reason="并列,均列入")
    assert set(_statuses(made).values()) == {EntryStatus.LISTED}
    services.approve(commendation=made, actor=organizer)


def test_a_flag_of_the_stored_result_excludes_the_unit_with_its_words(final, organizer, unit_a):
    row = PublishedUnit.objects.get(unit=unit_a)
    result = codec.decode_unit(row.head)
    flagged = dataclasses.replace(result, flags=(Flag(FlagCode.NOT_EXCELLENT, "不得评优:受到通报批评"),))
    PublishedUnit.objects.filter(pk=row.pk).update(head=codec.encode_head(flagged))
    made = services.create(
        campaign=final,
        actor=organizer,
        data=services.ListInput(title="优秀单位", basis="grade", categories=["school"], grade="优秀"),
    )
    entries = {e.unit_id: e for e in made.entries.all()}
    assert entries[unit_a.pk].status == EntryStatus.FLAGGED
    assert entries[unit_a.pk].reason == "不得评优:受到通报批评"
    with pytest.raises(services.CommendationError, match="不得评优"):
        services.decide(commendation=made, unit=unit_a, actor=organizer, include=True, reason="仍然列入")
    assert [e.status for e in entries.values() if e.unit_id != unit_a.pk] == [EntryStatus.LISTED]


def test_the_basis_is_checked_against_the_scheme(final, organizer):
    bad = [
        (services.ListInput(title="", basis="top_n", categories=["school"], top_n=1), "请填写名单标题"),
        (services.ListInput(title="x", basis="top_n", categories=[], top_n=1), "至少一个考核类别"),
        (services.ListInput(title="x", basis="top_n", categories=["school"]), "名额"),
        (services.ListInput(title="x", basis="grade", categories=["school"], grade="特等"), "方案的等次"),
        (services.ListInput(title="x", basis="stars", categories=["school"], star_tier="五星级"), "没有设置星级"),
    ]
    for data, message in bad:
        with pytest.raises(services.CommendationError, match=message):
            services.create(campaign=final, actor=organizer, data=data)
    per = services.ListInput(title="x", basis="top_n", categories=["school"], per_category={"school": 2})
    made = services.create(campaign=final, actor=organizer, data=per)
    assert set(_statuses(made).values()) == {EntryStatus.LISTED}
    assert services.describe_basis(made) == "学校前 2 名"


def test_only_organizers_draw_up_and_an_archived_campaign_is_read_only(final, organizer, reporter_a, leader):
    for person in (reporter_a, leader):
        with pytest.raises(services.CommendationError, match="只有组织者或管理员"):
            services.create(campaign=final, actor=person, data=_top(1))
    made = services.create(campaign=final, actor=organizer, data=_top(2))
    Campaign.objects.filter(pk=final.pk).update(phase=Phase.ARCHIVED)
    final.refresh_from_db()
    with pytest.raises(services.CommendationError, match="已归档"):
        services.create(campaign=final, actor=organizer, data=_top(1))
    with pytest.raises(services.CommendationError, match="已归档"):
        services.approve(commendation=made, actor=organizer)
