"""Failures the user can see (issue 10 §5): a locked database, a full database or disk, a database
that is gone, and the Chinese error pages.

Each storage failure must answer 503 in Chinese with ``Retry-After`` (JSON for htmx, a page
otherwise), leave no half-written row, and heal by itself: the same request succeeds, exactly
once, as soon as the lock is released or the space is back.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from kaoping.assessments.models import SelfAssessment, Submission
from kaoping.audit.models import AuditEvent
from kaoping.campaigns.models import Phase
from kaoping.web import failures

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
SQLITE = connection.vendor == "sqlite"
POSTGRES = connection.vendor == "postgresql"
LEAKS = ("Traceback", "OperationalError", "locked", "sqlite", "psycopg", 'File "')


@pytest.fixture
def unit(campaign: Any, campaign_units: dict[str, Any]) -> Any:
    """School A in the cast's campaign, open for self-assessment."""
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save()
    return campaign_units["school_a"]


@pytest.fixture
def reporter(client_for: Callable[[Any], Client], reporter_a: Any) -> Client:
    return client_for(reporter_a)


def save(client: Client, unit: Any, note: str, *, htmx: bool = True, version: int = 0) -> Any:
    url = reverse("assessments:entry_save", args=[unit.campaign_id, unit.pk, "1.1"])
    return client.post(url, {"version": str(version), "self_score": "2", "note": note}, **(HX if htmx else {}))


def nothing_stored(unit: Any) -> bool:
    return (
        not SelfAssessment.objects.filter(unit=unit).exists()
        and not AuditEvent.objects.filter(object_type="self_assessment").exists()
    )


def assert_chinese_503(response: Any, *, htmx: bool, words: str) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    if htmx:
        data = json.loads(body)
        assert words in data["error"], data
    else:
        assert 'lang="zh-Hans"' in body and words in body and "本次操作没有生效" in body
    assert not any(leak in body for leak in LEAKS), body


def assert_stored_once(unit: Any, note: str) -> None:
    row = SelfAssessment.objects.get(unit=unit, item_id="1.1")
    assert (row.note, row.version) == (note, 1)
    assert AuditEvent.objects.filter(object_type="self_assessment", field="note").count() == 1


# ---- a lock held by another connection ------------------------------------------------------------


@pytest.fixture
def short_sqlite_timeout() -> Iterator[None]:
    """SQLite waits ``timeout`` seconds for a lock (20 in settings); the tests wait 0.1 s."""
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    connection.close()
    options["timeout"] = 0.1
    yield
    connection.close()
    options["timeout"] = before


@pytest.mark.skipif(not SQLITE, reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "form"])
def test_save_while_another_connection_holds_the_sqlite_write_lock_is_a_chinese_503_then_the_retry_stores_it(
    unit: Any, reporter: Client, short_sqlite_timeout: None, htmx: bool
) -> None:
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a long import or a backup holding the write lock
    try:
        response = save(reporter, unit, "会议纪要已上传", htmx=htmx)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert_chinese_503(response, htmx=htmx, words="数据库忙")
    assert nothing_stored(unit)

    retried = save(reporter, unit, "会议纪要已上传", htmx=htmx)
    assert retried.status_code == (200 if htmx else 302)
    assert_stored_once(unit, "会议纪要已上传")


@pytest.fixture
def pg_lock_timeout() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's row lock")
@pytest.mark.django_db(transaction=True)
def test_save_while_another_connection_locks_the_postgresql_row_is_a_chinese_503_then_the_retry_stores_it(
    unit: Any, reporter: Client, pg_lock_timeout: None
) -> None:
    import psycopg

    Submission.objects.get_or_create(unit=unit)
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")})
    other.execute("SELECT 1 FROM assessments_submission WHERE unit_id = %s FOR UPDATE", [unit.pk])
    try:
        response = save(reporter, unit, "会议纪要已上传")
    finally:
        other.rollback()
        other.close()
    assert_chinese_503(response, htmx=True, words="数据库忙")
    assert nothing_stored(unit)
    assert save(reporter, unit, "会议纪要已上传").status_code == 200
    assert_stored_once(unit, "会议纪要已上传")


# ---- a full database or disk --------------------------------------------------------------------


def driver_disk_full() -> Exception:
    """What the database driver raises when the disk fills up under the database."""
    if POSTGRES:
        import psycopg.errors

        return psycopg.errors.DiskFull('could not extend file "base/16384/16385": No space left on device')
    return sqlite3.OperationalError("database or disk is full")


