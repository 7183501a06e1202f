"""Server errors the fuzzing found in code this harness's author does not own, reported to its owner.

Each finding names the exception and the function it escapes from. In the fuzz run an example that
raises exactly that (type, and a traceback frame in that file and function) is counted as the known
finding instead of failing the run, so fuzzing of the endpoint goes on and still catches anything
new. Each finding also has its exact request as a strict-xfail regression test
(``test_inputs.py::test_known_finding``): when the owner fixes it, that test passes, strict xfail
turns it into a failure, and the entry here is removed.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from access_matrix.world import World

from .wire import FuzzRequest


@dataclass(frozen=True)
class Finding:
    id: str
    routes: tuple[str, ...]  # resolver names of the endpoints it breaks; the first is reproduced
    persona: str
    exception: str  # class name of the uncaught exception
    file: str  # path suffix of the file it escapes from
    function: str | None  # the function in that file (None: any)
    summary: str  # input → what happens, and what should happen; the owner
    request: Callable[[World], FuzzRequest]
    vendor: str | None = None  # only on this database ("postgresql"), else on every one

    def applies(self) -> bool:
        from django.db import connection

        return self.vendor is None or connection.vendor == self.vendor

    def matches(self, exc: BaseException) -> bool:
        if type(exc).__name__ != self.exception:
            return False
        frames = traceback.extract_tb(exc.__traceback__)
        return any(f.filename.endswith(self.file) and self.function in (None, f.name) for f in frames)


FORM = "application/x-www-form-urlencoded"


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


def _login_nul(world: World) -> FuzzRequest:
    return FuzzRequest("POST", _url("web:login"), b"username=a%00b&password=kaoping-wrong-1", FORM)


def _entry_nul(world: World) -> FuzzRequest:
    target = world.params("unit-A")
    url = _url("assessments:entry_save", campaign_id=target["campaign_id"], unit_id=target["unit_id"], item_id="1.1")
    return FuzzRequest("POST", url, b"self_score=1&note=a%00b&version=1", FORM)


def _recuse_nul(world: World) -> FuzzRequest:
    target = world.params("unit-A")
    url = _url(
        "assessments:review_action", campaign_id=target["campaign_id"], unit_id=target["unit_id"], action="recuse"
    )
    return FuzzRequest("POST", url, b"username=a%00b&reason=x", FORM)


def _department_too_long(world: World) -> FuzzRequest:
    bureau = world.cast.city.pk
    return FuzzRequest("POST", _url("orgs:departments"), f"bureau={bureau}&name={'x' * 101}".encode(), FORM)


FINDINGS: tuple[Finding, ...] = (
    Finding(
        id="pg-login-nul",
        routes=("web:login",),
        persona="anonymous",
        exception="DataError",
        file="kaoping/web/accounts.py",
        function=None,
        summary=(
            "PostgreSQL: POST /login/ with a NUL in the user name: the failed login is recorded with it and "
            "PostgreSQL refuses text with NUL (DataError) → 500; should be an ordinary failed login. "
            "src/kaoping/web/accounts.py login_failed (owner: §2 accounts)"
        ),
        request=_login_nul,
        vendor="postgresql",
    ),
    Finding(
        id="pg-assessment-text-nul",
        routes=(
            "assessments:entry_save",
            "assessments:department_cell_save",
            "assessments:review_save",
            "assessments:review_action",
        ),
        persona="reporter_a",
        exception="DataError",
        file="kaoping/assessments/services.py",
        function=None,
        summary=(
            "PostgreSQL: a NUL in a note, reason, inspectors or findings of the self-assessment, department, "
            "review, return and spot-check forms reaches the INSERT/UPDATE (DataError) → 500; should be refused "
            "with a located Chinese message. src/kaoping/assessments/services.py (_versioned_write, _set_status, "
            "spot_check_record …; owner: §3 assessments)"
        ),
        request=_entry_nul,
        vendor="postgresql",
    ),
    Finding(
        id="pg-recuse-username-nul",
        routes=("assessments:review_action",),
        persona="organizer",
        exception="DataError",
        file="kaoping/assessments/views.py",
        function="_recusal_action",
        summary=(
            "PostgreSQL: POST /assess/<c>/review/unit/<u>/recuse/ with a NUL in username: the user lookup sends it "
            "to PostgreSQL (DataError) → 500; should be 找不到该用户名. src/kaoping/assessments/views.py "
            "_recusal_action (owner: §3 assessments)"
        ),
        request=_recuse_nul,
        vendor="postgresql",
    ),
    Finding(
        id="pg-orgs-text",
        routes=("orgs:categories", "orgs:departments", "orgs:membership_revoke", "orgs:tree", "orgs:users"),
        persona="organizer",
        exception="DataError",
        file="kaoping/orgs/services.py",
        function=None,
        summary=(
            "PostgreSQL: a department name over 100 characters, a category code over 64, or a NUL in a name, code "
            "or reason reaches the INSERT (DataError: value too long / NUL) → 500; SQLite stores them. Should be "
            "refused with a located Chinese message. src/kaoping/orgs/services.py (category_create, "
            "department_create, membership_revoke …; owner: orgs)"
        ),
        request=_department_too_long,
        vendor="postgresql",
    ),
)


def known_for(route: str) -> list[Finding]:
    return [f for f in FINDINGS if route in f.routes and f.applies()]


def match(exc: BaseException, route: str) -> Finding | None:
    return next((f for f in known_for(route) if f.matches(exc)), None)
