"""Every page, as every role, speaks the user's language (issue 11 §2).

The demo world (``page_crawl.build_world``) is built once; each role signs in and follows every
same-site link and GET form it can reach from the home page (at most ``PER_PATTERN`` addresses of
one URL pattern), plus the addresses of every page pattern that takes ids, filled from the data.
A page fails on a known internal code word or a Python repr in its visible text
(``page_crawl.CODE_WORDS``: one list), a CSV or XLSX download on an English header or code in a
cell. ``test_the_crawl_reaches_every_page`` keeps the crawl honest: every GET page pattern of the
resolver must have been opened by some role.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

import page_crawl  # tests/page_crawl.py: tests/ is on sys.path (its conftest.py is the rootdir's)

# Every test asks for the database, so pytest-django sets up the test database for the module fixture.
pytestmark = pytest.mark.django_db

# Routes that only take a POST (actions and htmx saves) or a one-time token: no page to read.
NOT_PAGES = frozenset(
    {
        # the second sign-in step exists only between the password and the code (tests/web/test_two_factor.py)
        "web:login_code",
        "web:logout",
        "web:healthz",
        "orgs:membership_revoke",
        "orgs:import_confirm",
        "campaigns:phase",
        "campaigns:deadlines",
        "campaigns:publish",
        "campaigns:unit_remove",
        "assessments:entry_save",
        "assessments:submit",
        "assessments:evidence_upload",
        "assessments:evidence_link",
        "assessments:department_cell_save",
        "assessments:review_save",
        "assessments:review_action",
        "ratings:session_action",
        "ratings:unit_action",
        "ratings:credentials_issue",
        "ratings:credential_reissue",
        "ratings:exchange",
        "assessments:self_import_confirm",
        "assessments:report_import_confirm",
        "ratings:ballot",
        "ratings:rater_status",
        "ratings:board_json",
        "jobs:retry",
        "inbox:open",
        "inbox:mark",
        "inbox:read_all",
        "results:recompute",
        "analytics:compute",
        "publication:publish",
        "publication:set_public",
        "publication:objection_assign",
        "publication:objection_answer",
        "publication:objection_evidence",
        "rectification:settings",
        "commendation:draw",
        "commendation:decide",
        "commendation:approve",
        "commendation:publish",
        "rectification:from_review",
        "rectification:from_objection",
        "rectification:from_spot_check",
        "rectification:edit",
        "rectification:report",
        "rectification:recheck",
        "rectification:evidence",
        "rectification:ledger_xlsx",
        "rectification:ledger_docx",
        "goals:target_report",
        "goals:target_evidence",
        "goals:task_report",
        "goals:task_evidence",
        "goals:milestone_add",
        "goals:milestone_done",
        # 督查检查: form posts and the photo download (tests/inspection, tests/browser/test_inspection.py)
        "inspection:draw",
        "inspection:checklist",
        "inspection:plan",
        "inspection:photo",
        "inspection:photo_file",
        "inspection:finding",
        "inspection:finding_problem",
        "inspection:submit",
        "inspection:reopen",
        # 评选: form posts, downloads (slips PDF, evidence), the voting token and the voter's page, which
        # needs a voting slip's cookie (tests/selection, tests/browser/test_selection.py)
        "selection:action",
        "selection:tie",
        "selection:slips_pdf",
        "selection:evidence",
        "selection:exchange",
        "selection:vote",
        # Word and PDF downloads (tests/documents read them back)
        "documents:self_report",
        "documents:batch_download",
    }
)


class Crawled:
    def __init__(self) -> None:
        self.pages: list[page_crawl.Page] = []
        self.problems: list[str] = []
        self.seconds = 0.0
        self.built = 0.0
        self.cpu = 0.0


@pytest.fixture(scope="module")
def crawled(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crawled]:
    from django.db import transaction

    result = Crawled()
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started, cpu = time.perf_counter(), time.process_time()
            world = page_crawl.build_world(Client)
            result.built = time.perf_counter() - started
            words = page_crawl.code_words()
            legitimate = page_crawl.legitimate_strings()
            for page in page_crawl.crawl_every_role(world, Client):
                result.pages.append(page)
                page.problems = check(page, words, legitimate)
                result.problems += [f"{page.role} {page.url} [{page.route}]: {p}" for p in page.problems]
            result.seconds = time.perf_counter() - started
            result.cpu = time.process_time() - cpu
            yield result
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def check(page: page_crawl.Page, words: frozenset[str], legitimate: list[str]) -> list[str]:
    if page.status >= 500:
        return [f"answered {page.status}"]
    body: bytes = getattr(page, "body", b"")
    legitimate = page_crawl.legitimate_on(page.route) + legitimate
    pattern = page_crawl.PATTERNS_ON.get(page.route)
    if page.content_type.startswith("text/html"):
        text, _links = page_crawl.read_html(page.text)
        return page_crawl.findings(text, words=words, legitimate=legitimate, pattern=pattern)
    if "csv" in page.content_type:
        return page_crawl.csv_findings(body, words=words, legitimate=legitimate, pattern=pattern)
    if "spreadsheetml" in page.content_type:
        return page_crawl.xlsx_findings(body, words=words, legitimate=legitimate, pattern=pattern)
    return []


def test_no_page_shows_internal_code(crawled: Crawled) -> None:
    summary = {role: sum(1 for p in crawled.pages if p.role == role) for role in page_crawl.ROLES}
    seconds = f"{crawled.seconds:.1f} s (world {crawled.built:.1f} s, CPU {crawled.cpu:.1f} s)"
    print(f"\ncrawled {len(crawled.pages)} pages in {seconds}: {summary}")
    findings = page_crawl.ROOT / "var" / "crawl-findings.txt"
    findings.unlink(missing_ok=True)  # never a stale list from an earlier run
    if crawled.problems:
        findings.write_text("\n".join(crawled.problems), encoding="utf-8")
    assert not crawled.problems, f"{len(crawled.problems)} findings:\n" + "\n".join(crawled.problems)


def test_the_crawl_reaches_every_page(crawled: Crawled) -> None:
    import importlib

    routes = importlib.import_module("access_matrix.routes").all_routes()
    pages = {r.name for r in routes if not r.is_api and r.name not in NOT_PAGES}
    reached = {p.route for p in crawled.pages if p.status < 400}
    assert pages - reached == set()


def test_every_role_reaches_pages(crawled: Crawled) -> None:
    for role in page_crawl.ROLES:
        opened = [p for p in crawled.pages if p.role == role and p.status == 200]
        assert opened, role
    assert any(p.route == "ratings:rater" and p.status == 200 for p in crawled.pages if p.role == "rater")


def test_the_crawl_is_fast(crawled: Crawled) -> None:
    """CPU seconds: the wall clock depends on what else the machine runs."""
    assert crawled.cpu < 60, crawled.cpu


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path", ["/no-such-page/", "/campaigns/999999/", "/assess/999999/unit/1/"])
def test_a_missing_page_is_the_chinese_404_even_with_debug_on(client: Client, path: str, db: Any) -> None:
    from kaoping.orgs.models import User

    client.force_login(User.objects.create(username="someone"))
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and 'lang="zh-Hans"' in text
    assert "URLconf" not in text and "Django" not in text and "urlpatterns" not in text
