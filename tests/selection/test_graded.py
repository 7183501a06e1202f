"""评分(分组加权): rater groups with weights, a grade for every nominee, the engine's weighted score."""

from __future__ import annotations

import uuid
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kaoping.audit.models import AuditEvent
from kaoping.ratings import keys, tokens
from kaoping.selection import graded, services
from kaoping.selection.models import Ballot, Selection, Voter

from .conftest import cookie_for, grade, make_selection

ALL_A = {1: "优秀", 2: "良好", 3: "abstain"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写评议组及权重"),
        ("评委60、群众:40", "“评委60”格式不对,应写成“组名:权重”"),
        (":60、群众:40", "“:60”缺少组名"),
        ("评委:六十、群众:40", "“评委:六十”的权重不是数字"),
        ("评委:0、群众:100", "“评委:0”的权重应大于 0"),
        ("评委:33.333、群众:66.667", "“评委:33.333”的权重最多保留两位小数"),
        ("评委:60、评委:40", "评议组“评委”重复"),
        ("评委:60、党员代表:25、群众代表:10", "各组权重合计应为 100,现为 95"),
        ("评委:a:b", "“评委:a:b”格式不对"),
    ],
)
def test_group_text_errors_name_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(graded.GroupsInvalid) as invalid:
        graded.parse_groups(text)
    assert message in str(invalid.value)


def test_group_text_is_read() -> None:
    assert graded.parse_groups("评委:60、党员代表:25%\n群众代表:15") == [
        {"id": "g1", "name": "评委", "weight": "60"},
        {"id": "g2", "name": "党员代表", "weight": "25"},
        {"id": "g3", "name": "群众代表", "weight": "15"},
    ]


def test_create_refuses_bad_groups_and_audits_good_ones(campaign: Any, organizer: Any) -> None:
    with pytest.raises(services.SelectionError, match="各组权重合计应为 100,现为 90"):
        make_selection(campaign, organizer, method="graded", groups="评委:60、群众:30")
    selection = make_selection(campaign, organizer, method="graded", groups="评委:60、群众:40")
    assert selection.method == "graded" and [g["name"] for g in selection.rater_groups] == ["评委", "群众"]
    event = AuditEvent.objects.filter(action="selection.create").latest("pk")
    assert event.new["method"] == "评分(分组加权)" and event.new["rater_groups"] == "评委 60%、群众 40%"
    with pytest.raises(services.SelectionError, match="请选择投票人所在的评议组"):
        services.voters_issue(selection=selection, labels=["某人"], actor=organizer)
    services.voters_issue(selection=selection, labels=["某人"], actor=organizer, group="g2")
    assert Voter.objects.get(selection=selection).group == "g2"
    assert services.slip_entries(selection)[0]["group"] == "群众"


def test_every_nominee_must_be_graded(graded_voting: Selection) -> None:
    cookie = cookie_for(graded_voting, 0)
    with pytest.raises(services.SelectionError) as refused:
        grade(cookie, {1: "优秀", 2: "良好"})
    assert refused.value.status == 400
    assert refused.value.messages == ["请为每位候选人选择一项(可选“不了解”),尚未选择:丙"]
    with pytest.raises(services.SelectionError, match="评价等次不正确"):
        grade(cookie, {1: "优秀", 2: "良好", 3: "极好"})
    with pytest.raises(services.SelectionError, match="不在本次评选的候选人中"):
        grade(cookie, {**ALL_A, 9: "优秀"})
    assert not Ballot.objects.exists()
    assert grade(cookie, ALL_A).status == 201
    ballot = Ballot.objects.get()
    assert ballot.group == "g1" and ballot.grades == {"1": "优秀", "2": "良好", "3": None}


def test_revote_replaces_and_resend_is_idempotent(graded_voting: Selection) -> None:
    cookie = cookie_for(graded_voting, 2)
    key, receipt = str(uuid.uuid4()), tokens.new_token()
    assert grade(cookie, ALL_A, key, receipt).status == 201
    assert grade(cookie, ALL_A, key, receipt).status == 200
    with pytest.raises(services.SelectionError) as refused:
        grade(cookie, {**ALL_A, 1: "较差"}, key, receipt)
    assert refused.value.status == 422
    assert grade(cookie, {**ALL_A, 1: "较差"}).replaced
    assert Ballot.objects.count() == 1 and Ballot.objects.get().grades["1"] == "较差"


