"""评选 in the browser, on desktop and a 390×844 phone, with axe and screenshots: a unit's reporter
nominates (组织推荐); the organizer reviews, issues voting slips and opens the vote; a voter on a
phone ticks more than N and is refused before anything is sent, then votes; the organizer closes the
vote, sees the tie at the N-th place flagged, records the decision, publishes the 公示 and gets a
certificate PDF."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, confirm_and_wait, login


@pytest.fixture
def people(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RATING_KEY_DIR = tmp_path / "keys"
    for name in ("organizer", "reporter_a"):
        user = cast.users[name]
        user.set_password(PASSWORD)
        user.save()
    return cast


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"selection-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_nominate_review_vote_tie_notice_certificate(
    pages: Any, live_server: Any, people: Any, axe: Any, phone: bool
) -> None:
    from kaoping.ratings import tokens
    from kaoping.selection import rules, services, votes
    from kaoping.selection.models import Ballot, Selection

    campaign, base = people.campaign, live_server.url
    organizer_user = people.users["organizer"]
    today = timezone.localdate()
    selection = services.selection_create(
        campaign=campaign,
        actor=organizer_user,
        fields=services.SelectionFields(
            title="育人成才先锋党员评选",
            quota=2,
            nomination_start=today - datetime.timedelta(days=2),
            nomination_end=today + datetime.timedelta(days=5),
            rules=rules.build(party_member=True, min_years=5, no_discipline=True),
        ),
    )
    detail = f"{base}/selection/{campaign.pk}/{selection.number}/"

    # a unit's reporter nominates for the unit
    reporter = pages.open(phone=phone)
    login(reporter, base, "reporter_a")
    reporter.goto(detail)
    click_and_wait(reporter, reporter.get_by_role("button", name="推荐或自荐"))
    reporter.get_by_label("组织推荐").check()
    reporter.get_by_label("被推荐人姓名").fill("林晓红")
    reporter.get_by_label("主要事迹").fill("扎根农村学校十八年,所带班级连续五年获评先进班集体。")
    reporter.get_by_label("中共党员").check()
    reporter.get_by_label("教龄(年)").fill("18")
    axe(reporter)
    _shot(reporter, "nominate", phone)
    click_and_wait(reporter, reporter.get_by_role("button", name="提交推荐"))
    main = reporter.inner_text("main")
    assert "推荐已提交" in main and "须为中共党员:是中共党员" in main and "教龄不少于 5 年:教龄 18 年" in main

    # three more, one of them not eligible
    for name, years in (("陈国华", 22), ("王丽娟", 12), ("张建平", 25), ("马俊", 3)):
        fields = services.NominationFields(
            nominee_name=name, organization=people.school_b, kind="self", statement="事迹", party_member=True,
            teaching_years=years,
        )  # fmt: skip
        services.nominate(selection=selection, fields=fields, actor=None)

    # the organizer reviews: admits 林晓红 in the page, sees 马俊's reason
    organizer = pages.open(phone=phone)
    login(organizer, base, "organizer")
    organizer.goto(detail)
    assert "教龄不少于 5 年:教龄 3 年,不足 5 年" in organizer.inner_text("main")
    click_and_wait(organizer, organizer.get_by_role("link", name="林晓红"))
    organizer.get_by_label("通过", exact=True).check()
    click_and_wait(organizer, organizer.get_by_role("button", name="保存审核结果"))
    for nomination in selection.nominations.exclude(nominee_name="林晓红"):
        failed = rules.failures(selection.rules, nomination)
        services.review(nomination=nomination, admit=not failed, reason=";".join(failed), actor=organizer_user)
    organizer.goto(detail)
    axe(organizer)
    _shot(organizer, "review", phone)

    # slips, then the vote opens
    click_and_wait(organizer, organizer.get_by_role("button", name="发放与打印投票条"))
    organizer.get_by_label("投票人名单(每行一人)").fill("张一\n张二\n张三")
    click_and_wait(organizer, organizer.get_by_role("button", name="发放投票条"))
    assert "已发放 3 张投票条" in organizer.inner_text("main")
    assert organizer.locator(".slip img").count() == 3
    axe(organizer)
    _shot(organizer, "slips", phone)
    organizer.goto(detail)
    click_and_wait(organizer, organizer.get_by_role("button", name="开始投票"))
    assert "投票已开始" in organizer.inner_text("main")

    # a voter on a phone: three ticks with N = 2 are refused before sending, two are taken
    entries = services.slip_entries(selection)
    voter = pages.open(phone=True)
    voter.goto(f"{base}/selection/t/{entries[0]['token']}/")
    assert voter.url.endswith("/selection/vote/")
    for name in ("林晓红", "陈国华", "王丽娟"):
        voter.get_by_label(name).check()
    over = voter.locator("#over")
    assert over.is_visible() and "最多只能选 2 人" in over.inner_text()
    voter.get_by_role("button", name="提交选票").click(force=True)  # aria-disabled: a tap is still refused
    assert voter.url.endswith("/selection/vote/") and Ballot.objects.count() == 0
    axe(voter)
    _shot(voter, "vote-over", phone)
    voter.get_by_label("王丽娟").uncheck()
    assert not over.is_visible()
    click_and_wait(voter, voter.get_by_role("button", name="提交选票"))
    assert "已提交,谢谢" in voter.inner_text("main") and Ballot.objects.count() == 1
    axe(voter)
    _shot(voter, "vote-done", phone)

    # two more voters: 林晓红 3 votes, 陈国华, 王丽娟 and 张建平 1 each, a tie at the 2nd place
    numbers = {n.nominee_name: n.number for n in selection.nominations.all()}
    for entry, chosen in zip(entries[1:], (["林晓红", "王丽娟"], ["林晓红", "张建平"]), strict=True):
        signed = services.voter_exchange(token=entry["token"])
        cookie = votes.VoterCookie(signed.voter.pk, signed.sheet, str(selection.public_id))
        votes.ballot_submit(
            cookie=cookie, choices=[numbers[c] for c in chosen], idem_key=str(uuid.uuid4()), receipt=tokens.new_token()
        )

    organizer.goto(detail)
    confirm_and_wait(organizer, organizer.get_by_role("button", name="结束投票并计票"))
    main = organizer.inner_text("main")
    assert "投票已结束,计票完成" in main and "重新计票一致:3 张选票" in main
    assert "第 2 名处得票并列" in main and main.count("并列") >= 3
    axe(organizer)
    _shot(organizer, "tie", phone)
    organizer.get_by_label("王丽娟(", exact=False).check()
    organizer.get_by_label("决定理由(例如加试投票结果或会议决定)").fill("加试投票 3 比 0")
    click_and_wait(organizer, organizer.get_by_role("button", name="记录决定"))
    assert "并列的决定已记录" in organizer.inner_text("main")
    click_and_wait(organizer, organizer.get_by_role("button", name="发布公示"))
    assert "评选结果已公示" in organizer.inner_text("main")

    # the 公示, open without signing in, and a certificate
    click_and_wait(organizer, organizer.get_by_role("link", name="公示页面(无需登录)"))
    public = organizer.inner_text("main")
    assert "林晓红" in public and "王丽娟" in public and "陈国华" not in public and "加试投票 3 比 0" in public
    axe(organizer)
    _shot(organizer, "notice", phone)
    organizer.goto(detail)
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="荣誉证书").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Selection.objects.get(pk=selection.pk).public_key


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_graded_selection_scores_by_weighted_groups(
    pages: Any, live_server: Any, people: Any, axe: Any, phone: bool
) -> None:
    """评分(分组加权): the organizer creates it with 评委:60、群众代表:40 and issues slips per group;
    a voter on a phone is refused before sending while a candidate has no grade, then grades all;
    the result shows each candidate's weighted score with the engine's explanation."""
    from kaoping.ratings import tokens
    from kaoping.selection import services, votes
    from kaoping.selection.models import Ballot, Selection

    campaign, base = people.campaign, live_server.url
    organizer_user = people.users["organizer"]
    today = timezone.localdate()
    organizer = pages.open(phone=phone)
    login(organizer, base, "organizer")
    organizer.goto(f"{base}/selection/campaign/{campaign.pk}/")
    organizer.get_by_label("评选名称").fill("优秀党务工作者评选")
    organizer.get_by_label("评选名额(人)").fill("1")
    organizer.get_by_label("推荐开始日期").fill((today - datetime.timedelta(days=1)).isoformat())
    organizer.get_by_label("推荐截止日期").fill((today + datetime.timedelta(days=3)).isoformat())
    organizer.get_by_label("评分(分组加权)").check()
    organizer.get_by_label("评议组及权重(评分方式时填写)").fill("评委:60、群众代表:30")
    click_and_wait(organizer, organizer.get_by_role("button", name="创建评选"))
    assert "各组权重合计应为 100,现为 90" in organizer.inner_text("main")
    axe(organizer)
    _shot(organizer, "graded-create", phone)
    organizer.get_by_label("评议组及权重(评分方式时填写)").fill("评委:60、群众代表:40")
    click_and_wait(organizer, organizer.get_by_role("button", name="创建评选"))
    assert "评选已创建" in organizer.inner_text("main")
    selection = Selection.objects.get(campaign=campaign, title="优秀党务工作者评选")
    assert selection.method == "graded"
    detail = f"{base}/selection/{campaign.pk}/{selection.number}/"

    for name in ("林晓红", "陈国华", "王丽娟"):
        fields = services.NominationFields(
            nominee_name=name, organization=people.school_b, kind="self", statement="事迹", party_member=True,
            teaching_years=12,
        )  # fmt: skip
        nomination = services.nominate(selection=selection, fields=fields, actor=None)
        services.review(nomination=nomination, admit=True, reason="", actor=organizer_user)

    # slips per group: 评委 through the page, 群众代表 through the service
    organizer.goto(f"{detail}voters/")
    organizer.get_by_label("评议组").select_option(label="评委")
    organizer.get_by_label("投票人名单(每行一人)").fill("评委一\n评委二")
    click_and_wait(organizer, organizer.get_by_role("button", name="发放投票条"))
    assert "已发放 2 张投票条" in organizer.inner_text("main") and "评委一 · 评委" in organizer.inner_text("main")
    axe(organizer)
    _shot(organizer, "graded-slips", phone)
    services.voters_issue(selection=selection, labels=["群众一", "群众二"], actor=organizer_user, group="g2")
    organizer.goto(detail)
    click_and_wait(organizer, organizer.get_by_role("button", name="开始投票"))

    # the phone: one candidate left without a grade is refused before sending, then all are graded
    entries = services.slip_entries(selection)
    voter = pages.open(phone=True)
    voter.goto(f"{base}/selection/t/{entries[0]['token']}/")
    assert voter.url.endswith("/selection/vote/")
    voter.get_by_role("group", name="林晓红").get_by_label("优秀").check()
    voter.get_by_role("group", name="陈国华").get_by_label("良好").check()
    voter.get_by_role("button", name="提交选票").click()
    over = voter.locator("#over")
    assert over.is_visible() and "尚未选择:王丽娟" in over.inner_text()
    assert voter.url.endswith("/selection/vote/") and Ballot.objects.count() == 0
    axe(voter)
    _shot(voter, "graded-missing", phone)
    voter.get_by_role("group", name="王丽娟").get_by_label("不了解").check()
    assert not over.is_visible()
    click_and_wait(voter, voter.get_by_role("button", name="提交选票"))
    assert "已提交,谢谢" in voter.inner_text("main") and Ballot.objects.count() == 1
    assert Ballot.objects.get().group == "g1"
    axe(voter)
    _shot(voter, "graded-done", phone)

    # 评委 林晓红 100, 85 → 92.5; 群众代表 70, 50 → 60 → 92.5×0.6 + 60×0.4 = 79.50
    # 陈国华 评委 85, 85; 群众代表 85, 100 → 85×0.6 + 92.5×0.4 = 88.00; 王丽娟 群众代表 only: 70 → 70.00
    numbers = {n.nominee_name: n.number for n in selection.nominations.all()}
    sheets = (
        {"林晓红": "良好", "陈国华": "良好", "王丽娟": "abstain"},
        {"林晓红": "一般", "陈国华": "良好", "王丽娟": "一般"},
        {"林晓红": "较差", "陈国华": "优秀", "王丽娟": "一般"},
    )
    for entry, sheet in zip(entries[1:], sheets, strict=True):
        signed = services.voter_exchange(token=entry["token"])
        cookie = votes.VoterCookie(signed.voter.pk, signed.sheet, str(selection.public_id))
        votes.ballot_submit(
            cookie=cookie,
            grades={numbers[name]: value for name, value in sheet.items()},
            idem_key=str(uuid.uuid4()),
            receipt=tokens.new_token(),
        )
    organizer.goto(detail)
    confirm_and_wait(organizer, organizer.get_by_role("button", name="结束投票并计票"))
    main = organizer.inner_text("main")
    assert "重新计票一致:4 张选票" in main and "按加权得分从高到低" in main
    assert "88.00" in main and "79.50" in main and "70.00" in main
    assert "评委 2票 均分 92.50 × 60%" in main
    axe(organizer)
    _shot(organizer, "graded-result", phone)
    click_and_wait(organizer, organizer.get_by_role("button", name="发布公示"))
    click_and_wait(organizer, organizer.get_by_role("link", name="公示页面(无需登录)"))
    public = organizer.inner_text("main")
    assert "陈国华" in public and "88.00" in public and "林晓红" not in public and "得分" in public
    axe(organizer)
    _shot(organizer, "graded-notice", phone)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_seed_002s_ten_pioneers_tie_notice_and_certificates(
    pages: Any, live_server: Any, people: Any, axe: Any, phone: bool
) -> None:
    """Seed 002's selection as the demo holds it: 14 nominations (one refused for 教龄), 30 voters, ten
    selected with the tie at the 10th place decided and recorded, the 公示 open to anyone, and a
    certificate for each of the ten."""
    from kaoping.selection import demo
    from kaoping.selection.models import Selection

    campaign = people.campaign
    assert demo.load_example(campaign, organizer="organizer")
    selection = Selection.objects.get(campaign=campaign)
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/selection/{campaign.pk}/{selection.number}/")
    main = page.inner_text("main")
    assert "育人成才先锋党员评选" in main and "教龄不少于 5 年" in main
    assert main.count("当选") >= 10 and "并列" in main
    certificates = page.get_by_role("link", name="荣誉证书")
    assert certificates.count() == 10
    axe(page)
    _shot(page, "seed-002-result", phone)
    with page.expect_download() as info:
        certificates.first.click()
    assert info.value.suggested_filename.endswith(".pdf")

    notice = pages.open(phone=phone)
    notice.goto(f"{live_server.url}/selection/public/{selection.public_key}/")
    text = notice.inner_text("main")
    assert "育人成才先锋党员评选" in text and "林晓红" in text and "马俊" not in text
    axe(notice)
    _shot(notice, "seed-002-notice", phone)
