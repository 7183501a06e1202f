"""Keyboard-only work and the confirmation dialogs (issue 11 §3 and §4), desktop and 390×844 phone.

- A reporter completes the self-assessment with the keyboard alone (Tab, typing, Space, Enter,
  Escape): fills in the items, uploads the required evidence (the page comes back at the item), sees
  the self total follow each save, and submits through the confirmation dialog (Escape first: nothing
  is posted and the focus returns to the button; then 确认提交).
- A rater grades and submits on the phone ballot page with the keyboard alone.
- Every other irreversible step opens its dialog: entering the next phase, publishing, locking,
  ending a rating session, destroying the slip list, revoking a role. Escape changes nothing; the
  confirm button does the step. axe runs with each dialog open.

Screenshots: var/screenshots/keyboard-*.png and confirm-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PASSWORD = "keyboard-pass-2024"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def shot(page: Any, name: str, phone: bool, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{'phone' if phone else 'desktop'}.png"
    page.screenshot(path=str(path), full_page=full_page)


def focused(page: Any, selector: str) -> bool:
    return bool(page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector))


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching ``selector`` has the focus (only reads where the focus is)."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_file_by_keyboard(page: Any, path: str) -> None:
    """Space on the focused file input opens the file chooser; Chromium sometimes misses the first
    press while the page is still settling, so Enter (which opens it too) is the second try."""
    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=4000) as chooser:
                page.keyboard.press(key)
        except Exception:  # playwright's TimeoutError: press again
            continue
        chooser.value.set_files(path)
        return
    raise AssertionError("the file chooser never opened from the keyboard")


def sign_in_by_keyboard(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    type_into(page, "input[name=username]", username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login/" not in page.url


def set_password(*users: Any) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save()


@pytest.fixture
def fast_hash(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "evidence"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_reporter_completes_the_self_assessment_with_the_keyboard_alone(
    pages: Any,
    live_server: Any,
    transactional_db: Any,
    cast: Any,
    fast_hash: None,
    axe: Any,
    tmp_path: Path,
    phone: bool,
) -> None:
    from kaoping.assessments.models import SelfAssessment, Submission, SubmissionStatus
    from kaoping.campaigns.models import Phase

    cast.campaign.phase = Phase.SELF_ASSESSMENT
    cast.campaign.save()
    set_password(cast.users["reporter_a"])
    unit = cast.campaign_units["school_a"]
    item = f'[id="item-{unit.pk}-1.1"]'
    item_12 = f'[id="item-{unit.pk}-1.2"]'
    page = pages.open(phone=phone)
    base = live_server.url
    sign_in_by_keyboard(page, base, "reporter_a")
    page.goto(f"{base}/assess/{unit.campaign_id}/unit/{unit.pk}/")

    tab_to(page, 'ul.sections a[href$="/section/0/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    total = page.locator("#self-total")
    assert "尚缺 2 项" in total.inner_text() and "尚缺 3 项" in total.inner_text()

    # 1.1: score and note, each saved when the focus leaves the field
    type_into(page, f"{item} input[name=self_score]", "3")
    type_into(page, f"{item} textarea[name=note]", "党组织会议纪要三份")
    page.keyboard.press("Tab")
    page.locator(f"{item} .save-status", has_text="已保存").wait_for()
    # the required evidence: open the list, choose the file with Space, upload with Enter
    tab_to(page, f"{item} details.evidence summary")
    page.keyboard.press("Enter")
    tab_to(page, f"{item} input[type=file]")
    evidence = tmp_path / "党组织会议纪要.pdf"
    evidence.write_bytes(PDF_BYTES)
    choose_file_by_keyboard(page, str(evidence))
    page.keyboard.press("Tab")
    assert focused(page, f"{item} form[enctype] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the page comes back at the item, its evidence list open, the message beside it
    assert page.url.endswith(f"?item=1.1#item-{unit.pk}-1.1")
    assert page.locator(f"{item} details.evidence[open]").count() == 1
    assert "已上传:党组织会议纪要.pdf" in page.locator(item).inner_text()
    top = page.evaluate("s => document.querySelector(s).getBoundingClientRect().top", item)
    assert 0 <= top < page.viewport_size["height"] / 2, top
    shot(page, "keyboard-evidence-uploaded", phone)

    # 1.2 from where the page stands: the section total follows the save
    type_into(page, f"{item_12} input[name=self_score]", "2.5")
    page.keyboard.press("Tab")
    page.locator(f"{item_12} .save-status", has_text="已保存").wait_for()
    total.filter(has_text="5.5").wait_for()
    assert "5.5 / 6" in total.inner_text() and "尚缺 1 项" in total.inner_text()
    shot(page, "keyboard-section-total", phone)
    axe(page)

    tab_to(page, 'nav.pager a[href$="/section/1/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    type_into(page, f'[id="item-{unit.pk}-2"] input[name=self_score]', "4")
    page.keyboard.press("Tab")
    page.locator("#self-total", has_text="9.5").wait_for()
    assert "9.5 / 10" in page.locator("#self-total").inner_text()
    assert SelfAssessment.objects.filter(unit=unit).count() == 3

    tab_to(page, 'nav.pager a[href*="#submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    submit = "form[data-confirm=confirm-submit] button[type=submit]"
    tab_to(page, submit)
    page.keyboard.press("Enter")
    dialog = page.locator("#confirm-submit")
    dialog.wait_for(state="visible")
    assert focused(page, "#confirm-submit [data-confirm-cancel]")  # the safe choice first
    assert "自评总分 9.5 / 10 分" in dialog.inner_text() and "不能再修改" in dialog.inner_text()
    page.wait_for_timeout(1000)  # Pico's fade-in: axe must see the finished colours
    shot(page, "keyboard-submit-dialog", phone, full_page=False)
    axe(page)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert focused(page, submit)  # the focus is back where it was
    assert Submission.objects.filter(unit=unit, status=SubmissionStatus.SUBMITTED).count() == 0

    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    page.keyboard.press("Tab")
    assert focused(page, "#confirm-submit [data-confirm-ok]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "自评已提交" in page.inner_text("main")
    assert "本单位自评“已提交”,不能再修改。如需修改,请联系审核人员退回。" in page.inner_text("main")
    assert Submission.objects.get(unit=unit).status == SubmissionStatus.SUBMITTED
    shot(page, "keyboard-submitted", phone)
    axe(page)
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_rater_grades_and_submits_on_the_ballot_page_with_the_keyboard_alone(
    pages: Any, live_server: Any, transactional_db: Any, cast: Any, axe: Any, phone: bool
) -> None:
    from tests.ratings.conftest import rating_scheme

    from kaoping.campaigns.models import SchemeVersion
    from kaoping.ratings import services
    from kaoping.ratings.models import Ballot, RaterCredential, SessionUnit

    SchemeVersion.objects.create(campaign=cast.campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    session = services.session_create(campaign=cast.campaign, component_id="lide", name="立德树人述职测评会")
    batch = services.credentials_issue(session=session, raters=[services.RaterSpec("张局长", "leaders")])
    token = batch.entries[0]["token"]
    assert RaterCredential.objects.filter(session=session).count() == 1
    first, second = list(SessionUnit.objects.filter(session=session))[:2]
    for unit in (first, second):
        services.unit_open(session=session, session_unit=unit)

    page = pages.open(phone=phone)
    page.goto(f"{live_server.url}/rating/t/{token}")
    assert page.url.endswith("/rating/r/")
    card = f'li.unit[data-unit="{first.pk}"]'
    tab_to(page, f'{card} button.grade[data-grade="良好"]')
    page.keyboard.press("Space")
    assert page.get_attribute(f'{card} button.grade[data-grade="良好"]', "aria-pressed") == "true"
    assert page.get_attribute(f'{card} button.grade[data-grade="好"]', "aria-pressed") == "false"
    tab_to(page, f"{card} button.submit")
    page.keyboard.press("Enter")
    page.locator(f"{card} .out.ok").wait_for()
    assert "回执码" in page.locator(f"{card} .out").inner_text()

    other = f'li.unit[data-unit="{second.pk}"]'
    tab_to(page, f'{other} button.grade[data-grade="较好"]')
    page.keyboard.press("Enter")
    tab_to(page, f"{other} button.submit")
    page.keyboard.press("Space")
    page.locator(f"{other} .out.ok").wait_for()
    assert sorted(Ballot.objects.values_list("grade", flat=True)) == ["良好", "较好"]
    shot(page, "keyboard-rater-ballot", phone)
    axe(page)


def open_dialog(page: Any, form: str, dialog_id: str, phone: bool, name: str, axe: Any) -> Any:
    """Open the form's confirmation dialog from the keyboard, check it, and leave it open."""
    tab_to(page, f"{form} button[type=submit]")
    page.keyboard.press("Enter")
    dialog = page.locator(f"#{dialog_id}")
    dialog.wait_for(state="visible")
    assert focused(page, f"#{dialog_id} [data-confirm-cancel]")
    assert page.evaluate("id => document.getElementById(id).matches(':modal')", dialog_id)
    page.wait_for_timeout(1000)  # Pico's fade-in
    shot(page, f"confirm-{name}", phone, full_page=False)  # a modal: what the screen shows
    axe(page)
    return dialog