def _hand_case(selection: Selection) -> None:
    # 甲: 评委 100, 85 (mean 92.5); 群众 70, 50, 85 (mean 68.333…) → 92.5×0.6 + 68.333…×0.4 = 82.8333… → 82.83
    # 乙: 评委 85, 85; 群众 all 不了解 → the 评委 weight scaled up to 100% → 85.00
    # 丙: 不了解 on every ballot → no score (缺), never selected
    sheets = [
        {1: "优秀", 2: "良好", 3: "abstain"},
        {1: "良好", 2: "良好", 3: "abstain"},
        {1: "一般", 2: "abstain", 3: "abstain"},
        {1: "较差", 2: "abstain", 3: "abstain"},
        {1: "良好", 2: "abstain", 3: "abstain"},
    ]
    for index, sheet in enumerate(sheets):
        grade(cookie_for(selection, index), sheet)


def test_weighted_score_renormalisation_and_missing(graded_voting: Selection, organizer: Any) -> None:
    _hand_case(graded_voting)
    services.vote_close(selection=graded_voting, actor=organizer)
    graded_voting.refresh_from_db()
    outcome = services.result(graded_voting)
    assert outcome is not None and outcome.graded and outcome.ballots == 5
    rows = {row.nomination.nominee_name: row for row in outcome.rows}
    assert rows["甲"].score == Decimal("82.83") and rows["乙"].score == Decimal("85.00")
    assert rows["丙"].score is None and not rows["丙"].selected and rows["丙"].rank == 3
    assert [r.nomination.nominee_name for r in outcome.rows] == ["乙", "甲", "丙"]
    assert [r.nomination.nominee_name for r in outcome.selected] == ["乙"] and not outcome.tie
    assert "评委 2票 均分 92.50 × 60%" in rows["甲"].explanation
    assert "群众代表 3票 均分 68.33 × 40%" in rows["甲"].explanation
    assert "评委组“群众代表”没有有效票,其余评委组的权重按比例放大到合计 100%" in rows["乙"].explanation
    assert "没有有效票" in rows["丙"].explanation


def test_tie_at_the_boundary_in_graded_mode(graded_voting: Selection, organizer: Any) -> None:
    for index in range(5):
        grade(cookie_for(graded_voting, index), {1: "优秀", 2: "优秀", 3: "一般"})
    services.vote_close(selection=graded_voting, actor=organizer)
    graded_voting.refresh_from_db()
    outcome = services.result(graded_voting)
    assert outcome is not None and outcome.tie and outcome.tie_open and outcome.tied_places == 1
    assert [r.nomination.nominee_name for r in outcome.rows if r.tied] == ["甲", "乙"]
    assert outcome.selected == []  # never broken silently
    with pytest.raises(services.SelectionError, match="存在并列"):
        services.publish(selection=graded_voting, actor=organizer)
    services.tie_resolve(selection=graded_voting, chosen=[2], reason="评委会复议", actor=organizer)
    graded_voting.refresh_from_db()
    outcome = services.result(graded_voting)
    assert outcome is not None and [r.nomination.nominee_name for r in outcome.selected] == ["乙"]
    assert services.publish(selection=graded_voting, actor=organizer)