@contextmanager
def disk_full_on(table: str) -> Iterator[list[str]]:
    """Every INSERT into ``table`` fails as on a full disk, raised inside Django's own error wrapping."""
    failed: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            failed.append(sql)
            with connection.wrap_database_errors:
                raise driver_disk_full()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "form"])
def test_disk_full_on_the_audit_insert_rolls_back_the_entry_row_then_saves_once_when_space_is_back(
    unit: Any, reporter: Client, htmx: bool
) -> None:
    """The entry row is written before its audit events: a full disk on the second insert must not
    leave the first one behind."""
    with disk_full_on(AuditEvent._meta.db_table) as failed:
        response = save(reporter, unit, "实地查看记录", htmx=htmx)
    assert failed, "the injected failure never fired"
    assert_chinese_503(response, htmx=htmx, words="存储空间已满")
    assert nothing_stored(unit)

    retried = save(reporter, unit, "实地查看记录", htmx=htmx)
    assert retried.status_code == (200 if htmx else 302)
    assert_stored_once(unit, "实地查看记录")


@pytest.mark.skipif(not SQLITE, reason="SQLite's max_page_count")
@pytest.mark.django_db(transaction=True)
def test_a_really_full_sqlite_database_is_a_chinese_503_and_heals_without_a_restart(
    unit: Any, reporter: Client
) -> None:
    """No mock: ``max_page_count`` caps the file at its current size, so SQLite itself answers
    SQLITE_FULL when the row needs a new page, exactly as on a full disk."""
    note = "全文" * 2500  # 15 KB of UTF-8: overflow pages, so never fits in free space of old pages
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left to reuse
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    response = save(reporter, unit, note)
    assert_chinese_503(response, htmx=True, words="存储空间已满")
    assert nothing_stored(unit)

    with connection.cursor() as cursor:  # the administrator frees space
        cursor.execute("PRAGMA max_page_count = 1073741823")
    assert save(reporter, unit, note).status_code == 200
    assert_stored_once(unit, note)


