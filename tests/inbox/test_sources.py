"""Each wired source sends its reminder: phase opening, deadlines (fake clock), returns, assignments, objections."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.assessments.test_department_map import _renamed_scheme

from kaoping.assessments import services as assessments
from kaoping.assessments.department_map import mapping_save
from kaoping.campaigns import services as campaigns
from kaoping.campaigns.models import Campaign, Phase, PhaseDeadline
from kaoping.inbox import scanners
from kaoping.inbox.models import Kind, Message
from kaoping.inbox.tasks import scan_reminders
from kaoping.orgs import services as orgs
from kaoping.orgs.models import Role, User
from kaoping.publication import objections
from kaoping.publication import services as publication
from kaoping.publication.models import PublishedVersion

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def _messages(user: Any) -> list[Message]:
    return list(Message.objects.filter(recipient=user).order_by("pk"))


def test_a_phase_opening_tells_each_units_reporters_with_a_link_to_their_unit(
    campaign, organizer, reporter_a, reviewer
):
    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    [message] = _messages(reporter_a)
    assert message.kind == Kind.PHASE
    assert message.subject == "「2024年度学校考核」进入“单位自评”阶段(东湖第一中学)"
    assert message.link.startswith(f"/assess/{campaign.pk}/unit/")
    assert _messages(reviewer) == []  # reviewers hear when 审核评分 opens
    campaign.refresh_from_db()
    campaigns.campaign_set_phase(
        campaign=campaign, expected=Phase.SELF_ASSESSMENT, target=Phase.REVIEW, actor=organizer
    )
    [review] = _messages(reviewer)
    assert review.subject == "「2024年度学校考核」进入“审核评分”阶段" and review.link == f"/campaigns/{campaign.pk}/"
    # stepping back and forward again does not repeat the reminder
    campaigns.campaign_set_phase(
        campaign=campaign, expected=Phase.REVIEW, target=Phase.SELF_ASSESSMENT, actor=organizer, reason="补材料"
    )
    campaigns.campaign_set_phase(
        campaign=campaign, expected=Phase.SELF_ASSESSMENT, target=Phase.REVIEW, actor=organizer
    )
    assert len(_messages(reviewer)) == 1 and len(_messages(reporter_a)) == 1


def _deadline_campaign(campaign: Campaign, organizer: Any) -> datetime.datetime:
    deadline = datetime.datetime(2026, 3, 20, 17, 0, tzinfo=TZ)
    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.SELF_ASSESSMENT, deadline=deadline)
    Message.objects.all().delete()
    return deadline


def test_deadline_reminders_3_days_and_1_day_before_each_sent_once(campaign, organizer, reporter_a, reporter_b):
    deadline = _deadline_campaign(campaign, organizer)
    day = datetime.timedelta(days=1)
    assert scanners.scan(deadline - 4 * day).sent == 0
    first = scanners.scan(deadline - 3 * day + datetime.timedelta(hours=1))
    assert first.sent == 3  # the reporters of school A, school B and county A (county B has none)
    [three] = _messages(reporter_a)
    assert three.kind == Kind.DEADLINE
    assert three.subject == "「2024年度学校考核」“单位自评”将于 2026-03-20 17:00 截止(东湖第一中学)"
    assert "还有 2 天" in three.body
    assert scanners.scan(deadline - 2 * day).sent == 0  # the same 3-day reminder: sent once
    assert scanners.scan(deadline - day + datetime.timedelta(minutes=5)).sent == 3
    [_, one] = _messages(reporter_a)
    assert "已不足 1 天" in one.body
    assert scanners.scan(deadline - datetime.timedelta(hours=2)).sent == 0
    assert scanners.scan(deadline + datetime.timedelta(hours=2)).sent == 0  # past: nothing more
    assert len(_messages(reporter_a)) == 2 and len(_messages(reporter_b)) == 2


def test_a_first_scan_one_day_before_sends_only_the_one_day_reminder(campaign, organizer, reporter_a):
    deadline = _deadline_campaign(campaign, organizer)
    scanners.scan(deadline - datetime.timedelta(hours=20))
    assert [m.key.split(":")[4] for m in _messages(reporter_a)] == ["1d"]


def test_the_days_are_configurable(campaign, organizer, reporter_a, settings):
    settings.INBOX_DEADLINE_DAYS = (7,)
    deadline = _deadline_campaign(campaign, organizer)
    assert scanners.scan(deadline - datetime.timedelta(days=6)).sent == 3
    assert scanners.scan(deadline - datetime.timedelta(hours=20)).sent == 0


def test_deadlines_of_other_phases_and_archived_campaigns_are_not_reminded(campaign, organizer, reporter_a):
    deadline = _deadline_campaign(campaign, organizer)
    PhaseDeadline.objects.filter(campaign=campaign).update(phase=Phase.REVIEW)
    assert scanners.scan(deadline - datetime.timedelta(hours=20)).sent == 0


def test_the_command_and_the_task_run_the_scan_with_a_given_time(campaign, organizer, reporter_a):
    deadline = _deadline_campaign(campaign, organizer)
    out = StringIO()
    call_command("send_reminders", "--now", (deadline - datetime.timedelta(days=2)).isoformat(), stdout=out)
    assert "新发送 3 条消息" in out.getvalue()
    result = scan_reminders.enqueue((deadline - datetime.timedelta(hours=3)).isoformat())
    assert result.return_value == {"sent": 3, "reminders": 4}
    out = StringIO()
    call_command("send_reminders", "--now", (deadline - datetime.timedelta(hours=2)).isoformat(), stdout=out)
    assert "新发送 0 条消息" in out.getvalue()


def test_a_return_tells_the_units_reporters_the_reason(submitted_a, reviewer, reporter_a):
    assessments.submission_return(unit=submitted_a, actor=reviewer, reason="佐证材料不全,请补充会议纪要")
    [message] = [m for m in _messages(reporter_a) if m.kind == Kind.RETURNED]
    assert message.subject == "「2024年度学校考核」东湖第一中学的自评被退回修改"
    assert message.body.endswith("退回原因:佐证材料不全,请补充会议纪要")
    assert message.link == f"/assess/{submitted_a.campaign_id}/unit/{submitted_a.pk}/"


def test_a_department_mapping_tells_the_departments_scorers(open_campaign, dept_x, scorer_x, scorer_y, organizer):
    campaign = _renamed_scheme(open_campaign)
    mapping_save(campaign=campaign, choices={"基教科": dept_x}, actor=organizer)
    [message] = _messages(scorer_x)
    assert message.kind == Kind.ASSIGNMENT
    assert message.subject == "「2024年度学校考核」“基教科”的指标已分派给基础教育处"
    assert "2 项指标" in message.body
    assert _messages(scorer_y) == []


def test_a_new_reviewer_or_scorer_role_is_an_assignment(cast, organizer):
    person = User.objects.create(username="new_reviewer", display_name="新督学")
    orgs.membership_assign(user=person, organization=cast.county_b, role=Role.REVIEWER, actor=organizer)
    [message] = _messages(person)
    assert message.subject == "您已被分派为“督学/复核人”(西湖区教育局)"
    reporter = User.objects.create(username="new_reporter", display_name="新填报")
    orgs.membership_assign(user=reporter, organization=cast.school_b, role=Role.REPORTER, actor=organizer)
    assert _messages(reporter) == []


@pytest.fixture
def published(on_notice: Any, organizer: Any) -> PublishedVersion:
    today = timezone.localdate()
    return publication.publish(
        campaign=on_notice, actor=organizer, notice_start=today, notice_end=today + datetime.timedelta(days=6)
    )


def test_objections_filed_assigned_answered_and_overdue(published, unit_a, reporter_a, organizer, admin_user, reviewer):
    Message.objects.all().delete()
    objection = objections.file(unit=unit_a, actor=reporter_a, item_id="1.2", reasons="已补交德育活动记录")
    [filed] = _messages(organizer)
    assert filed.kind == Kind.OBJECTION
    assert filed.subject.startswith("东湖第一中学对「2024年度学校考核」的“") and "提出异议" in filed.subject
    assert filed.link == f"/publication/{unit_a.campaign_id}/unit/{unit_a.pk}/objections/1/"
    assert len(_messages(admin_user)) == 1
    # overdue while unassigned: the organizers; the scan is idempotent
    later = datetime.datetime.combine(objection.due_on + datetime.timedelta(days=1), datetime.time(9), tzinfo=TZ)
    assert scanners.scan(later).sent == 2
    assert scanners.scan(later + datetime.timedelta(hours=5)).sent == 0
    assert [m.kind for m in _messages(organizer)] == [Kind.OBJECTION, Kind.OVERDUE]
    objections.assign(objection=objection, assignee=reviewer, actor=organizer)
    [assigned] = _messages(reviewer)
    assert assigned.subject.startswith("请答复东湖第一中学关于“")
    objections.answer(objection=objection, actor=reviewer, accepted=False, text="经复核,计算无误")
    answered = [m for m in _messages(reporter_a) if m.kind == Kind.OBJECTION]
    assert len(answered) == 1 and answered[0].subject.endswith("的异议已答复:异议不成立")


def test_a_failing_scanner_does_not_stop_the_others(campaign, organizer, reporter_a):
    deadline = _deadline_campaign(campaign, organizer)

    def broken(now: datetime.datetime) -> Any:
        raise RuntimeError("boom")

    scanners.provide("zz_broken", broken)
    try:
        result = scanners.scan(deadline - datetime.timedelta(hours=5))
    finally:
        scanners._SCANNERS.pop("zz_broken")
    assert result.failed == ("zz_broken",) and result.sent == 3
    assert set(scanners.registered()) >= {"phase_deadlines", "objections_overdue"}


def test_a_unit_that_has_submitted_is_not_reminded_of_the_self_assessment_deadline(
    campaign, organizer, reporter_a, reporter_b
):
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments.selectors import scheme_for

    campaigns.campaign_set_phase(campaign=campaign, expected=Phase.DRAFT, target=Phase.SELF_ASSESSMENT, actor=organizer)
    unit_a = campaign.participants.get(organization__code="nc-dh-1")
    fill_unit(unit_a, reporter_a)
    assessments.submission_submit(unit=unit_a, actor=reporter_a, scheme=scheme_for(unit_a.campaign))
    deadline = datetime.datetime(2026, 3, 20, 17, 0, tzinfo=TZ)
    PhaseDeadline.objects.create(campaign=campaign, phase=Phase.SELF_ASSESSMENT, deadline=deadline)
    Message.objects.all().delete()
    assert scanners.scan(deadline - datetime.timedelta(hours=20)).sent == 2  # school B and county A
    assert _messages(reporter_a) == [] and len(_messages(reporter_b)) == 1
