"""The fuzz world: the access matrix's world, plus an open rating unit and a rater's cookie.

Built once per module inside one outer transaction (like tests/test_access_matrix.py); every
fuzz example runs in its own savepoint (``plan.rolled_back``), so no example sees another's writes.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from access_matrix.world import World, build_world

# examples sent per endpoint id, over the whole run (printed at the end of the session)
EXAMPLES: Counter[str] = Counter()
SECONDS: dict[str, float] = {}
KNOWN_HITS: Counter[str] = Counter()


def _rater_cookie(world: World) -> str:
    from django.test import Client
    from django.urls import reverse

    from kaoping.ratings import services as rating_services
    from kaoping.ratings import tokens
    from kaoping.ratings.models import SessionUnit, SlipBatch

    target = world.params("unit-A")
    session = world.objects["session"]
    unit = SessionUnit.objects.get(pk=target["session_unit_id"])
    rating_services.unit_open(session=session, session_unit=unit)
    # a rater of another group's own unit would be refused for unit A: take the first slip
    token = SlipBatch.objects.get(pk=target["batch_id"]).entries[0]["token"]
    response = Client().get(reverse("ratings:exchange", kwargs={"token": token}))
    cookie = response.cookies.get(tokens.COOKIE_NAME)
    assert cookie is not None and cookie.value, f"the rater exchange gave no cookie (HTTP {response.status_code})"
    return cookie.value


@pytest.fixture(scope="module")
def fuzz_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, str]]:
    from django.core.cache import caches
    from django.db import transaction
    from django.test import override_settings

    from kaoping.results.compute import forget_states

    conftest = sys.modules.get("tests.conftest") or sys.modules["conftest"]
    media = tmp_path_factory.mktemp("fuzz-evidence")
    # PBKDF2 at 1.2M rounds on every login attempt (Django hashes a dummy for unknown users) would
    # make the login form the whole run; the hasher is not what this fuzzing tests
    fast = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        forget_states()  # tasks run inline in tests (tests/conftest.py): results are computed in the request
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world(conftest._build_cast())
            from access_matrix import table

            for extra in table.WORLD_EXTRAS:  # published versions, objections, a finished zip
                extra(world)
            yield world, _rater_cookie(world)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            forget_states()
            caches["default"].clear()  # rate-limit and throttling counters the fuzzing ran up


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not EXAMPLES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fuzz: examples per endpoint")
    for endpoint, count in sorted(EXAMPLES.items()):
        write(f"{count:6d}  {SECONDS.get(endpoint, 0.0):6.1f} s  {endpoint}")
    total = sum(EXAMPLES.values())
    write(f"{total:6d}  {sum(SECONDS.values()):6.1f} s  in total over {len(EXAMPLES)} endpoints")
    for finding, count in sorted(KNOWN_HITS.items()):
        write(f"known finding {finding}: hit by {count} examples (strict xfail until fixed)")
