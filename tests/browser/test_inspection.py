"""督查检查 in the browser: the organizer sets up a group and draws the units (recusal honoured, loads
balanced), a group's leader records a visit on the phone with a photo and a finding, turns the
finding into a problem in one click and submits. Desktop and 390×844 phone, with axe and screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_journey import PASSWORD, click_and_wait, login


@pytest.fixture
def bureau(transactional_db: Any, cast: Any, settings: Any, tmp_path: Any) -> Any:
    from kaoping.assessments.models import Recusal
    from kaoping.campaigns.models import Campaign, Phase
    from kaoping.inspection import services
    from kaoping.orgs.models import Membership, Role, User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.REVIEW)
    cast.campaign.refresh_from_db()
    inspector = User.objects.create(username="insp", display_name="甲督学")
    Membership.objects.create(user=inspector, organization=cast.city, role=Role.REVIEWER)
    for user in (cast.users["organizer"], cast.users["reviewer"], inspector):
        user.set_password(PASSWORD)
        user.save()
    services.save_group(
        campaign=cast.campaign,
        actor=cast.users["organizer"],
        data=services.GroupInput(name="第一组", leader=cast.users["reviewer"], members=[]),
    )
    Recusal.objects.create(
        campaign=cast.campaign, unit=cast.campaign_units["school_a"], user=inspector, reason="曾任该校校长"
    )
    return cast


def _shot(page: Any, name: str, phone: bool) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"inspection-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_organizer_draws_and_a_member_records_a_visit_on_the_phone(
    pages: Any, live_server: Any, bureau: Any, axe: Any, phone: bool, tmp_path: Any
) -> None:
    from tests.inspection.conftest import png_bytes

    from kaoping.inspection.models import Assignment
    from kaoping.rectification.models import Problem, Source

    campaign = bureau.campaign
    school_a = bureau.campaign_units["school_a"]
    base = live_server.url
    organizer = pages.open(phone=phone)
    login(organizer, base, "organizer")
    organizer.goto(f"{base}/campaigns/{campaign.pk}/")
    click_and_wait(organizer, organizer.get_by_role("link", name="督查检查"))
    click_and_wait(organizer, organizer.get_by_role("button", name="新建督查组"))
    organizer.get_by_label("组名").fill("第二组")
    organizer.get_by_label("组长").select_option(label="甲督学")
    axe(organizer)
    _shot(organizer, "group", phone)
    click_and_wait(organizer, organizer.get_by_role("button", name="保存督查组"))
    click_and_wait(organizer, organizer.get_by_role("button", name="抽签"))
    main = organizer.inner_text("main")
    assert "抽签完成:4 个单位" in main and "已回避:第二组:甲督学 申报回避(曾任该校校长)" in main
    drawn = Assignment.objects.select_related("group").get(unit=school_a)
    assert drawn.group.name == "第一组"  # 甲督学 declared a conflict: 第二组 never gets school A
    sizes = sorted(Assignment.objects.filter(group__name=name).count() for name in ("第一组", "第二组"))
    assert sizes == [2, 2]
    axe(organizer)
    _shot(organizer, "drawn", phone)

    member = pages.open(phone=True)
    login(member, base, "reviewer")
    member.goto(f"{base}/inspection/{campaign.pk}/")
    click_and_wait(member, member.get_by_role("link", name="东湖第一中学"))
    member.get_by_label("检查日期").fill("2025-01-01")
    items = member.locator("fieldset.check-item")
    for index in range(items.count()):
        items.nth(index).get_by_label("基本符合" if index else "符合", exact=True).check()
    items.nth(0).get_by_label("情况说明").fill("查阅会议记录,班子健全")
    member.get_by_label("点评").fill("党组织班子健全,创先争优活动有序开展。")
    click_and_wait(member, member.get_by_role("button", name="保存检查记录"))
    assert "检查记录已保存" in member.inner_text("main")
    photo = tmp_path / "现场.png"
    photo.write_bytes(png_bytes())
    member.get_by_label("上传照片(JPG、PNG、WebP,按内容检查)").set_input_files(str(photo))
    click_and_wait(member, member.get_by_role("button", name="上传照片", exact=True))
    assert "照片已上传" in member.inner_text("main")
    member.get_by_label("新发现的问题").fill("党员活动日记录不完整")
    click_and_wait(member, member.get_by_role("button", name="记录问题"))
    axe(member)
    _shot(member, "record", True)
    click_and_wait(member, member.get_by_role("button", name="把问题 1 登记为整改问题"))
    problem = Problem.objects.get()
    assert problem.source == Source.INSPECTION and problem.description == "党员活动日记录不完整"
    assert "督查检查" in member.inner_text("main")
    member.go_back()
    member.goto(f"{base}/inspection/{campaign.pk}/unit/{school_a.pk}/")
    assert "已登记为整改问题 1" in member.inner_text("main")
    click_and_wait(member, member.get_by_role("button", name="提交检查记录"))
    main = member.inner_text("main")
    assert "检查记录已提交" in main and "只能查看" in main
    assert member.get_by_role("button", name="保存检查记录").count() == 0
    axe(member)
    _shot(member, "submitted", True)
    organizer.goto(f"{base}/inspection/{campaign.pk}/")
    assert "已检查" in organizer.inner_text("main")


@pytest.fixture
def eleven_groups(transactional_db: Any, cast: Any, settings: Any) -> Any:
    """Seed 002's set-up: 11 指导检查组, each led by its own 督学, over 42 schools; one 督学 declared a
    conflict with school A."""
    from kaoping.assessments.models import Recusal
    from kaoping.campaigns.models import Campaign, CampaignUnit, Phase
    from kaoping.inspection import services
    from kaoping.orgs.models import Membership, Organization, OrgKind, Role, User

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Campaign.objects.filter(pk=cast.campaign.pk).update(phase=Phase.REVIEW)
    cast.campaign.refresh_from_db()
    organizer = cast.users["organizer"]
    organizer.set_password(PASSWORD)
    organizer.save()
    for n in range(40):
        name = f"临海第{n + 1}小学"
        school = Organization.objects.create(name=name, code=f"lh{n}", kind=OrgKind.SCHOOL, parent=cast.city)
        CampaignUnit.objects.create(campaign=cast.campaign, organization=school, category="school")
    leaders = []
    for n in range(11):
        leader = User.objects.create(username=f"dx{n}", display_name=f"第{n + 1}组督学")
        Membership.objects.create(user=leader, organization=cast.city, role=Role.REVIEWER)
        services.save_group(
            campaign=cast.campaign,
            actor=organizer,
            data=services.GroupInput(name=f"第{n + 1}指导检查组", leader=leader, members=[]),
        )
        leaders.append(leader)
    Recusal.objects.create(
        campaign=cast.campaign, unit=cast.campaign_units["school_a"], user=leaders[0], reason="其子女在该校就读"
    )
    return cast


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_eleven_groups_are_drawn_over_every_school_with_recusal_and_balance(
    pages: Any, live_server: Any, eleven_groups: Any, axe: Any, phone: bool
) -> None:
    from collections import Counter

    from kaoping.inspection.models import Assignment

    campaign = eleven_groups.campaign
    page = pages.open(phone=phone)
    login(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/inspection/{campaign.pk}/")
    page.locator("#draw-category").select_option(label="学校")
    click_and_wait(page, page.get_by_role("button", name="抽签"))
    main = page.inner_text("main")
    assert "抽签完成:42 个单位" in main, main[:800]
    assert "已回避:第1指导检查组:第1组督学 申报回避(其子女在该校就读)" in main
    sizes = Counter(Assignment.objects.filter(unit__campaign=campaign).values_list("group__name", flat=True))
    assert len(sizes) == 11 and sorted(set(sizes.values())) == [3, 4]  # 42 over 11: within one
    school_a = eleven_groups.campaign_units["school_a"]
    assert Assignment.objects.get(unit=school_a).group.name != "第1指导检查组"
    axe(page)
    _shot(page, "eleven-groups", phone)
