"""Ballot write path, idempotency, revote policies, sheet rules, closing and test mode."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from tests.ratings.conftest import issue, submit

from kaoping.ratings import ballots, services
from kaoping.ratings.models import Ballot, RevotePolicy, SessionUnit, SupersededKey, UnitStatus

pytestmark = pytest.mark.django_db


def units(session: Any) -> list[SessionUnit]:
    return list(SessionUnit.objects.filter(session=session).select_related("campaign_unit"))


def open_all(session: Any) -> list[SessionUnit]:
    result = units(session)
    for unit in result:
        services.unit_open(session=session, session_unit=unit)
    return units(session)


def test_session_takes_all_campaign_units_in_category_order(session: Any) -> None:
    names = [u.campaign_unit.category for u in units(session)]
    assert names == ["county", "county", "school", "school"]
    assert session.mode == "test"


def test_session_refuses_a_component_that_is_not_a_rating(make_session: Any) -> None:
    with pytest.raises(services.RatingError, match="不是现场测评"):
        make_session(component_id="work")


def test_first_submission_stores_one_ballot_and_nothing_about_the_rater(session: Any) -> None:
    from kaoping.ratings.models import RaterCredential

    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    before = list(RaterCredential.objects.values())
    unit = open_all(session)[0]
    result = submit(credential, token, unit, "好")
    assert result.status == 201
    ballot = Ballot.objects.get()
    assert (ballot.grade, ballot.rater_group, ballot.is_test) == ("好", "leaders", True)
    assert ballot.tag and ballot.sheet is None and ballot.sealed_sheet is None  # no sheet rules: nothing sealed
    assert list(RaterCredential.objects.values()) == before


def test_without_sheet_rules_the_inserts_check_eligibility_themselves(session: Any) -> None:
    """No separate read: one INSERT … SELECT stores the ballot on either database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, units(session)[1], "好")  # the session's rules are now cached
    with CaptureQueriesContext(connection) as queries:
        assert submit(credential, token, unit, "良好").status == 201
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1
    assert all("WHERE c.id = " in sql for sql in statements)
    ballot = Ballot.objects.get(session_unit=unit)
    assert (ballot.grade, ballot.rater_group, ballot.is_test) == ("良好", "leaders", True)