def test_recount_equals_tally_and_sees_a_change(graded_voting: Selection, organizer: Any) -> None:
    _hand_case(graded_voting)
    services.vote_close(selection=graded_voting, actor=organizer)
    graded_voting.refresh_from_db()
    check = services.recount(graded_voting)
    assert check.ok and check.scores == check.stored_scores == {1: Decimal("82.83"), 2: Decimal("85.00"), 3: None}
    out = StringIO()
    call_command("recount_selection", graded_voting.campaign_id, graded_voting.number, stdout=out)
    assert "乙:重新计分 85.00 分,保存的结果 85.00 分" in out.getvalue()
    assert "丙:重新计分 缺 分" in out.getvalue() and "重新计票一致:5 张选票" in out.getvalue()
    ballot = next(b for b in Ballot.objects.all() if b.grades["1"] == "较差")
    Ballot.objects.filter(pk=ballot.pk).update(grades={**ballot.grades, "1": "优秀"})
    check = services.recount(graded_voting)
    assert not check.ok and "重新计分的得分与保存的计票结果不一致" in check.message
    with pytest.raises(CommandError, match="不一致"):
        call_command("recount_selection", graded_voting.campaign_id, graded_voting.number, stdout=StringIO())


def test_graded_ballots_carry_nothing_of_the_voter(
    graded_voting: Selection, organizer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _hand_case(graded_voting)
    ids_before = set(Ballot.objects.values_list("id", flat=True))
    voter_ids = {str(pk) for pk in Voter.objects.values_list("pk", flat=True)}
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_close(selection=graded_voting, actor=organizer)
    ballots = list(Ballot.objects.values())
    assert len(ballots) == 5 and ids_before.isdisjoint({b["id"] for b in ballots})
    for ballot in ballots:
        assert ballot["tag"] is None and ballot["idem_key"] is None and ballot["digest"] == ""
        assert ballot["group"] in {"g1", "g2"}  # the group, as in live rating; never the voter
        assert not ({str(v) for v in ballot.values()} & voter_ids - {str(graded_voting.pk)})
    assert sorted(b["group"] for b in ballots) == ["g1", "g1", "g2", "g2", "g2"]
    assert set(Voter.objects.values_list("sealed_sheet", flat=True)) == {""}
    assert not keys.session_key_exists(graded_voting.public_id)


def test_pages_create_issue_vote_and_show_scores(
    client: Any, client_for: Any, campaign: Any, organizer: Any, graded_voting: Selection
) -> None:
    organizer_client = client_for(organizer)
    form = {"title": "评选", "quota": "1", "nomination_start": "2026-12-01", "nomination_end": "2026-12-09",
            "method": "graded", "rater_groups": "评委:60、群众:30"}  # fmt: skip
    refused = organizer_client.post(f"/selection/campaign/{campaign.pk}/", form)
    assert refused.status_code == 400 and "各组权重合计应为 100,现为 90" in refused.text
    made = organizer_client.post(f"/selection/campaign/{campaign.pk}/", {**form, "rater_groups": "评委:60;群众:40"})
    assert made.status_code == 302
    voters_url = f"/selection/{campaign.pk}/{graded_voting.number}/voters/"
    page = organizer_client.get(voters_url)
    assert "评议组" in page.text and "群众代表" in page.text
    assert organizer_client.post(voters_url, {"names": "新人"}).status_code == 400
    assert organizer_client.post(voters_url, {"names": "新人", "group": "g2"}).status_code == 302

    token = services.slip_entries(graded_voting)[0]["token"]
    assert client.get(f"/selection/t/{token}/").status_code == 302
    page = client.get("/selection/vote/")
    assert page.status_code == 200 and "不了解" in page.text and 'name="grade-3"' in page.text
    data = {"grade-1": "优秀", "grade-2": "良好", "idem": str(uuid.uuid4()), "receipt": "A" * 24}
    refused = client.post("/selection/vote/", data)
    assert refused.status_code == 400 and "尚未选择:丙" in refused.text and not Ballot.objects.exists()
    taken = client.post("/selection/vote/", {**data, "grade-3": "abstain", "idem": str(uuid.uuid4())})
    assert taken.status_code == 201 and "回执码" in taken.text
    again = client.get("/selection/vote/")
    assert 'value="abstain" checked' in again.text

    services.vote_close(selection=graded_voting, actor=organizer)
    detail = organizer_client.get(f"/selection/{campaign.pk}/{graded_voting.number}/")
    assert "得分" in detail.text and "100.00" in detail.text and "评分(分组加权)" in detail.text
    assert "评委 60%、群众代表 40%" in detail.text and "缺" in detail.text
