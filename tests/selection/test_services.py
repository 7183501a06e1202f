from __future__ import annotations

import datetime
import subprocess
import uuid
from typing import Any

import pytest
from django.utils import timezone

from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Campaign
from kaoping.campaigns.models import Phase as CampaignPhase
from kaoping.ratings import keys, tokens
from kaoping.selection import rules, services
from kaoping.selection.certificate import certificate_pdf
from kaoping.selection.models import Ballot, Kind, Phase, Review, Selection, Voter

from .conftest import cast, cookie_for, make_selection, nominate

# -- eligibility ------------------------------------------------------------------------------------


def test_each_rule_gives_its_reason(selection: Selection, reporter_a: Any, school_a: Any) -> None:
    ok = nominate(selection, reporter_a, school_a, "林晓红", teaching_years=18)
    assert [c.passed for c in rules.checks(selection.rules, ok)] == [True, True, True]
    bad = nominate(selection, reporter_a, school_a, "马俊", party_member=False, teaching_years=3, disciplined=True)
    assert rules.failures(selection.rules, bad) == [
        "须为中共党员:不是中共党员",
        "教龄不少于 5 年:教龄 3 年,不足 5 年",
        "近三年无处分:近三年受过处分",
    ]
    unknown = nominate(selection, reporter_a, school_a, "徐静", teaching_years=None)
    assert rules.failures(selection.rules, unknown) == ["教龄不少于 5 年:未填写教龄"]


def test_an_ineligible_nominee_cannot_be_admitted(
    selection: Selection, organizer: Any, reporter_a: Any, school_a: Any
) -> None:
    bad = nominate(selection, reporter_a, school_a, "马俊", teaching_years=3)
    with pytest.raises(services.SelectionError) as refused:
        services.review(nomination=bad, admit=True, reason="", actor=organizer)
    assert "教龄 3 年,不足 5 年" in refused.value.messages[0]
    with pytest.raises(services.SelectionError, match="请填写理由"):
        services.review(nomination=bad, admit=False, reason=" ", actor=organizer)
    services.review(nomination=bad, admit=False, reason="教龄不足", actor=organizer)
    bad.refresh_from_db()
    assert bad.review == Review.REFUSED and bad.review_reason == "教龄不足"
    assert AuditEvent.objects.filter(action="selection.review", reason="教龄不足").exists()


# -- the window -------------------------------------------------------------------------------------


def test_nominations_only_inside_the_window(campaign: Any, organizer: Any, reporter_a: Any, school_a: Any) -> None:
    today = timezone.localdate()
    selection = make_selection(campaign, organizer)
    Selection.objects.filter(pk=selection.pk).update(nomination_end=today - datetime.timedelta(days=1))
    selection.refresh_from_db()
    with pytest.raises(services.SelectionError, match=r"推荐报名已于 .* 截止"):
        nominate(selection, reporter_a, school_a, "林晓红")
    Selection.objects.filter(pk=selection.pk).update(
        nomination_start=today + datetime.timedelta(days=1), nomination_end=today + datetime.timedelta(days=5)
    )
    selection.refresh_from_db()
    with pytest.raises(services.SelectionError, match="推荐报名尚未开始"):
        nominate(selection, reporter_a, school_a, "林晓红")


def test_one_self_nomination_per_person(selection: Selection, reporter_a: Any, school_a: Any) -> None:
    nominate(selection, reporter_a, school_a, "周东湖", kind=Kind.SELF)
    with pytest.raises(services.SelectionError, match="不能重复自荐"):
        nominate(selection, reporter_a, school_a, "周东湖", kind=Kind.SELF)


def test_archived_campaign_is_read_only(selection: Selection, reporter_a: Any, school_a: Any) -> None:
    Campaign.objects.filter(pk=selection.campaign_id).update(phase=CampaignPhase.ARCHIVED)
    with pytest.raises(services.SelectionError, match="已归档"):
        nominate(selection, reporter_a, school_a, "林晓红")