def test_same_key_and_payload_replays_with_200_and_stores_nothing_new(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
    first = submit(credential, token, unit, "好", key, receipt)
    again = submit(credential, token, unit, "好", key, receipt)
    assert (first.status, again.status) == (201, 200)
    assert again.receipt == receipt
    assert Ballot.objects.count() == 1


def test_same_key_with_another_grade_is_422(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    key, receipt = str(uuid.uuid4()), uuid.uuid4().hex
    submit(credential, token, unit, "好", key, receipt)
    with pytest.raises(services.RatingError) as error:
        submit(credential, token, unit, "差", key, receipt)
    assert error.value.status == 422
    assert Ballot.objects.get().grade == "好"


@pytest.mark.parametrize("key", [None, "", "not-a-uuid"])
def test_missing_or_malformed_key_is_400_and_stores_nothing(session: Any, key: str | None) -> None:
    ((credential, _token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    with pytest.raises(services.RatingError) as error:
        ballots.ballot_submit(
            credential_id=credential.pk,
            sheet="0" * 64,
            session_unit_id=unit.pk,
            grade="好",
            idem_key=key,
            receipt=uuid.uuid4().hex,
            session_public_id=str(session.public_id),
            own_unit_id=None,
        )
    assert error.value.status == 400
    assert Ballot.objects.count() == 0


def test_revote_supersedes_the_one_current_ballot(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    old_key, old_receipt = str(uuid.uuid4()), uuid.uuid4().hex
    submit(credential, token, unit, "好", old_key, old_receipt)
    result = submit(credential, token, unit, "一般")
    assert result.superseded
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["一般"]
    # A late retry of the first request replays; it does not bring the old grade back.
    late = submit(credential, token, unit, "好", old_key, old_receipt)
    assert (late.status, late.stale) == (200, True)
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["一般"]


def test_final_policy_refuses_a_second_ballot_with_409(make_session: Any) -> None:
    session = make_session(revote_policy=RevotePolicy.FINAL)
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    with pytest.raises(services.RatingError) as error:
        submit(credential, token, unit, "差")
    assert error.value.status == 409
    assert "不可修改" in error.value.message
    assert Ballot.objects.get().grade == "好"


def test_own_unit_is_refused_and_stores_nothing(session: Any, campaign_units: dict[str, Any]) -> None:
    ((credential, token),) = issue(session, [("东湖代表", "units", campaign_units["county_a"])])
    own = next(u for u in open_all(session) if u.campaign_unit_id == campaign_units["county_a"].pk)
    with pytest.raises(services.RatingError, match="本单位") as error:
        submit(credential, token, own, "好")
    assert error.value.status == 403
    assert Ballot.objects.count() == 0


def test_grade_not_on_the_scale_is_refused(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    with pytest.raises(services.RatingError, match="不是本测评的等次"):
        submit(credential, token, unit, "优秀")
    assert Ballot.objects.count() == 0


def test_unit_of_another_session_is_refused(make_session: Any, session: Any) -> None:
    other = make_session(name="另一场")
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    foreign = open_all(other)[0]
    with pytest.raises(services.RatingError, match="不在本场测评中"):
        submit(credential, token, foreign, "好")


def test_pending_and_closed_units_refuse_ballots(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    first = units(session)[0]
    with pytest.raises(services.RatingError, match="尚未开始"):
        submit(credential, token, first, "好")
    services.unit_open(session=session, session_unit=first)
    services.unit_close(session=session, session_unit=first)
    with pytest.raises(services.RatingError, match="已关闭"):
        submit(credential, token, first, "好")


def test_revoked_credential_cannot_vote_and_the_reissued_slip_continues_the_same_sheet(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit_list = open_all(session)
    submit(credential, token, unit_list[0], "好")
    batch = services.credential_reissue(credential=credential)
    with pytest.raises(services.RatingError) as error:
        submit(credential, token, unit_list[1], "好")
    assert error.value.status == 403
    with pytest.raises(services.RatingError, match="已作废"):
        services.credential_exchange(token=token)
    new_token = batch.entries[0]["token"]
    fresh = services.credential_exchange(token=new_token).credential
    submit(fresh, new_token, unit_list[1], "良好")
    assert Ballot.objects.count() == 2
    # The same person grading the first unit again changes their one grade; it adds none.
    assert submit(fresh, new_token, unit_list[0], "差").superseded
    assert sorted(Ballot.objects.values_list("grade", flat=True)) == ["差", "良好"]


def test_a_reissued_slip_cannot_grade_again_where_the_session_is_final(make_session: Any) -> None:
    session = make_session(revote_policy=RevotePolicy.FINAL)
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    new_token = services.credential_reissue(credential=credential).entries[0]["token"]
    fresh = services.credential_exchange(token=new_token).credential
    with pytest.raises(services.RatingError, match="不可修改"):
        submit(fresh, new_token, unit, "差")
    assert list(Ballot.objects.values_list("grade", flat=True)) == ["好"]


def test_quota_is_checked_against_the_whole_sheet(rating_campaign: Any, organizer: Any) -> None:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion

    SchemeVersion.objects.create(
        campaign=rating_campaign,
        number=3,
        data=rating_scheme({"all_identical_invalid": True, "quotas": [{"grades": ["好"], "max_count": 1}]}),
    )
    session = services.session_create(campaign=rating_campaign, component_id="lide", name="配额")
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    a, b, c, d = open_all(session)
    submit(credential, token, a, "好")
    with pytest.raises(services.RatingError, match="最多可评 1 个单位"):
        submit(credential, token, b, "好")
    submit(credential, token, b, "一般")
    submit(credential, token, c, "一般")
    with pytest.raises(services.RatingError) as error:
        submit(credential, token, d, "好")  # would be the second 好
    assert error.value.status == 400
    submit(credential, token, d, "较好")
    assert Ballot.objects.count() == 4


def test_all_identical_is_refused_only_when_the_sheet_is_complete(rating_campaign: Any) -> None:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion

    SchemeVersion.objects.create(
        campaign=rating_campaign, number=3, data=rating_scheme({"all_identical_invalid": True, "quotas": []})
    )
    session = services.session_create(campaign=rating_campaign, component_id="lide", name="相同")
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    a, b, c, d = open_all(session)
    for unit in (a, b, c):
        submit(credential, token, unit, "良好")
    with pytest.raises(services.RatingError, match="全部相同"):
        submit(credential, token, d, "良好")
    submit(credential, token, d, "较好")


def test_unit_close_puts_the_engine_result_with_explanation_on_the_unit(session: Any) -> None:
    raters = issue(session, [(f"领导{i}", "leaders", None) for i in range(3)] + [("处长", "heads", None)])
    unit = open_all(session)[0]
    for (credential, token), grade in zip(raters, ["好", "良好", "较好", "一般"], strict=True):
        submit(credential, token, unit, grade)
    result = services.unit_close(session=session, session_unit=unit)
    # leaders mean 90 × 50 + heads 70 × 25, renormalised over 75 → 83.33
    assert result["score"] == "83.33"
    assert "局领导" in result["explanation"]
    assert Decimal(result["score"]) == Decimal("83.33")


def test_go_live_clears_test_ballots_and_reopens_units(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    submit(credential, token, unit, "差")  # a revote leaves a superseded key behind
    services.session_go_live(session=session)
    assert Ballot.objects.count() == 0 and SupersededKey.objects.count() == 0
    assert set(SessionUnit.objects.values_list("status", flat=True)) == {UnitStatus.PENDING}
    session.refresh_from_db()
    services.unit_open(session=session, session_unit=unit)
    submit(credential, token, unit, "良好")
    assert Ballot.objects.get().is_test is False


def test_clear_test_removes_only_test_ballots_in_one_click(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    assert services.session_clear_test(session=session) == 1
    assert Ballot.objects.count() == 0


def test_session_close_records_chain_head_and_refuses_more(session: Any) -> None:
    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    head = services.session_close(session=session)
    session.refresh_from_db()
    assert session.chain_head == head and len(head) == 64
    assert services.chain_check(session) == (True, head)
    with pytest.raises(services.RatingError, match="已结束"):
        submit(credential, token, units(session)[1], "好")
    with pytest.raises(services.RatingError, match="已结束"):
        services.credential_exchange(token=token)


def test_destroy_links_wipes_slip_tokens_and_names_but_keeps_ballots(session: Any) -> None:
    from kaoping.ratings.models import RaterCredential, SlipBatch

    ((credential, token),) = issue(session, [("张局长", "leaders", None)])
    unit = open_all(session)[0]
    submit(credential, token, unit, "好")
    with pytest.raises(services.RatingError):
        services.session_destroy_links(session=session)
    services.session_close(session=session)
    services.session_destroy_links(session=session)
    assert SlipBatch.objects.get().entries == []
    assert RaterCredential.objects.get().label == ""
    assert Ballot.objects.count() == 1


def test_every_organizer_write_of_an_archived_campaign_is_refused_with_the_reason(session: Any) -> None:
    from kaoping.campaigns.models import Campaign, Phase

    issued = issue(session, [("张局长", "leaders", None)])
    first, second = units(session)[:2]
    services.unit_open(session=session, session_unit=first)
    Campaign.objects.filter(pk=session.campaign_id).update(phase=Phase.ARCHIVED)
    writes = [
        lambda: services.session_create(campaign=session.campaign, component_id="lide", name="又一场"),
        lambda: services.credentials_issue(session=session, raters=[services.RaterSpec("李", "heads")]),
        lambda: services.credential_reissue(credential=issued[0][0]),
        lambda: services.unit_open(session=session, session_unit=second),
        lambda: services.unit_close(session=session, session_unit=first),
        lambda: services.session_clear_test(session=session),
        lambda: services.session_go_live(session=session),
        lambda: services.session_close(session=session),
    ]
    for write in writes:
        with pytest.raises(services.RatingError, match="已归档") as error:
            write()
        assert error.value.status == 409
    assert session.campaign.rating_sessions.count() == 1
    assert SessionUnit.objects.get(pk=first.pk).status == UnitStatus.OPEN


def test_a_campaign_with_an_open_rating_session_cannot_be_archived(session: Any, organizer: Any) -> None:
    from kaoping.campaigns.models import Campaign, Phase
    from kaoping.campaigns.services import CampaignError, campaign_set_phase

    Campaign.objects.filter(pk=session.campaign_id).update(phase=Phase.FINAL)
    campaign = Campaign.objects.get(pk=session.campaign_id)
    with pytest.raises(CampaignError, match="未结束的现场测评"):
        campaign_set_phase(campaign=campaign, expected=Phase.FINAL, target=Phase.ARCHIVED, actor=organizer)
    services.session_close(session=session)
    campaign_set_phase(campaign=campaign, expected=Phase.FINAL, target=Phase.ARCHIVED, actor=organizer)
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.ARCHIVED
