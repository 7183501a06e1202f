"""A failing autosave in a real browser (issue 10 §5), on desktop and on a 390×844 phone.

The reporter types a note; the server answers 503 (database busy), then the network goes away. The
status says so in Chinese, the text survives a reload (with a note that it was restored), and when
the network returns the save lands exactly once. A stale form (409) is explained and not retried.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from kaoping.assessments.models import SelfAssessment
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Phase
from kaoping.web import failures

PASSWORD = "failure-pass-2024"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NOTE = "会议纪要三份(3月、6月、9月),已上传扫描件"


@pytest.fixture
def section(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cast.campaign.phase = Phase.SELF_ASSESSMENT
    cast.campaign.save()
    reporter = cast.users["reporter_a"]
    reporter.set_password(PASSWORD)
    reporter.save()
    unit = cast.campaign_units["school_a"]
    return {"unit": unit, "path": f"/assess/{unit.campaign_id}/unit/{unit.pk}/section/0/"}


def login(page: Any, base: str, username: str = "reporter_a") -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    assert "/login/" not in page.url


def busy_answer(failure: failures.Failure = failures.Failure.BUSY) -> tuple[int, dict[str, str], bytes]:
    """Exactly what the server sends an htmx save while SQLite is locked (kaoping.web.failures)."""
    request = RequestFactory().post("/", HTTP_HX_REQUEST="true")
    response = failures.failure_response(request, failure)
    return response.status_code, {k: v for k, v in response.items()}, response.content


def wait_until(page: Any, done: Callable[[], bool], what: str) -> None:
    for _ in range(300):
        if done():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"gave up waiting: {what}")


def draft_in_storage(page: Any) -> str:
    return str(page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('kaoping.draft:')).join()"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_failed_save_is_explained_kept_over_a_reload_and_lands_once_when_the_network_returns(
    pages: Any, live_server: Any, section: dict[str, Any], axe: Callable[[Any], None], phone: bool
) -> None:
    page = pages.open(phone=phone)
    context = page.context
    base = live_server.url
    login(page, base)
    page.goto(base + section["path"])
    form = page.locator("form.entry-form").first
    status = form.locator(".save-status")
    save_url = re.compile(r"/item/1\.1/save/$")

    answered: list[int] = []
    page.on("response", lambda r: answered.append(r.status) if save_url.search(r.url) else None)
    refused: list[str] = []
    code, headers, body = busy_answer()

    def fail(route: Any) -> None:
        refused.append(route.request.url)
        route.fulfill(status=code, headers=headers, body=body)

    page.route(save_url, fail)

    # 1. the database is busy: the status says so and a retry follows by itself
    form.locator("textarea[name=note]").fill(NOTE)
    form.locator("textarea[name=note]").blur()
    status.filter(has_text="保存失败:数据库忙,正在重试…").wait_for()
    wait_until(page, lambda: len(refused) >= 2, "a retry with backoff")
    assert "kaoping.draft:" in draft_in_storage(page)

    # 2. the network goes away
    context.set_offline(True)
    status.filter(has_text="网络已断开,恢复后自动保存").wait_for()
    name = "phone" if phone else "desktop"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"save-failure-offline-{name}.png"), full_page=True)
    axe(page)

    # 3. back online but the server still fails; the reporter reloads: the text is restored
    context.set_offline(False)
    page.reload()
    form = page.locator("form.entry-form").first
    status = form.locator(".save-status")
    assert form.locator("textarea[name=note]").input_value() == NOTE
    form.locator(".draft-note", has_text="已恢复您上次未保存的内容").wait_for()
    status.filter(has_text="保存失败:数据库忙,正在重试…").wait_for()
    page.screenshot(path=str(SHOTS / f"save-failure-restored-{name}.png"), full_page=True)
    axe(page)
    assert not SelfAssessment.objects.filter(unit=section["unit"]).exists()

    # 4. the server recovers and the network blips: the save lands, exactly once
    page.unroute(save_url)
    context.set_offline(True)
    context.set_offline(False)
    status.filter(has_text="已保存").wait_for()
    assert form.locator(".draft-note").count() == 0
    assert draft_in_storage(page) == ""
    page.wait_for_timeout(500)  # let any stray retry surface before counting
    assert answered.count(200) == 1, answered
    row = SelfAssessment.objects.get(unit=section["unit"], item_id="1.1")
    assert (row.note, row.version) == (NOTE, 1)
    assert AuditEvent.objects.filter(object_type="self_assessment", field="note").count() == 1
    page.screenshot(path=str(SHOTS / f"save-failure-saved-{name}.png"), full_page=True)

    page.reload()
    assert page.locator("form.entry-form").first.locator("textarea[name=note]").input_value() == NOTE
    assert page.locator(".draft-note").count() == 0


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_stale_form_is_explained_and_never_retried(
    pages: Any, live_server: Any, section: dict[str, Any], axe: Callable[[Any], None], phone: bool
) -> None:
    from kaoping.assessments import services
    from kaoping.assessments.selectors import item_ref, scheme_for

    page = pages.open(phone=phone)
    base = live_server.url
    login(page, base)
    page.goto(base + section["path"])
    unit = section["unit"]
    ref = item_ref(scheme_for(unit.campaign), unit.category, "1.1")
    services.entry_save(  # someone else saves while the page is open
        unit=unit,
        item=ref.item,
        actor=section["unit"].campaign.created_by,
        version=0,
        data=services.EntryInput(self_score="1", note="组织者先填的"),
    )
    answered: list[int] = []
    page.on("response", lambda r: answered.append(r.status) if r.url.endswith("/item/1.1/save/") else None)
    form = page.locator("form.entry-form").first
    form.locator("textarea[name=note]").fill("我的说明")
    form.locator("textarea[name=note]").blur()
    form.locator(".save-status", has_text="已被他人修改").wait_for()
    assert "已保存的自评分" in form.locator(".save-status").inner_text()
    page.wait_for_timeout(3500)  # longer than the first retry delay: nothing may be resent
    assert answered == [409], answered
    assert draft_in_storage(page) == ""
    assert SelfAssessment.objects.get(unit=unit, item_id="1.1").note == "组织者先填的"
    page.screenshot(path=str(SHOTS / f"save-conflict-{'phone' if phone else 'desktop'}.png"), full_page=True)
    axe(page)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_error_pages_are_chinese_and_accessible(
    pages: Any,
    live_server: Any,
    section: dict[str, Any],
    axe: Callable[[Any], None],
    phone: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """404, a full disk on a plain form POST (the noscript 保存 button: the 503 page), and an
    unexpected error (the 500 page)."""
    from django.db import OperationalError

    page = pages.open(phone=phone)
    base = live_server.url
    name = "phone" if phone else "desktop"
    login(page, base)

    response = page.goto(base + "/no-such-page/")
    assert response is not None and response.status == 404
    assert "页面不存在" in page.inner_text("main") and page.locator("html").get_attribute("lang") == "zh-Hans"
    page.screenshot(path=str(SHOTS / f"error-404-{name}.png"), full_page=True)
    axe(page)

    def disk_full(**kwargs: Any) -> Any:
        raise OperationalError("database or disk is full")

    monkeypatch.setattr("kaoping.assessments.services.entry_save", disk_full)
    page.goto(base + section["path"])
    form = page.locator("form.entry-form").first
    form.locator("textarea[name=note]").fill("没有脚本时的说明")
    with page.expect_navigation():  # what the noscript 保存 button does: a plain form POST
        form.evaluate("f => f.submit()")
    main = page.inner_text("main")
    assert "服务器存储空间已满" in main and "本次操作没有生效" in main
    assert not SelfAssessment.objects.filter(unit=section["unit"]).exists()
    page.screenshot(path=str(SHOTS / f"error-503-{name}.png"), full_page=True)
    axe(page)

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("internal detail")

    monkeypatch.setattr("kaoping.assessments.services.entry_save", broken)
    page.goto(base + section["path"])
    with page.expect_navigation():
        page.locator("form.entry-form").first.evaluate("f => f.submit()")
    assert "服务器出错" in page.inner_text("main") and "internal" not in page.content()
    page.screenshot(path=str(SHOTS / f"error-500-{name}.png"), full_page=True)
    axe(page)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_department_and_review_saves_on_a_full_disk_are_explained_and_land_once(
    pages: Any, live_server: Any, cast: Any, section: dict[str, Any], axe: Callable[[Any], None], phone: bool
) -> None:
    """The same autosave runs the department grid and the reviewer's table."""
    from kaoping.assessments.models import DepartmentScore, ReviewScore

    cast.campaign.phase = Phase.REVIEW
    cast.campaign.save()
    for username in ("scorer_x", "reviewer"):
        cast.users[username].set_password(PASSWORD)
        cast.users[username].save()
    unit = section["unit"]
    base = live_server.url
    name = "phone" if phone else "desktop"
    code, headers, body = busy_answer(failures.Failure.DISK_FULL)
    grid = f"/assess/{unit.campaign_id}/department/{cast.dept_x.pk}/item/1.1/"
    review = f"/assess/{unit.campaign_id}/review/unit/{unit.pk}/"
    cases = [
        ("scorer_x", grid, f"{grid}unit/{unit.pk}/", {"score": "1.5"}, "department"),
        ("reviewer", review, f"{review}item/1.1/", {"reason": "实地核查:纪要不全", "score": "2"}, "review"),
    ]
    for username, path, save_path, values, label in cases:
        page = pages.open(phone=phone)
        login(page, base, username)
        page.goto(base + path)
        form = page.locator(f"form[hx-post='{save_path}']")
        page.route(
            re.compile(re.escape(save_path) + "$"), lambda route: route.fulfill(status=code, headers=headers, body=body)
        )
        for field, value in values.items():
            form.locator(f"[name={field}]").evaluate("(el, v) => { el.value = v; }", value)
        form.locator(f"[name={next(reversed(values))}]").dispatch_event("change")
        status = form.locator(".save-status")
        status.filter(has_text="保存失败:服务器存储空间已满").wait_for()
        status.scroll_into_view_if_needed()  # on a phone the score column is off to the right
        page.screenshot(path=str(SHOTS / f"save-failure-{label}-{name}.png"), full_page=True)
        axe(page)
        page.unroute(re.compile(re.escape(save_path) + "$"))
        page.context.set_offline(True)
        page.context.set_offline(False)
        status.filter(has_text="已保存").wait_for()
        assert draft_in_storage(page) == ""
    assert DepartmentScore.objects.get(unit=unit, item_id="1.1").version == 1
    assert ReviewScore.objects.get(unit=unit, item_id="1.1").version == 1


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_save_that_times_out_says_so_and_lands_once_later(
    pages: Any, live_server: Any, section: dict[str, Any], phone: bool
) -> None:
    """The server never answers: after htmx's timeout (40 s in the app, 0.5 s here) the status says so."""
    page = pages.open(phone=phone)
    login(page, live_server.url)
    page.goto(live_server.url + section["path"])
    page.evaluate("() => { htmx.config.timeout = 500; }")
    save_url = re.compile(r"/item/1\.1/save/$")
    hanging: list[Any] = []
    page.route(save_url, lambda route: hanging.append(route))  # never answered
    form = page.locator("form.entry-form").first
    form.locator("textarea[name=note]").fill(NOTE)
    form.locator("textarea[name=note]").blur()
    form.locator(".save-status", has_text="保存超时:服务器没有及时回应,正在重试…").wait_for()
    wait_until(page, lambda: len(hanging) >= 2, "a retry after the timeout")
    page.unroute(save_url)
    page.evaluate("() => { htmx.config.timeout = 40000; }")
    form.locator(".save-status", has_text="已保存").wait_for()
    row = SelfAssessment.objects.get(unit=section["unit"], item_id="1.1")
    assert (row.note, row.version) == (NOTE, 1)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_save_whose_answer_is_lost_is_resent_and_stored_once(
    pages: Any, live_server: Any, section: dict[str, Any], phone: bool
) -> None:
    """The server commits, then the connection drops before the answer arrives; the page still holds
    version 0 and resends: the server recognises its own landed save instead of calling it a conflict."""
    page = pages.open(phone=phone)
    login(page, live_server.url)
    page.goto(live_server.url + section["path"])
    save_url = re.compile(r"/item/1\.1/save/$")
    lost: list[int] = []

    def drop_first_answer(route: Any) -> None:
        if lost:
            route.continue_()
            return
        lost.append(route.fetch().status)  # reaches the server and commits
        route.abort("connectionreset")

    page.route(save_url, drop_first_answer)
    answered: list[int] = []
    page.on("response", lambda r: answered.append(r.status) if save_url.search(r.url) else None)
    form = page.locator("form.entry-form").first
    form.locator("textarea[name=note]").fill(NOTE)
    form.locator("textarea[name=note]").blur()
    form.locator(".save-status", has_text="保存失败:连接不上服务器,正在重试…").wait_for()
    form.locator(".save-status", has_text="已保存").wait_for()
    assert lost == [200] and answered == [200], (lost, answered)
    row = SelfAssessment.objects.get(unit=section["unit"], item_id="1.1")
    assert (row.note, row.version) == (NOTE, 1)
    assert AuditEvent.objects.filter(object_type="self_assessment", field="note").count() == 1
    assert draft_in_storage(page) == ""
