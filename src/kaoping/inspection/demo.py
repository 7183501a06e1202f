"""The demo's inspection (seed 002's 指导检查组, smaller): three groups of the city bureau's 督学 over
the demo campaign's schools, one declared recusal, a draw, planned dates (one overdue) and one
visit recorded and submitted with a finding (for the user to turn into a problem in one click).
Made through the services, so it is audited like any other write. Idempotent: a campaign with
groups already is left as it is."""

from __future__ import annotations

import datetime

from django.utils import timezone

from kaoping.assessments import services as assessments
from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.inspection import services
from kaoping.inspection.models import Assignment, Group
from kaoping.orgs.models import Membership, Role, User

INSPECTORS = (
    ("demo-inspector1", "钱督学"),
    ("demo-inspector2", "孙督学"),
    ("demo-inspector3", "周督学"),
    ("demo-inspector4", "吴督学"),
)


def _inspector(campaign: Campaign, username: str, display_name: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name)
        user.set_password(password)
        user.save()
    Membership.objects.get_or_create(user=user, organization=campaign.owner, role=Role.REVIEWER)
    return user


def load_examples(
    campaign: Campaign, *, organizer: str, leader: str, password: str, category: str = "school", recused_code: str = ""
) -> bool:
    """Groups led by ``leader`` (a reviewer of the bureau) and the demo inspectors; False when the
    campaign has groups already or a person is missing."""
    if Group.objects.filter(campaign=campaign).exists():
        return False
    boss = User.objects.filter(username=organizer).first()
    head = User.objects.filter(username=leader).first()
    if boss is None or head is None:
        return False
    people = [_inspector(campaign, name, display, password) for name, display in INSPECTORS]
    recused = CampaignUnit.objects.filter(campaign=campaign, organization__code=recused_code).first()
    if recused is not None:
        assessments.recusal_add(unit=recused, user=people[1], actor=boss, reason="曾在该校任教")
    for name, chief, members in (
        ("第一指导检查组", head, [people[0]]),
        ("第二指导检查组", people[1], [people[2]]),
        ("第三指导检查组", people[3], []),
    ):
        services.save_group(
            campaign=campaign, actor=boss, data=services.GroupInput(name=name, leader=chief, members=members)
        )
    services.draw(campaign=campaign, actor=boss, category=category)
    today = timezone.localdate()
    assignments = list(Assignment.objects.filter(campaign=campaign).select_related("group", "unit__organization"))
    for index, assignment in enumerate(sorted(assignments, key=lambda a: (a.group.number, a.unit.organization.name))):
        services.schedule(assignment=assignment, actor=boss, planned_on=today + datetime.timedelta(days=index - 2))
    visited = next((a for a in assignments if a.group.leader_id == head.pk), None)
    if visited is not None:
        labels = services.checklist_for(visited)
        verdicts = ["meets", "mostly", "meets", "fails"]
        services.save_record(
            assignment=visited,
            actor=head,
            visited_on=today,
            checks=[
                services.CheckInput(verdict=verdicts[i % len(verdicts)], note="查阅台账、现场察看")
                for i in range(len(labels))
            ],
            comment="党组织班子健全,创先争优活动有序开展;党员示范岗设置规范,党员教师“三联系”制度落实较好。",
        )
        # left for the demo's user to turn into a problem in one click
        services.add_finding(assignment=visited, actor=head, text="党员活动日记录不完整,缺少两次活动的签到表")
        services.submit(assignment=visited, actor=head)
    return True
