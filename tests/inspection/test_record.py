from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.assessments.conftest import PDF_BYTES

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Phase
from kaoping.evidence.uploads import UploadRejected
from kaoping.inspection import selectors, services
from kaoping.inspection.models import Assignment, Group
from kaoping.rectification.models import Problem, Source

from .conftest import png_bytes

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def groups(open_campaign: Any, organizer: Any, reviewer: Any, inspectors: Any) -> tuple[Group, Group]:
    """第一组 (组长 李督学, 组员 甲) visits school A; 第二组 (组长 乙) visits school B."""

    def make(name: str, leader: Any, *members: Any) -> Group:
        return services.save_group(
            campaign=open_campaign, actor=organizer, data=services.GroupInput(name=name, leader=leader, members=members)
        )

    return make("第一组", reviewer, inspectors["insp1"]), make("第二组", inspectors["insp2"])


@pytest.fixture
def visit_a(groups: Any, unit_a: Any, organizer: Any) -> Assignment:
    assignment = services.assign(unit=unit_a, actor=organizer, group=groups[0])
    assert assignment is not None
    return assignment


@pytest.fixture
def visit_b(groups: Any, unit_b: Any, organizer: Any) -> Assignment:
    assignment = services.assign(unit=unit_b, actor=organizer, group=groups[1])
    assert assignment is not None
    return assignment


def _fill(assignment: Assignment, actor: Any, verdict: str = "meets") -> Assignment:
    labels = services.checklist_for(assignment)
    return services.save_record(
        assignment=assignment,
        actor=actor,
        visited_on=TODAY,
        checks=[services.CheckInput(verdict=verdict, note="台账齐全") for _ in labels],
        comment="党建工作扎实,台账规范",
    )


def test_the_checklist_is_the_schemes_first_level_indicators_or_the_organizers_list(visit_a, organizer):
    labels = services.checklist_for(visit_a)
    assert labels and all(" " in label for label in labels)
    services.save_checklist(campaign=visit_a.campaign, actor=organizer, text="组织建设\n\n阵地建设\n")
    assert services.checklist_for(visit_a) == ["组织建设", "阵地建设"]
    assert AuditEvent.objects.filter(action="inspection.checklist").exists()


def test_schedule_and_overdue_by_group(visit_a, visit_b, groups, organizer, inspectors, reviewer):
    assert selectors.status(visit_a) == selectors.UNSCHEDULED
    services.schedule(assignment=visit_a, actor=reviewer, planned_on=TODAY + datetime.timedelta(days=3))  # the leader
    services.schedule(assignment=visit_b, actor=organizer, planned_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(services.InspectionError, match="组长"):
        services.schedule(assignment=visit_b, actor=inspectors["insp1"], planned_on=TODAY)
    visit_a.refresh_from_db()
    visit_b.refresh_from_db()
    assert selectors.status(visit_a) == selectors.SCHEDULED
    assert selectors.status(visit_b) == selectors.OVERDUE
    board = {p.group.name: p for p in selectors.board(list(groups))}
    assert (board["第一组"].scheduled, board["第一组"].overdue) == (1, 0)
    assert (board["第二组"].scheduled, board["第二组"].overdue) == (0, 1)
    # a submitted record is 已检查 even though its date passed
    _fill(visit_b, inspectors["insp2"])
    services.submit(assignment=visit_b, actor=inspectors["insp2"])
    visit_b.refresh_from_db()
    assert selectors.status(visit_b) == selectors.VISITED
    assert AuditEvent.objects.filter(action="inspection.schedule").count() == 2


def test_a_member_records_a_visit_with_a_photo_and_a_finding_that_becomes_a_problem(visit_a, inspectors, reviewer):
    member = inspectors["insp1"]
    _fill(visit_a, member, verdict="mostly")
    photo = services.add_photo(
        assignment=visit_a, actor=member, upload=SimpleUploadedFile("现场.png", png_bytes()), original_name="现场.png"
    )
    assert photo.content_type == "image/png"
    with pytest.raises(UploadRejected):
        services.add_photo(assignment=visit_a, actor=member, upload=b"<script>x</script>", original_name="a.png")
    finding = services.add_finding(assignment=visit_a, actor=member, text="党员活动室制度未上墙")
    problem = services.finding_to_problem(finding=finding, actor=reviewer)
    assert problem.source == Source.INSPECTION and problem.description == "党员活动室制度未上墙"
    assert "第一组督查检查" in problem.source_note
    finding.refresh_from_db()
    assert finding.problem == problem
    with pytest.raises(services.InspectionError, match="已登记"):
        services.finding_to_problem(finding=finding, actor=reviewer)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "inspection.record.save",
        "inspection.photo",
        "inspection.finding",
        "inspection.finding.problem",
        "problem.create",
    } <= actions


def test_only_the_leader_submits_then_read_only_until_the_organizer_reopens(visit_a, inspectors, reviewer, organizer):
    member = inspectors["insp1"]
    with pytest.raises(services.InspectionError, match="检查日期、每个检查项目的结论、点评"):
        services.submit(assignment=visit_a, actor=reviewer)
    _fill(visit_a, member)
    with pytest.raises(services.InspectionError, match="组长"):
        services.submit(assignment=visit_a, actor=member)
    services.submit(assignment=visit_a, actor=reviewer)
    with pytest.raises(services.InspectionError, match="已提交"):
        _fill(visit_a, member, verdict="fails")
    with pytest.raises(services.InspectionError, match="已提交"):
        services.add_finding(assignment=visit_a, actor=member, text="x")
    with pytest.raises(services.InspectionError, match="退回原因"):
        services.reopen(assignment=visit_a, actor=organizer, reason=" ")
    with pytest.raises(services.InspectionError, match="只有组织者"):
        services.reopen(assignment=visit_a, actor=reviewer, reason="补充照片")
    services.reopen(assignment=visit_a, actor=organizer, reason="补充照片")
    _fill(visit_a, member, verdict="fails")
    event = AuditEvent.objects.filter(action="inspection.record.reopen").get()
    assert event.reason == "补充照片"


