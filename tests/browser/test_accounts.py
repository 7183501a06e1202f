"""Account pages in Chromium on a desktop and a 390×844 phone, each checked by axe-core (issue 10 §2):
the login page's lock message, the account page (password change), the administrator's password page,
two-factor enrolment (QR code) and the code step of a sign-in. Screenshots: var/screenshots/accounts-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kaoping-test-pass-1"
NEW_PASSWORD = "浏览器里设置的新密码-2024"


@pytest.fixture
def people(transactional_db: Any, cast: Any, settings: Any) -> dict[str, Any]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for name in ("organizer", "admin_user", "reporter_a"):
        cast.users[name].set_password(PASSWORD)
        cast.users[name].save()
    return cast.users


def shot(page: Any, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"accounts-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


def submit(page: Any, selector: str = "main form button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def sign_in(page: Any, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


def fits(page: Any) -> None:
    """Nothing wider than the screen (a phone must not scroll sideways)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_login_lock_message(pages: Any, live_server: Any, people: dict[str, Any], axe: Any, phone: bool) -> None:
    page = pages.open(phone=phone)
    for n in range(5):
        sign_in(page, live_server.url, "reporter_a", f"wrong-password-{n}")
        assert "用户名或密码不正确" in page.inner_text("main")
    sign_in(page, live_server.url, "reporter_a", PASSWORD)
    text = page.inner_text("main")
    assert "登录失败次数过多" in text and "分钟后再试" in text
    assert "/login/" in page.url
    axe(page)
    fits(page)
    shot(page, "login-locked", phone)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_account_page_changes_the_password(
    pages: Any, live_server: Any, people: dict[str, Any], axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, live_server.url, "reporter_a")
    page.locator("header a", has_text="账号").click()
    page.wait_for_url("**/account/")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "123456789012")
    page.fill("input[name=new_password2]", "123456789012")
    submit(page)
    assert "只包含数字" in page.inner_text("main")
    axe(page)
    fits(page)
    shot(page, "password-change-refused", phone)
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    submit(page)
    assert "密码已修改" in page.inner_text("main")
    axe(page)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_admin_sets_a_password_and_the_user_must_change_it(
    pages: Any, live_server: Any, people: dict[str, Any], axe: Any, phone: bool
) -> None:
    page = pages.open(phone=phone)
    sign_in(page, live_server.url, "admin_user")
    page.goto(f"{live_server.url}/orgs/users/")
    axe(page)
    shot(page, "users", phone)
    page.get_by_role("link", name="重设密码:周东湖").click()
    page.wait_for_url("**/password/")
    page.fill("input[name=new_password1]", "short")
    page.fill("input[name=new_password2]", "short")
    submit(page)
    assert "太短" in page.inner_text("main")
    axe(page)
    fits(page)
    shot(page, "admin-password-refused", phone)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    submit(page)
    assert "已为“周东湖”设置新密码" in page.inner_text("main")

    user_page = pages.open(phone=phone)
    sign_in(user_page, live_server.url, "reporter_a", NEW_PASSWORD)
    assert "/account/" in user_page.url
    assert "管理员为您设置了新密码" in user_page.inner_text("main")
    axe(user_page)
    fits(user_page)
    shot(user_page, "forced-change", phone)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_two_factor_enrolment_and_the_code_step(
    pages: Any, live_server: Any, people: dict[str, Any], axe: Any, phone: bool
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def code(device: Any, ahead: int) -> str:
        # from the device's drift as the server keeps it: a code entered just after a 30-second
        # step ends is accepted one step behind and moves the drift (a slow machine did that)
        device.refresh_from_db()
        return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift=device.drift + ahead):06d}"

    page = pages.open(phone=phone)
    sign_in(page, live_server.url, "organizer")
    page.goto(f"{live_server.url}/account/two-factor/")
    axe(page)
    submit(page)
    qr = page.locator("img[alt='两步验证设置二维码']")
    assert qr.is_visible() and qr.evaluate("img => img.naturalWidth > 0")
    axe(page)
    fits(page)
    shot(page, "two-factor-enrol", phone)
    device = TOTPDevice.objects.get(user=people["organizer"])
    page.fill("input[name=code]", code(device, 0))
    submit(page)
    assert "两步验证已启用" in page.inner_text("main")
    axe(page)

    second = pages.open(phone=phone)
    sign_in(second, live_server.url, "organizer")
    assert "/login/code/" in second.url
    second.fill("input[name=code]", "000000" if code(device, 1) != "000000" else "111111")
    submit(second)
    assert "验证码不正确" in second.inner_text("main")
    axe(second)
    fits(second)
    shot(second, "login-code-refused", phone)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    second.fill("input[name=code]", code(device, 1))
    submit(second)
    assert second.url.rstrip("/") == live_server.url
    assert not pages.foreign_requests
