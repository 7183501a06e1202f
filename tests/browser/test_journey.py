"""The main journey in a real browser (issue 3 part 11), on the seed-004 scheme (红谷滩 2021).

1. the organizer creates a campaign from examples/honggutan-2021/scheme.yaml, adds the district
   and opens the self-assessment;
2. the district's reporter, on a phone (390×844), fills in every item, uploads a real PDF as
   evidence and submits;
3. a department (区教体局) scores its items;
4. a reviewer (督学) adjusts one score, giving a reason;
5. the organizer opens the standings and the unit's explained result.

No page of the journey may send a request to anything but the live server.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "examples" / "honggutan-2021" / "scheme.yaml"
PASSWORD = "journey-pass-2024"
DEPARTMENT = "区教体局"


def minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture
def people(transactional_db: Any, cast: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The city bureau of the cast, plus the district that self-assesses and the scoring department."""
    from kaoping.orgs.models import Department, Membership, Organization, OrgKind, Role, User

    settings.MEDIA_ROOT = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins stay quick
    district = Organization.objects.create(name="红谷滩区", code="nc-hgt", kind=OrgKind.COUNTY, parent=cast.city)
    department = Department.objects.create(bureau=cast.city, name=DEPARTMENT)
    reporter = User.objects.create_user(username="hgt_reporter", password=PASSWORD, display_name="红谷滩填报员")
    Membership.objects.create(user=reporter, organization=district, role=Role.REPORTER)
    scorer = User.objects.create_user(username="jt_scorer", password=PASSWORD, display_name="教体局评分员")
    Membership.objects.create(user=scorer, organization=cast.city, role=Role.DEPARTMENT_SCORER, department=department)
    for name in ("organizer", "reviewer"):
        cast.users[name].set_password(PASSWORD)
        cast.users[name].save()
    return {
        "organizer": cast.users["organizer"],
        "reviewer": cast.users["reviewer"],
        "reporter": reporter,
        "scorer": scorer,
        "district": district,
        "department": department,
        "city": cast.city,
    }


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    click_and_wait(page, page.locator("form button[type=submit], form input[type=submit]").first)
    assert "/login/" not in page.url, f"{username} could not log in: {page.inner_text('body')[:300]}"


def click_and_wait(page: Any, locator: Any) -> None:
    """Click something that loads a new page (a form submit or a link) and wait for it."""
    with page.expect_navigation():
        locator.click()


def confirm_and_wait(page: Any, button: Any) -> None:
    """Click a button whose step asks first (templates/_confirm_dialog.html) and confirm it."""
    button.click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    click_and_wait(page, dialog.locator("[data-confirm-ok]"))


def wait_saved(form: Any) -> str:
    """Wait until htmx answered the autosave and return the status text."""
    status = form.locator(".save-status")
    status.filter(has_not_text="保存中").filter(has_text=re.compile(r"\S")).wait_for()
    return str(status.inner_text())


def autosave(form: Any, values: dict[str, str]) -> str:
    """Set the fields without intermediate events, then fire one change (as leaving the field would)."""
    for name, value in values.items():
        form.locator(f"[name={name}]").evaluate("(el, v) => { el.value = v; }", value)
    last = next(reversed(values))
    form.locator(f"[name={last}]").dispatch_event("change")
    return wait_saved(form)


def organizer_creates_campaign(page: Any, base: str, people: dict[str, Any]) -> int:
    login(page, base, "organizer")
    page.goto(f"{base}/campaigns/new/")
    page.fill("input[name=name]", "2021年红谷滩区履职评价")
    page.fill("input[name=year]", "2021")
    owner = page.locator("select[name=owner]")
    if owner.count():
        owner.select_option(str(people["city"].pk))
    page.set_input_files("input[name=scheme_file]", str(SCHEME))
    click_and_wait(page, page.get_by_role("button", name="创建"))
    match = re.search(r"/campaigns/(\d+)/", page.url)
    assert match, f"no campaign page after creating: {page.url} {page.inner_text('body')[:400]}"
    campaign_id = int(match.group(1))
    page.goto(f"{base}/campaigns/{campaign_id}/units/")
    page.select_option("select[name=category]", "district")
    page.get_by_label(re.compile("红谷滩区")).check()
    click_and_wait(page, page.get_by_role("button", name="添加"))
    assert "红谷滩区" in page.inner_text("body")
    page.goto(f"{base}/campaigns/{campaign_id}/")
    confirm_and_wait(page, page.get_by_role("button", name=re.compile("单位自评")))
    assert "单位自评" in page.inner_text("body")
    return campaign_id