def test_no_space_left_on_device_while_saving_is_a_chinese_503(
    unit: Any, reporter: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(**kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kaoping.assessments.services.entry_save", full)
    assert_chinese_503(save(reporter, unit, "x"), htmx=True, words="存储空间已满")
    assert_chinese_503(save(reporter, unit, "x", htmx=False), htmx=False, words="存储空间已满")


# ---- a database that is gone --------------------------------------------------------------------


@contextmanager
def database_down() -> Iterator[None]:
    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with connection.wrap_database_errors:
            if POSTGRES:
                import psycopg

                raise psycopg.OperationalError("connection to server at 127.0.0.1, port 5432 failed")
            raise sqlite3.OperationalError("unable to open database file")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def quiet_reporter(reporter_a: Any) -> Client:
    """A failure in a middleware (the session load) goes through handler500; Django's test client
    would re-raise it instead of returning the response the user gets."""
    client = Client(raise_request_exception=False)
    client.force_login(reporter_a)
    return client


def test_a_page_while_the_database_is_down_is_a_chinese_503_page_rendered_without_it(
    unit: Any, quiet_reporter: Client
) -> None:
    with database_down():
        response = quiet_reporter.get(reverse("web:home"))
        assert_chinese_503(response, htmx=False, words="暂时无法连接数据库")
    assert quiet_reporter.get(reverse("web:home")).status_code == 200


def test_the_api_while_the_database_is_down_answers_json(unit: Any, quiet_reporter: Client) -> None:
    with database_down():
        response = quiet_reporter.get("/api/campaigns/")
    assert_chinese_503(response, htmx=True, words="暂时无法连接数据库")


class SessionSaveFails:
    """A middleware whose own database write fails (as the session save would on a full disk)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        self.get_response(request)
        raise OperationalError("database or disk is full")


def test_a_storage_failure_outside_the_view_reaches_handler500_and_is_still_a_chinese_503(
    unit: Any, quiet_reporter: Client, settings: Any
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.web.test_failures.SessionSaveFails"]
    response = quiet_reporter.get(reverse("web:home"))
    assert_chinese_503(response, htmx=False, words="存储空间已满")
    assert_chinese_503(quiet_reporter.get(reverse("web:home"), **HX), htmx=True, words="存储空间已满")


# ---- everything else stays a 500, in Chinese, without internals ------------------------------------


def test_an_unexpected_error_is_a_chinese_500_page_without_internals(
    unit: Any, quiet_reporter: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("internal detail /srv/kaoping/secret.py line 12")

    monkeypatch.setattr("kaoping.assessments.services.entry_save", broken)
    client = quiet_reporter
    page = save(client, unit, "x", htmx=False)
    assert page.status_code == 500
    body = page.content.decode()
    assert 'lang="zh-Hans"' in body and "服务器出错" in body and "secret" not in body
    partial = save(client, unit, "x")
    assert partial.status_code == 500 and "服务器出错" in json.loads(partial.content)["error"]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OperationalError("database is locked"), failures.Failure.BUSY),
        (OperationalError("database or disk is full"), failures.Failure.DISK_FULL),
        (OSError(errno.ENOSPC, "No space left on device"), failures.Failure.DISK_FULL),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), failures.Failure.DISK_FULL),
        (OperationalError("no such table: assessments_selfassessment"), None),  # a bug, not the weather
        (OSError(errno.EACCES, "Permission denied"), None),
        (RuntimeError("database is locked"), None),
        (None, None),
    ],
)
def test_classify_names_only_storage_failures(exc: BaseException | None, expected: Any) -> None:
    assert failures.classify(exc) == expected


@pytest.mark.parametrize(
    ("sqlstate", "expected"),
    [
        ("55P03", failures.Failure.BUSY),  # lock_timeout
        ("40P01", failures.Failure.BUSY),  # deadlock
        ("53100", failures.Failure.DISK_FULL),
        ("08006", failures.Failure.UNAVAILABLE),  # connection failure
        ("57P01", failures.Failure.UNAVAILABLE),  # admin shutdown
        (None, failures.Failure.UNAVAILABLE),  # no answer from the server at all
        ("42P01", None),  # undefined table: a bug
    ],
)
def test_classify_reads_postgresql_sqlstates(sqlstate: str | None, expected: Any) -> None:
    class DriverError(Exception):
        pass

    cause = DriverError("x")
    cause.sqlstate = sqlstate  # type: ignore[attr-defined]
    exc = OperationalError("x")
    exc.__cause__ = cause
    assert failures.classify(exc) == expected


# ---- error pages --------------------------------------------------------------------------------


def assert_chinese_page(response: Any, status: int, words: str) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert 'lang="zh-Hans"' in body and words in body, body
    assert "Traceback" not in body and "urlpatterns" not in body.lower()


@pytest.mark.django_db
def test_unknown_page_is_a_chinese_404(client: Client) -> None:
    assert_chinese_page(client.get("/no-such-page/"), 404, "页面不存在")


@pytest.mark.django_db
def test_foreign_host_is_a_chinese_400(client: Client) -> None:
    assert_chinese_page(client.get("/login/", HTTP_HOST="evil.example"), 400, "请求无效")


@pytest.mark.django_db
def test_expired_form_is_a_chinese_403_that_says_to_refresh(client: Client) -> None:
    csrf = Client(enforce_csrf_checks=True)
    assert_chinese_page(csrf.post("/login/", {"username": "x", "password": "y"}), 403, "请刷新页面")


def test_error_templates_render_without_a_request_or_database() -> None:
    from django.template.loader import render_to_string

    for name, words in [
        ("400.html", "请求无效"),
        ("403.html", "没有权限"),
        ("404.html", "页面不存在"),
        ("500.html", "服务器出错"),
        ("503.html", "暂时无法完成操作"),
    ]:
        html = render_to_string(name, {"message": "", "retry_after": 3})
        assert 'lang="zh-Hans"' in html and words in html, name


# ---- a resend whose first answer was lost ---------------------------------------------------------


def test_a_resend_of_a_save_that_already_landed_is_saved_once_not_a_conflict(unit: Any, reporter: Client) -> None:
    """The network dropped the answer (or the browser timed out) after the server committed; the
    page still holds version 0 and sends the same values again."""
    assert save(reporter, unit, "已落库").status_code == 200
    resent = save(reporter, unit, "已落库")
    body = resent.content.decode()
    assert resent.status_code == 200 and "已保存" in body and 'name="version" value="1"' in body
    assert_stored_once(unit, "已落库")


def test_a_resend_with_other_values_than_stored_is_still_a_conflict(unit: Any, reporter: Client) -> None:
    assert save(reporter, unit, "第一次").status_code == 200
    stale = save(reporter, unit, "改过了")
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert_stored_once(unit, "第一次")


def test_a_resend_over_another_users_identical_save_is_still_a_conflict(
    unit: Any, reporter: Client, client_for: Callable[[Any], Client], organizer: Any, reporter_a: Any
) -> None:
    """Only the same person's lost answer is taken as saved: anyone else's write stays a conflict."""
    from kaoping.assessments.models import SelfAssessment as Entry

    assert save(reporter, unit, "相同内容").status_code == 200
    Entry.objects.filter(unit=unit).update(updated_by=organizer)
    assert save(reporter, unit, "相同内容").status_code == 409