def test_vote_waits_for_every_review(selection: Selection, organizer: Any, reporter_a: Any, school_a: Any) -> None:
    nominate(selection, reporter_a, school_a, "林晓红")
    with pytest.raises(services.SelectionError, match="还有推荐未审核"):
        services.vote_open(selection=selection, actor=organizer)


# -- ballots ----------------------------------------------------------------------------------------


def test_more_than_n_is_refused_naming_n(voting: Selection) -> None:
    cookie = cookie_for(voting, 0)
    with pytest.raises(services.SelectionError) as refused:
        cast(cookie, [1, 2, 3])
    assert refused.value.status == 400
    assert refused.value.messages == ["最多只能选 2 人,请减少选择后再提交"]
    assert not Ballot.objects.exists()
    with pytest.raises(services.SelectionError, match="不在本次评选的候选人中"):
        cast(cookie, [9])


def test_one_ballot_per_credential_revote_replaces_resend_is_idempotent(voting: Selection) -> None:
    cookie = cookie_for(voting, 0)
    key, receipt = str(uuid.uuid4()), tokens.new_token()
    assert cast(cookie, [1, 2], key, receipt).status == 201
    assert cast(cookie, [1, 2], key, receipt).status == 200  # the same request again
    assert Ballot.objects.count() == 1
    with pytest.raises(services.SelectionError) as refused:
        cast(cookie, [1, 3], key, receipt)
    assert refused.value.status == 422
    revote = cast(cookie, [3])
    assert revote.replaced and Ballot.objects.count() == 1
    assert Ballot.objects.get().choices == [3]
    cast(cookie_for(voting, 1), [3, 4])
    assert Ballot.objects.count() == 2


