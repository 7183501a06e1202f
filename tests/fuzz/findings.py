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


FINDINGS: tuple[Finding, ...] = ()
# Fixed, with their regression tests in tests/web/test_input_guard.py and tests/orgs/test_services.py:
# pg-login-nul, pg-assessment-text-nul, pg-recuse-username-nul (a NUL in any form field is now a Chinese
# 400 before any view runs, kaoping.web.input_guard) and pg-orgs-text (names and codes longer than their
# column are refused with the limit, kaoping.orgs.services).


def known_for(route: str) -> list[Finding]:
    return [f for f in FINDINGS if route in f.routes and f.applies()]


def match(exc: BaseException, route: str) -> Finding | None:
    return next((f for f in known_for(route) if f.matches(exc)), None)
