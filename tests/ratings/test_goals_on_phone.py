"""The session setting 向评委展示被评单位的目标任务与重点工作进展 (RatingSession.show_goals): saved,
audited, refused on an archived campaign, and the read-only block on the rater's phone page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.ratings.conftest import issue

from kaoping.audit.models import AuditEvent
from kaoping.goals.models import KeyTask, Milestone, Target, TargetReport, TaskArea, TaskStatus
from kaoping.orgs.models import Department
from kaoping.ratings import services
from kaoping.ratings.models import RatingSession
from kaoping.web.audit_describe import describe

pytestmark = pytest.mark.django_db

BLOCK = "目标任务与重点工作进展"


def rater_page(session: Any, own_unit: Any = None) -> str:
    ((_credential, token),) = issue(session, [("张局长", "leaders", own_unit)])
    client = Client()
    assert client.get(f"/rating/t/{token}").status_code == 302
    page = client.get("/rating/r/")
    assert page.status_code == 200
    return page.content.decode()


def goals_for(campaign: Any, unit: Any) -> None:
    """One target of ``unit`` with 5310 of 7800 done, one with a blank report, one not reported at all,
    and two key tasks: one 推进中 with a milestone past due, one 已完成."""
    now = timezone.now()
    funds = Target.objects.create(
        campaign=campaign, number=1, name="招商引资", measure="万元", target_value=Decimal("7800"), unit=unit
    )
    TargetReport.objects.create(target=funds, on=date(2026, 6, 30), done=Decimal("5310"), reported_at=now)
    blank = Target.objects.create(
        campaign=campaign, number=2, name="争取上级补助", measure="万元", target_value=Decimal("22700"), unit=unit
    )
    TargetReport.objects.create(target=blank, on=date(2026, 6, 30), done=None, reported_at=now)
    Target.objects.create(
        campaign=campaign, number=3, name="新建公办幼儿园", measure="所", target_value=Decimal("25"), unit=unit
    )
    lead, _created = Department.objects.get_or_create(bureau_id=campaign.owner_id, name="基础教育处")
    area = TaskArea.objects.create(campaign=campaign, number=1, name="全面改善基础办学条件")
    late = KeyTask.objects.create(area=area, number=26, title="新改扩建校舍", lead=lead, status=TaskStatus.IN_PROGRESS)
    Milestone.objects.create(task=late, name="开工", due_on=timezone.localdate() - timedelta(days=3))
    Milestone.objects.create(task=late, name="立项", due_on=date(2026, 1, 1), done_on=date(2026, 1, 1))
    KeyTask.objects.create(area=area, number=27, title="学位扩容", lead=lead, status=TaskStatus.DONE)


def test_the_setting_is_saved_at_creation_and_audited(make_session: Any) -> None:
    session = make_session(show_goals=True)
    assert RatingSession.objects.get(pk=session.pk).show_goals is True
    created = AuditEvent.objects.get(chain=session.chain, action="rating_session_created")
    assert created.new["show_goals"] is True
    assert make_session(name="另一场").show_goals is False


def test_the_organizer_turns_it_on_and_off_on_the_session_page_audited_in_chinese(
    session: Any, organizer: Any, client_for: Any
) -> None:
    client = client_for(organizer)
    detail = client.get(f"/rating/sessions/{session.pk}/").content.decode()
    assert "向评委展示被评单位的目标任务与重点工作进展" in detail
    assert client.post(f"/rating/sessions/{session.pk}/do/show_goals/").status_code == 302
    session.refresh_from_db()
    assert session.show_goals is True
    assert client.post(f"/rating/sessions/{session.pk}/do/show_goals/").status_code == 302  # no change: no event
    assert client.post(f"/rating/sessions/{session.pk}/do/hide_goals/").status_code == 302
    session.refresh_from_db()
    assert session.show_goals is False
    events = list(AuditEvent.objects.filter(chain=session.chain, action="rating_session_settings").order_by("seq"))
    assert [(e.old, e.new) for e in events] == [
        ({"show_goals": False}, {"show_goals": True}),
        ({"show_goals": True}, {"show_goals": False}),
    ]
    lines = describe(events)
    assert lines[0].action == "更改现场测评设置"
    assert lines[0].change == "向评委展示目标任务与重点工作进展:否 → 向评委展示目标任务与重点工作进展:是"
    ok, _head = services.chain_check(session)
    assert ok


def test_the_create_form_takes_the_setting(rating_campaign: Any, organizer: Any, client_for: Any) -> None:
    client = client_for(organizer)
    form = client.get(f"/rating/campaign/{rating_campaign.pk}/").content.decode()
    assert 'name="show_goals"' in form
    client.post(f"/rating/campaign/{rating_campaign.pk}/", {"component": "lide", "show_goals": "1"})
    client.post(f"/rating/campaign/{rating_campaign.pk}/", {"component": "lide"})
    assert sorted(rating_campaign.rating_sessions.values_list("show_goals", flat=True)) == [False, True]


def test_an_archived_campaign_refuses_the_setting_with_the_reason(
    session: Any, organizer: Any, client_for: Any
) -> None:
    from kaoping.campaigns.models import Campaign, Phase

    Campaign.objects.filter(pk=session.campaign_id).update(phase=Phase.ARCHIVED)
    with pytest.raises(services.RatingError, match="已归档") as error:
        services.session_set_show_goals(session=session, show_goals=True)
    assert error.value.status == 409
    response = client_for(organizer).post(f"/rating/sessions/{session.pk}/do/show_goals/", follow=True)
    assert "已归档" in response.content.decode()
    assert RatingSession.objects.get(pk=session.pk).show_goals is False
    assert not AuditEvent.objects.filter(chain=session.chain, action="rating_session_settings").exists()


def test_a_closed_session_refuses_the_setting(session: Any) -> None:
    services.session_close(session=session)
    with pytest.raises(services.RatingError, match="已结束"):
        services.session_set_show_goals(session=session, show_goals=True)


def test_the_block_is_shown_only_when_the_setting_is_on(session: Any, campaign_units: dict[str, Any]) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    off = rater_page(session)
    assert BLOCK not in off and "招商引资" not in off and "rater-goals.css" not in off
    services.session_set_show_goals(session=session, show_goals=True)
    on = rater_page(session)
    assert on.count(BLOCK) == session.units.count()  # one collapsed block under every unit
    assert "<details" in on and "<details open" not in on
    assert "招商引资" in on and "68.1%" in on and "5310万元" in on and "7800万元" in on


def test_a_blank_or_missing_report_shows_que_never_zero(session: Any, campaign_units: dict[str, Any]) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    services.session_set_show_goals(session=session, show_goals=True)
    page = rater_page(session)
    start = page.index("争取上级补助")
    blank = page[start : page.index("</li>", start)]
    assert "缺" in blank and "0%" not in blank and "0.0" not in blank
    start = page.index("新建公办幼儿园")
    never = page[start : page.index("</li>", start)]
    assert never.count("缺") == 2 and "0.0" not in never


def test_key_tasks_show_status_milestones_and_overdue(session: Any, campaign_units: dict[str, Any]) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    services.session_set_show_goals(session=session, show_goals=True)
    page = rater_page(session)
    start = page.index("26. 新改扩建校舍")
    late = page[start : page.index("</li>", start)]
    assert "推进中" in late and "节点 1/2" in late and "已超期" in late
    start = page.index("27. 学位扩容")
    done = page[start : page.index("</li>", start)]
    assert "已完成" in done and "已超期" not in done
    assert "全面改善基础办学条件" in page
    assert "已超期 1 项" in page


def test_a_unit_without_targets_or_tasks_says_so_in_one_line(session: Any) -> None:
    services.session_set_show_goals(session=session, show_goals=True)
    page = rater_page(session)
    assert page.count("暂无目标任务与重点工作记录") == session.units.count()
    assert '<ul class="gl">' not in page and "<table" not in page


def test_every_rater_sees_the_same_block_and_the_page_stays_small(session: Any, campaign_units: dict[str, Any]) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    services.session_set_show_goals(session=session, show_goals=True)
    first, second = rater_page(session), rater_page(session)
    block = first[first.index("<details") : first.rindex("</details>")]
    assert block == second[second.index("<details") : second.rindex("</details>")]
    assert len(first.encode()) < 30_000


def test_the_goals_cost_a_handful_of_queries_whatever_the_number_of_targets(
    session: Any, campaign_units: dict[str, Any]
) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    services.session_set_show_goals(session=session, show_goals=True)
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    client = Client()
    client.get(f"/rating/t/{token}")
    with CaptureQueriesContext(connection) as few:
        client.get("/rating/r/")
    area = TaskArea.objects.get(campaign=session.campaign)
    lead = KeyTask.objects.filter(area=area).first().lead  # type: ignore[union-attr]
    for number, unit in enumerate(campaign_units.values(), 10):
        target = Target.objects.create(
            campaign=session.campaign, number=number, name=f"目标{number}", measure="所", target_value=5, unit=unit
        )
        TargetReport.objects.create(target=target, on=date(2026, 6, 30), done=2, reported_at=timezone.now())
        task = KeyTask.objects.create(area=area, number=number + 100, title=f"工作{number}", lead=lead)
        Milestone.objects.create(task=task, name="节点", due_on=date(2030, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert "40.0%" in client.get("/rating/r/").content.decode()
    assert len(many) == len(few)
    RatingSession.objects.filter(pk=session.pk).update(show_goals=False)
    with CaptureQueriesContext(connection) as off:
        client.get("/rating/r/")
    assert len(many) - len(off) <= 8


def test_the_status_poll_never_reads_the_goals(session: Any, campaign_units: dict[str, Any]) -> None:
    goals_for(session.campaign, campaign_units["county_b"])
    services.session_set_show_goals(session=session, show_goals=True)
    ((_credential, token),) = issue(session, [("张局长", "leaders", None)])
    client = Client()
    client.get(f"/rating/t/{token}")
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/rating/r/status.json")
    assert status.status_code == 200 and "招商引资" not in status.content.decode()
    assert not any("goals_" in q["sql"] for q in queries)


def test_the_demo_shows_the_goals_in_the_key_work_rating_only(campaign: Any, tmp_path: Any) -> None:
    """load_demo's 2018 campaign: the 五大重点工作测评 session shows them, 立德树人 does not."""
    import copy

    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings.demo import load_example_ballots

    data = rating_scheme()
    wuda = copy.deepcopy(next(c for c in data["components"] if c["id"] == "lide"))
    wuda.update(id="wuda", name="五大重点工作测评")
    data["components"].append(wuda)
    for category in data["categories"]:
        category["components"].append("wuda")
    SchemeVersion.objects.create(campaign=campaign, number=2, data=data, source_name="rating.yaml")
    path = tmp_path / "ballots.csv"
    path.write_text(
        "component,rater,rater_group,rater_unit,unit,grade,sheet\n"
        "lide,L1,leaders,,nc-dh,好,lide-L1\n"
        "wuda,L1,leaders,,nc-dh,良好,wuda-L1\n",
        encoding="utf-8",
    )
    sessions = load_example_ballots(campaign, path)
    assert {s.component_id: s.show_goals for s in sessions} == {"lide": False, "wuda": True}