def reporter_fills_and_submits(page: Any, base: str, campaign_id: int, pdf: Path) -> int:
    login(page, base, "hgt_reporter")
    page.goto(f"{base}/assess/{campaign_id}/")
    click_and_wait(page, page.locator(f"a[href*='/assess/{campaign_id}/unit/']", has_text="红谷滩区").first)
    match = re.search(r"/unit/(\d+)/", page.url)
    assert match, page.url
    unit_id = int(match.group(1))
    index = 0
    uploaded = False
    while True:
        response = page.goto(f"{base}/assess/{campaign_id}/unit/{unit_id}/section/{index}/")
        if response is None or response.status == 404:
            break
        items = page.locator("article.assess-item")
        for n in range(items.count()):
            item = items.nth(n)
            header = item.locator("header").inner_text()
            points = re.search(r"分值\s*([\d.]+)", header)
            assert points, header
            form = item.locator("form.entry-form")
            values = {"note": "按评分标准完成,见佐证材料"}
            for figure in form.locator("input[name^=figure_]").all():
                values[str(figure.get_attribute("name"))] = "80.84"
            if form.locator("input[name=self_score]").count():
                values["self_score"] = points.group(1)
            status = autosave(form, values)
            assert "已保存" in status, f"{header}: {status}"
            if not uploaded or item.locator(".flag", has_text="必须上传").count():
                item.locator("details.evidence summary").click()
                item.locator("input[type=file]").set_input_files(str(pdf))
                click_and_wait(page, item.get_by_role("button", name="上传", exact=True))
                assert pdf.name in page.inner_text("body")
                uploaded = True
                items = page.locator("article.assess-item")
        index += 1
    assert index >= 6, f"the seed-004 scheme has 6 sections, saw {index}"
    page.goto(f"{base}/assess/{campaign_id}/unit/{unit_id}/")
    confirm_and_wait(page, page.get_by_role("button", name="提交自评"))
    body = page.inner_text("body")
    assert "已提交" in body, body[body.find("尚未完成") :][:800]
    return unit_id


def department_scores(page: Any, base: str, campaign_id: int, department_id: int) -> str:
    login(page, base, "jt_scorer")
    page.goto(f"{base}/assess/{campaign_id}/department/{department_id}/")
    links = page.locator(f"main a[href*='/department/{department_id}/item/']")
    assert links.count() > 0, page.inner_text("body")[:400]
    first_item = links.first.inner_text()
    click_and_wait(page, links.first)
    form = page.locator("form.cell-form").first
    status = autosave(form, {"score": "1"})
    assert "已保存" in status, status
    return str(first_item).split()[0]


def reviewer_adjusts(page: Any, base: str, campaign_id: int, unit_id: int) -> str:
    login(page, base, "reviewer")
    page.goto(f"{base}/assess/{campaign_id}/review/unit/{unit_id}/")
    form = page.locator("form.cell-form").first
    reason = "实地抽查发现会议纪要不全,核减0.5分"
    status = autosave(form, {"score": "0.5", "reason": reason})
    assert "已保存" in status, status
    return reason


def organizer_sees_result(page: Any, base: str, campaign_id: int, unit_id: int) -> str:
    page.goto(f"{base}/results/{campaign_id}/")
    assert "红谷滩区" in page.inner_text("body")
    click_and_wait(page, page.locator(f"main a[href*='/unit/{unit_id}/']", has_text="红谷滩区").first)
    assert f"/unit/{unit_id}/" in page.url, page.url
    return str(page.inner_text("body"))


def test_main_journey_from_scheme_to_explained_result(
    live_server: Any, people: dict[str, Any], pages: Any, tmp_path: Path
) -> None:
    from kaoping.assessments.models import ReviewScore, Submission

    base = live_server.url
    pdf = tmp_path / "会议纪要.pdf"
    pdf.write_bytes(minimal_pdf("Honggutan 2021 minutes"))

    organizer = pages.open()
    campaign_id = organizer_creates_campaign(organizer, base, people)
    unit_id = reporter_fills_and_submits(pages.open(phone=True), base, campaign_id, pdf)
    assert Submission.objects.get(unit_id=unit_id).status == "submitted"

    organizer.goto(f"{base}/campaigns/{campaign_id}/")
    confirm_and_wait(organizer, organizer.get_by_role("button", name=re.compile("审核评分")))

    department_scores(pages.open(), base, campaign_id, people["department"].pk)
    reason = reviewer_adjusts(pages.open(), base, campaign_id, unit_id)
    review = ReviewScore.objects.get(unit_id=unit_id, reason=reason)
    assert review.confirmed_score is not None
    assert str(review.confirmed_score.normalize()) == "0.5"

    result = organizer_sees_result(organizer, base, campaign_id, unit_id)
    assert "优秀" in result or "良好" in result or "合格" in result, result[:800]
    assert "0.5" in result, "the adjusted item's confirmed score shows in the explanation"

    assert pages.requests > 20
    assert pages.foreign_requests == [], f"pages reached beyond localhost: {pages.foreign_requests}"


def test_login_form_posts_pass_the_csrf_origin_check(live_server: Any, people: dict[str, Any], pages: Any) -> None:
    """Regression: under "Referrer-Policy: no-referrer" Chromium posts "Origin: null" and CSRF refuses it."""
    page = pages.open()
    login(page, live_server.url, "organizer")
    assert "CSRF" not in page.inner_text("body")
