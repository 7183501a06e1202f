"""Seed 002's selection: ten "育人成才先锋党员" from 14 nominations by party organisations (组织推荐)
and individuals (个人自荐), reviewed (one refused for 教龄), voted by 30 voters with "choose at most
10", a tie at the 10th place decided by a recorded runoff, and the 公示. Everything goes through the
services, so it is audited like any other write. Idempotent: a campaign with a selection is left."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from kaoping.campaigns.models import Campaign, CampaignUnit
from kaoping.orgs.models import User
from kaoping.ratings import tokens
from kaoping.selection import rules, services, votes
from kaoping.selection.models import Kind, Selection

TITLE = "育人成才先锋党员评选"

# name, kind, party member, teaching years, statement
NOMINEES = (
    ("林晓红", Kind.RECOMMEND, True, 18, "扎根农村学校十八年,所带班级连续五年获评先进班集体。"),
    ("陈国华", Kind.RECOMMEND, True, 22, "党员示范岗负责人,组织“三联系”帮扶学困生 26 名。"),
    ("王丽娟", Kind.SELF, True, 12, "开展课堂教学研究,牵头制订后 30% 学生提质措施。"),
    ("张建平", Kind.RECOMMEND, True, 25, "带头家访 120 余户,推动家校共育。"),
    ("李春梅", Kind.RECOMMEND, True, 15, "指导青年教师 8 名,其中 3 人获市级优质课一等奖。"),
    ("赵文斌", Kind.SELF, True, 9, "主持平安校园创建,全年组织安全演练 12 次。"),
    ("周海燕", Kind.RECOMMEND, True, 20, "结对帮扶农村薄弱学校,送教下乡 40 余次。"),
    ("吴志强", Kind.RECOMMEND, True, 16, "落实“四精四必”,所教学科质量连续三年全市前列。"),
    ("郑秀兰", Kind.SELF, True, 11, "创设党员责任区,带领年级组减负提质。"),
    ("孙立新", Kind.RECOMMEND, True, 19, "党务干部培训班骨干讲师,党建宣传阵地建设成效明显。"),
    ("何美玲", Kind.SELF, True, 7, "关爱留守儿童,建立成长档案 60 份。"),
    ("杨光明", Kind.RECOMMEND, True, 23, "牵头教育调研,形成调研报告 3 篇。"),
    ("徐静", Kind.SELF, True, 13, "岗位创新,完善集体备课机制。"),
    ("马俊", Kind.SELF, True, 3, "参加工作三年,积极参与党员服务日活动。"),  # refused: 教龄不足 5 年
)
# approval counts of the 13 admitted, in the order above: 10th and 11th place tie at 18
COUNTS = (28, 27, 26, 25, 24, 23, 22, 21, 20, 18, 18, 12, 9)
VOTERS = 30


def load_example(campaign: Campaign, *, organizer: str) -> bool:
    if Selection.objects.filter(campaign=campaign).exists():
        return False
    actor = User.objects.filter(username=organizer).first()
    units = list(CampaignUnit.objects.filter(campaign=campaign).select_related("organization").order_by("pk"))
    if actor is None or not units:
        return False
    today = timezone.localdate()
    selection = services.selection_create(
        campaign=campaign,
        actor=actor,
        fields=services.SelectionFields(
            title=TITLE,
            quota=10,
            eligible_text="全市教育系统在职党员教师",
            nomination_start=today - datetime.timedelta(days=14),
            nomination_end=today,
            rules=rules.build(party_member=True, min_years=5, no_discipline=True),
        ),
    )
    nominations = []
    for index, (name, kind, party, years, statement) in enumerate(NOMINEES):
        fields = services.NominationFields(
            nominee_name=name,
            organization=units[index % len(units)].organization,
            kind=kind,
            statement=statement,
            party_member=party,
            teaching_years=years,
        )
        by = _self_nominee(index, name) if kind == Kind.SELF else actor
        nominations.append(services.nominate(selection=selection, fields=fields, actor=by))
    for nomination in nominations:
        failed = rules.failures(selection.rules, nomination)
        services.review(
            nomination=nomination,
            admit=not failed,
            reason=";".join(failed) if failed else "材料齐全,符合推荐条件",
            actor=actor,
        )
    services.voters_issue(selection=selection, labels=[f"投票人{i + 1:02d}" for i in range(VOTERS)], actor=actor)
    services.vote_open(selection=selection, actor=actor)
    _cast(selection, [n.number for n in nominations[: len(COUNTS)]])
    services.vote_close(selection=selection, actor=actor)
    selection.refresh_from_db()
    outcome = services.result(selection)
    if outcome is not None and outcome.tie:
        tied = [row.nomination.number for row in outcome.rows if row.tied]
        services.tie_resolve(
            selection=selection,
            chosen=tied[: outcome.tied_places],
            reason="第 10 名并列,经评选委员会加试投票(7 比 4)确定",
            actor=actor,
        )
    services.publish(selection=selection, actor=actor)
    return True


def _self_nominee(index: int, name: str) -> User:
    """A 自荐 is made by the nominee: a person without a password or a role (the demo's only)."""
    user = User.objects.filter(username=f"selection-nominee-{index + 1}").first()
    if user is None:
        user = User(username=f"selection-nominee-{index + 1}", display_name=name)
        user.set_unusable_password()
        user.save()
    return user


def _cast(selection: Selection, numbers: list[int]) -> None:
    """Ballots that give each admitted nominee the count in ``COUNTS``, none choosing more than 10."""
    sheets: list[list[int]] = [[] for _voter in range(VOTERS)]
    for number, wanted in zip(numbers, COUNTS, strict=True):
        order = sorted(range(VOTERS), key=lambda i: (len(sheets[i]), i))
        for voter in order[:wanted]:
            sheets[voter].append(number)
    entries = services.slip_entries(selection)
    for entry, sheet in zip(entries, sheets, strict=True):
        if not sheet:
            continue
        signed = services.voter_exchange(token=entry["token"])
        cookie = votes.VoterCookie(signed.voter.pk, signed.sheet, str(selection.public_id))
        votes.ballot_submit(cookie=cookie, choices=sheet, idem_key=str(uuid.uuid4()), receipt=tokens.new_token())