def test_ballots_carry_nothing_of_the_voter(
    voting: Selection, organizer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    columns = {f.attname for f in Ballot._meta.concrete_fields}
    assert columns == {"id", "selection_id", "tag", "choices", "group", "grades", "idem_key", "digest", "receipt_hash"}
    for index in range(3):
        cast(cookie_for(voting, index), [1 + index % 2])
    ids_before = set(Ballot.objects.values_list("id", flat=True))
    voter_ids = {str(pk) for pk in Voter.objects.values_list("pk", flat=True)}
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_close(selection=voting, actor=organizer)
    ballots = list(Ballot.objects.values())
    assert len(ballots) == 3
    assert ids_before.isdisjoint({b["id"] for b in ballots})  # rewritten under fresh ids
    for ballot in ballots:
        assert ballot["tag"] is None and ballot["idem_key"] is None and ballot["digest"] == ""
        assert not ({str(v) for v in ballot.values()} & voter_ids - {str(voting.pk)})
    assert set(Voter.objects.values_list("sealed_sheet", flat=True)) == {""}
    voting.refresh_from_db()
    assert voting.sealed_slips == "" and not keys.session_key_exists(voting.public_id)
    with pytest.raises(services.SelectionError, match="投票已结束"):
        cast(cookie_for_closed(voting), [1])


def cookie_for_closed(selection: Selection) -> Any:
    from kaoping.selection.votes import VoterCookie

    return VoterCookie(Voter.objects.filter(selection=selection).first().pk, "0" * 64, str(selection.public_id))


def test_recount_equals_tally_and_sees_a_change(voting: Selection, organizer: Any) -> None:
    cast(cookie_for(voting, 0), [1, 2])
    cast(cookie_for(voting, 1), [1, 3])
    cast(cookie_for(voting, 2), [1])
    services.vote_close(selection=voting, actor=organizer)
    voting.refresh_from_db()
    check = services.recount(voting)
    assert check.ok and check.counts == {1: 3, 2: 1, 3: 1, 4: 0} == check.stored
    ballot = Ballot.objects.filter(choices=[1]).first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(choices=[4])
    assert not services.recount(voting).ok


def test_a_tie_at_the_boundary_is_flagged_and_decided(voting: Selection, organizer: Any) -> None:
    cast(cookie_for(voting, 0), [1, 2])
    cast(cookie_for(voting, 1), [1, 3])
    cast(cookie_for(voting, 2), [1, 4])
    services.vote_close(selection=voting, actor=organizer)
    voting.refresh_from_db()
    outcome = services.result(voting)
    assert outcome is not None and outcome.tie and outcome.tie_open and outcome.tied_places == 1
    assert [r.nomination.nominee_name for r in outcome.rows if r.tied] == ["乙", "丙", "丁"]
    assert [r.nomination.nominee_name for r in outcome.selected] == ["甲"]  # never broken silently
    with pytest.raises(services.SelectionError, match="存在并列"):
        services.publish(selection=voting, actor=organizer)
    with pytest.raises(services.SelectionError, match="恰好选出 1 人"):
        services.tie_resolve(selection=voting, chosen=[2, 3], reason="加试", actor=organizer)
    services.tie_resolve(selection=voting, chosen=[3], reason="加试投票 5 比 2", actor=organizer)
    voting.refresh_from_db()
    outcome = services.result(voting)
    assert outcome is not None and not outcome.tie_open
    assert [r.nomination.nominee_name for r in outcome.selected] == ["甲", "丙"]
    assert AuditEvent.objects.filter(action="selection.tie_resolved", reason="加试投票 5 比 2").exists()
    assert services.publish(selection=voting, actor=organizer)


def test_no_tie_when_the_boundary_group_fits(voting: Selection, organizer: Any) -> None:
    cast(cookie_for(voting, 0), [1, 2])
    cast(cookie_for(voting, 1), [1, 2])
    services.vote_close(selection=voting, actor=organizer)
    voting.refresh_from_db()
    outcome = services.result(voting)
    assert outcome is not None and not outcome.tie
    assert [r.nomination.nominee_name for r in outcome.selected] == ["甲", "乙"]


# -- the certificate --------------------------------------------------------------------------------


def test_certificate_pdf_has_the_name_and_embeds_the_font(tmp_path: Any) -> None:
    body = certificate_pdf(
        name="林晓红",
        organization="临海市第一中学",
        title="育人成才先锋党员评选",
        issuer="临海市教育局",
        on=datetime.date(2026, 12, 6),
    )
    path = tmp_path / "c.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "林晓红" in text and "育人成才先锋党员" in text and "荣誉证书" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    listed = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert listed and all("NotoSerifSC" in row[0] and row[3] == "yes" for row in listed)  # only it, embedded


def test_demo_loads_seed_002(campaign: Any, organizer: Any) -> None:
    from kaoping.selection.demo import load_example

    assert load_example(campaign, organizer="organizer")
    selection = Selection.objects.get(campaign=campaign)
    assert selection.nominations.count() == 14
    assert set(selection.nominations.values_list("kind", flat=True)) == {Kind.RECOMMEND, Kind.SELF}
    assert selection.nominations.filter(review=Review.REFUSED).count() == 1
    outcome = services.result(selection)
    assert outcome is not None and outcome.tie and not outcome.tie_open
    assert len(outcome.selected) == 10 and selection.public_key
    assert services.recount(selection).ok
    assert not load_example(campaign, organizer="organizer")  # idempotent


def test_phase_and_audit_trail(voting: Selection, organizer: Any) -> None:
    services.vote_close(selection=voting, actor=organizer)
    actions = set(AuditEvent.objects.filter(chain=f"campaign:{voting.campaign_id}").values_list("action", flat=True))
    assert {"selection.create", "selection.nominate", "selection.review", "selection.voters_issued"} <= actions
    assert {"selection.vote_open", "selection.vote_close"} <= actions
    voting.refresh_from_db()
    assert voting.phase == Phase.CLOSED


def test_recount_command(voting: Selection, organizer: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    cast(cookie_for(voting, 0), [1, 2])
    services.vote_close(selection=voting, actor=organizer)
    out = StringIO()
    call_command("recount_selection", voting.campaign_id, voting.number, stdout=out)
    assert "甲:重新计票 1 票,保存的结果 1 票" in out.getvalue() and "重新计票一致:1 张选票" in out.getvalue()
    Ballot.objects.update(choices=[3])
    with pytest.raises(CommandError, match="不一致"):
        call_command("recount_selection", voting.campaign_id, voting.number, stdout=StringIO())