def test_a_member_of_group_a_cannot_write_group_bs_record(visit_a, visit_b, inspectors, client_for):
    member_a = inspectors["insp1"]
    with pytest.raises(services.InspectionError, match="第二组的成员"):
        _fill(visit_b, member_a)
    client = client_for(member_a)
    campaign = visit_b.campaign_id
    assert client.get(reverse("inspection:record", args=[campaign, visit_b.unit_id])).status_code == 404
    assert (
        client.post(reverse("inspection:record", args=[campaign, visit_b.unit_id]), {"comment": "x"}).status_code == 404
    )
    assert (
        client.post(reverse("inspection:finding", args=[campaign, visit_b.unit_id]), {"text": "x"}).status_code == 404
    )
    assert client.get(reverse("inspection:record", args=[campaign, visit_a.unit_id])).status_code == 200
    overview = client.get(reverse("inspection:overview", args=[campaign])).content.decode()
    assert "东湖第一中学" in overview and "西湖第二中学" not in overview


def test_reporters_see_only_their_own_units_record_once_submitted(visit_a, visit_b, reviewer, reporter_a, client_for):
    client = client_for(reporter_a)
    own = reverse("inspection:record", args=[visit_a.campaign_id, visit_a.unit_id])
    other = reverse("inspection:record", args=[visit_b.campaign_id, visit_b.unit_id])
    assert client.get(own).status_code == 404  # not yet submitted
    _fill(visit_a, reviewer)
    services.submit(assignment=visit_a, actor=reviewer)
    page = client.get(own)
    assert page.status_code == 200 and "党建工作扎实" in page.content.decode()
    assert client.get(other).status_code == 404
    assert client.get(reverse("inspection:overview", args=[visit_a.campaign_id])).status_code == 404


def test_the_pages_work_end_to_end(visit_a, organizer, reviewer, inspectors, client_for):
    campaign = visit_a.campaign
    boss = client_for(organizer)
    page = boss.get(reverse("inspection:overview", args=[campaign.pk]))
    assert page.status_code == 200 and "第一组" in page.content.decode()
    new = boss.post(
        reverse("inspection:group_new", args=[campaign.pk]),
        {"name": "第三组", "leader": inspectors["insp3"].pk, "members": [inspectors["insp4"].pk]},
    )
    assert new.status_code == 302 and Group.objects.filter(name="第三组").exists()
    drawn = boss.post(reverse("inspection:draw", args=[campaign.pk]), follow=True)
    assert "抽签完成" in drawn.content.decode()
    assignment = Assignment.objects.get(unit=visit_a.unit)
    leader = assignment.group.leader
    member_client = client_for(leader)
    url = reverse("inspection:record", args=[campaign.pk, assignment.unit_id])
    labels = services.checklist_for(assignment)
    data = {"visited_on": TODAY.isoformat(), "comment": "很好"}
    data.update({f"verdict-{i}": "meets" for i in range(len(labels))})
    assert member_client.post(url, data).status_code == 302
    member_client.post(reverse("inspection:finding", args=[campaign.pk, assignment.unit_id]), {"text": "制度未上墙"})
    upload = SimpleUploadedFile("现场.pdf", PDF_BYTES, content_type="application/pdf")
    member_client.post(reverse("inspection:photo", args=[campaign.pk, assignment.unit_id]), {"photo": upload})
    photo = assignment.photos.get()
    assert (
        member_client.get(
            reverse("inspection:photo_file", args=[campaign.pk, assignment.unit_id, photo.pk])
        ).status_code
        == 200
    )
    to_problem = boss.post(reverse("inspection:finding_problem", args=[campaign.pk, assignment.unit_id, 1]))
    assert to_problem.status_code == 302 and Problem.objects.filter(source=Source.INSPECTION).exists()
    assert member_client.post(reverse("inspection:submit", args=[campaign.pk, assignment.unit_id])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted


def test_an_archived_campaign_refuses_every_write(visit_a, organizer, reviewer):
    campaign = visit_a.campaign
    campaign.phase = Phase.ARCHIVED
    campaign.save()
    with pytest.raises(services.InspectionError, match="已归档"):
        services.draw(campaign=campaign, actor=organizer)
    with pytest.raises(services.InspectionError, match="已归档"):
        _fill(visit_a, reviewer)


def test_the_audit_log_reads_in_chinese(visit_a, inspectors, reviewer, organizer):
    from kaoping.web.audit_describe import describe

    _fill(visit_a, inspectors["insp1"])
    services.submit(assignment=visit_a, actor=reviewer)
    services.reopen(assignment=visit_a, actor=organizer, reason="补充照片")
    events = list(AuditEvent.objects.filter(action__startswith="inspection.").order_by("pk"))
    lines = describe(events)
    actions = [line.action for line in lines]
    assert "其他操作" not in actions
    assert {"新建督查组", "人工分配督查单位", "填写督查检查记录", "提交督查检查记录", "退回督查检查记录"} <= set(
        actions
    )
    record = next(line for line in lines if line.action == "填写督查检查记录")
    assert record.target == "东湖第一中学 督查检查" and "点评:是" in record.change
    group = next(line for line in lines if line.action == "新建督查组")
    assert group.target == "第 1 督查组" and "组长:李督学" in group.change