def escape_then_confirm(page: Any, form: str, dialog_id: str, phone: bool, name: str, axe: Any) -> Any:
    dialog = open_dialog(page, form, dialog_id, phone, name, axe)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert focused(page, f"{form} button[type=submit]")
    return dialog


def confirm(page: Any, form: str, dialog_id: str) -> None:
    tab_to(page, f"{form} button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(f"#{dialog_id}").wait_for(state="visible")
    tab_to(page, f"#{dialog_id} [data-confirm-ok]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_every_irreversible_step_asks_first_and_escape_changes_nothing(
    pages: Any, live_server: Any, transactional_db: Any, cast: Any, fast_hash: None, axe: Any, phone: bool
) -> None:
    from tests.assessments.conftest import fill_unit
    from tests.ratings.conftest import rating_scheme

    from kaoping.assessments import services as assess
    from kaoping.assessments.models import Submission, SubmissionStatus
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Campaign, Phase, SchemeVersion
    from kaoping.orgs.models import Membership
    from kaoping.ratings import services as rating
    from kaoping.ratings.models import RaterCredential, RatingSession, SessionUnit

    campaign = cast.campaign
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    unit = cast.campaign_units["school_a"]
    fill_unit(unit, cast.users["reporter_a"])
    assess.submission_submit(unit=unit, actor=cast.users["reporter_a"], scheme=scheme_for(campaign))
    SchemeVersion.objects.create(campaign=campaign, number=2, data=rating_scheme(), source_name="rating.yaml")
    session = rating.session_create(campaign=campaign, component_id="lide", name="立德树人述职测评会")
    rating.credentials_issue(session=session, raters=[rating.RaterSpec("张局长", "leaders")])
    session_unit = SessionUnit.objects.filter(session=session).first()
    rating.unit_open(session=session, session_unit=session_unit)
    set_password(cast.users["organizer"])
    page = pages.open(phone=phone)
    base = live_server.url
    sign_in_by_keyboard(page, base, "organizer")

    # the next phase
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    form = "form[data-confirm=confirm-phase]"
    escape_then_confirm(page, form, "confirm-phase", phone, "phase", axe)
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.SELF_ASSESSMENT
    confirm(page, form, "confirm-phase")
    assert Campaign.objects.get(pk=campaign.pk).phase == Phase.REVIEW

    # locking a submitted self-assessment
    page.goto(f"{base}/assess/{campaign.pk}/review/unit/{unit.pk}/")
    form = "form[data-confirm=confirm-lock]"
    escape_then_confirm(page, form, "confirm-lock", phone, "lock", axe)
    assert Submission.objects.get(unit=unit).status == SubmissionStatus.SUBMITTED
    confirm(page, form, "confirm-lock")
    assert Submission.objects.get(unit=unit).status == SubmissionStatus.LOCKED

    # closing a unit of the rating session, reporting a slip lost
    page.goto(f"{base}/rating/sessions/{session.pk}/")
    form = "form[data-confirm=confirm-close-unit]"
    dialog = escape_then_confirm(page, form, "confirm-close-unit", phone, "close-unit", axe)
    assert SessionUnit.objects.get(pk=session_unit.pk).status == "open"
    confirm(page, form, "confirm-close-unit")
    assert SessionUnit.objects.get(pk=session_unit.pk).status == "closed"
    form = "form[data-confirm=confirm-reissue]"
    dialog = escape_then_confirm(page, form, "confirm-reissue", phone, "reissue", axe)
    assert RaterCredential.objects.filter(session=session, revoked=False).count() == 1
    confirm(page, form, "confirm-reissue")
    assert RaterCredential.objects.filter(session=session, revoked=True).count() == 1
    # ending the rating session, then destroying its slip list
    form = "form[data-confirm=confirm-close-session]"
    escape_then_confirm(page, form, "confirm-close-session", phone, "close-session", axe)
    assert RatingSession.objects.get(pk=session.pk).status == "open"
    confirm(page, form, "confirm-close-session")
    assert RatingSession.objects.get(pk=session.pk).status == "closed"
    form = "form[data-confirm=confirm-destroy-links]"
    escape_then_confirm(page, form, "confirm-destroy-links", phone, "destroy-links", axe)
    assert not RatingSession.objects.get(pk=session.pk).links_destroyed
    confirm(page, form, "confirm-destroy-links")
    assert RatingSession.objects.get(pk=session.pk).links_destroyed

    # publishing results (from the notice phase on)
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.NOTICE)
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    form = "form[data-confirm=confirm-publish]"
    if page.locator(f"{form} input[name=incomplete_confirmed]").count():  # units without a total: say why
        tab_to(page, f"{form} input[name=incomplete_confirmed]")
        page.keyboard.press("Space")
        type_into(page, f"{form} input[name=reason]", "按期公示,未提交单位另行说明")
    dialog = open_dialog(page, form, "confirm-publish", phone, "publish", axe)
    assert "各参评单位可以看到" in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert not Campaign.objects.get(pk=campaign.pk).results_published

    # revoking a role: the dialog names the person, the unit and the role
    page.goto(f"{base}/orgs/users/")
    reporter = Membership.objects.get(user=cast.users["reporter_b"])
    form = f'form[action$="/membership/{reporter.pk}/revoke/"]'
    if page.locator(form).count() == 0:  # the URL's shape is the orgs app's; find the form by its detail
        form = 'form[data-confirm=confirm-revoke][data-confirm-detail*="吴西湖"]'
    dialog = escape_then_confirm(page, form, "confirm-revoke", phone, "revoke", axe)
    assert Membership.objects.filter(pk=reporter.pk).exists()
    confirm(page, form, "confirm-revoke")
    assert not Membership.objects.filter(pk=reporter.pk).exists()
    assert not pages.foreign_requests


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_department_scores_with_the_units_note_and_evidence_beside_the_cell(
    pages: Any, live_server: Any, transactional_db: Any, cast: Any, fast_hash: None, axe: Any, phone: bool
) -> None:
    from tests.assessments.conftest import fill_unit

    from kaoping.assessments import services as assess
    from kaoping.assessments.models import DepartmentScore
    from kaoping.assessments.selectors import scheme_for
    from kaoping.campaigns.models import Phase

    campaign = cast.campaign
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    unit = cast.campaign_units["school_a"]
    fill_unit(unit, cast.users["reporter_a"])
    assess.submission_submit(unit=unit, actor=cast.users["reporter_a"], scheme=scheme_for(campaign))
    set_password(cast.users["scorer_x"])
    page = pages.open(phone=phone)
    sign_in_by_keyboard(page, live_server.url, "scorer_x")
    page.goto(f"{live_server.url}/assess/{campaign.pk}/department/{cast.dept_x.pk}/item/1.1/")
    row = page.locator("tr", has_text="东湖第一中学")
    assert "得失分说明" in row.inner_text() and "纪要.pdf" in row.inner_text()
    assert row.locator("a", has_text="纪要.pdf").get_attribute("href").startswith(f"/assess/{campaign.pk}/evidence/")
    type_into(page, 'input[name=score][aria-label="东湖第一中学"]', "2.5")
    page.keyboard.press("Tab")
    row.locator(".save-status", has_text="已保存").wait_for()
    assert str(DepartmentScore.objects.get(unit=unit, item_id="1.1").score.normalize()) == "2.5"
    shot(page, "department-grid-unit-entry", phone)
    axe(page)
