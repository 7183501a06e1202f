"""The role × object access matrix (issue 3 part 7, research T-C1): one test per cell.

Every URL pattern that captures a parameter must have an entry in ``access_matrix.table.TABLE``;
``test_every_object_url_has_a_table_entry`` fails when a new one appears without one. Each entry
says, per method and per target object, which roles get through; every other role must get a
plain 404 (anonymous: the login page, or 401 from the API). On top of the status, no response
may carry a marker of data the role may not see (see ``access_matrix.world``).

The world is built once per module inside an outer transaction; every test runs in its own
savepoint (pytest-django's ``db``), so a POST in one cell never leaks into the next.

Every write cell also runs against archived campaigns (``table.archived_cells``): a role that may
write is refused with "该考核活动已归档…" (on the page, in the 409 answer or in the queued message)
and no stored row changes.

Speed (≈ 4,000 cells): each role signs in once when the world is built and every cell reuses one
test client with that role's session cookie; "nothing changed" compares every table of the
project apps (many-to-many tables included) read with plain SQL.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

if TYPE_CHECKING or importlib.util.find_spec("access_matrix"):
    from access_matrix import check, table
    from access_matrix.routes import object_routes
    from access_matrix.world import (
        FORBIDDEN,
        MARKERS,
        PUBLISHED_FORBIDDEN,
        ROLES,
        UNPUBLISHED_FOR_UNITS,
        World,
        build_world,
    )
else:  # pragma: no cover - tests/ turned into a package: import the helpers by their path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    check, table = importlib.import_module("access_matrix.check"), importlib.import_module("access_matrix.table")
    object_routes = importlib.import_module("access_matrix.routes").object_routes
    _world = importlib.import_module("access_matrix.world")
    FORBIDDEN, MARKERS, PUBLISHED_FORBIDDEN = _world.FORBIDDEN, _world.MARKERS, _world.PUBLISHED_FORBIDDEN
    ROLES, UNPUBLISHED_FOR_UNITS, World, build_world = (
        _world.ROLES,
        _world.UNPUBLISHED_FOR_UNITS,
        _world.World,
        _world.build_world,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    import sys

    from django.db import transaction
    from django.test import override_settings

    # the shared persona cast (tests/conftest.py), already imported by pytest under one of these names
    conftest = sys.modules.get("tests.conftest") or sys.modules["conftest"]

    media = tmp_path_factory.mktemp("evidence")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world(conftest._build_cast())
            built.objects["sessions"] = _sign_in_once(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _sign_in_once(world: World) -> dict[str, str]:
    """Each role's session key, created once inside the world's transaction (signing in per cell
    cost a session write and a last_login update each time)."""
    sessions: dict[str, str] = {}
    for role in ROLES:
        if role != "anonymous":
            client = Client()
            client.force_login(world.user(role))
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


_CLIENT: list[Client] = []


def _client(world: World, role: str) -> Client:
    """One client for the whole module (its handler and middleware load once), with a fresh jar."""
    if not _CLIENT:
        _CLIENT.append(Client())
    client = _CLIENT[0]
    client.cookies = SimpleCookie()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.objects["sessions"][role]
    return client


def _url(cell: table.Cell, world: World) -> str:
    route = object_routes()[cell.route]
    values = {**world.params(cell.target), **cell.fixed}
    kwargs = {name: values[cell.aliases.get(name, name)] for name in route.params}
    url = reverse(cell.route, kwargs=kwargs)
    return f"{url}?{cell.query.format(**values)}" if cell.query else url


@functools.cache
def _tables() -> tuple[str, ...]:
    """Every table of the project's own apps, many-to-many tables included (evidence links live in one)."""
    from django.apps import apps

    models = apps.get_models(include_auto_created=True)
    return tuple(sorted({m._meta.db_table for m in models if m.__module__.startswith("kaoping.")}))


def _snapshot() -> list[Any]:
    """Every stored row a request could change, read with plain SQL (the world is small)."""
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows.append(cursor.fetchall())
    return rows


def _cells() -> list[Any]:
    present = object_routes()
    params = []
    for cell in table.cells():
        if cell.route not in present:
            continue  # reported by test_table_has_no_stale_entries
        for role in ROLES:
            action = f":{cell.fixed['action']}" if "action" in cell.fixed else ""  # one row per review action
            cell_id = f"{role}-{cell.method}-{cell.route}{action}-of-{cell.label}"
            gap = table.KNOWN_GAPS.get(cell_id)
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            params.append(pytest.param(cell, role, id=cell_id, marks=marks))
    return params


@pytest.mark.parametrize(("cell", "role"), _cells())
def test_cell(cell: table.Cell, role: str, world: World, db: Any) -> None:
    if cell.prepare:
        cell.prepare(world)
    client = _client(world, role)
    url = _url(cell, world)
    expected = cell.expected_for(role)
    before = _snapshot() if expected != check.OK else None
    if cell.method == "GET":
        response = client.get(url)
    else:
        data = cell.body.format(**world.params(cell.target))
        response = client.generic(cell.method, url, data=data, content_type=cell.content_type)
    body = check.body_of(response)
    changed = before is not None and _snapshot() != before
    notes = [str(m) for m in getattr(response.wsgi_request, "_messages", ())]
    problem = check.verdict(response, body, expected=expected, is_api=url.startswith("/api/"), notes=notes)
    assert problem is None, f"{role} {cell.method} {url}: {problem}" + (
        " — and it changed stored data" if changed else ""
    )
    through = expected in (check.OK, check.ARCHIVED)
    forbidden = (PUBLISHED_FORBIDDEN if cell.published else FORBIDDEN)[role] if through else frozenset(MARKERS)
    if through and not cell.published:
        forbidden = forbidden | UNPUBLISHED_FOR_UNITS.get(role, frozenset())
    leaks = check.leaked(body, (MARKERS[name] for name in forbidden))
    assert not leaks, f"{role} {cell.method} {url} (HTTP {response.status_code}) received data it may not see: {leaks}"
    assert not changed, f"{role} {cell.method} {url} was refused but changed stored data"


def test_every_object_url_has_a_table_entry() -> None:
    """A new URL pattern with an object id must be added to the table before it ships."""
    covered = {cell.route for cell in table.cells()} | set(table.NOT_OBJECT_ROUTES)
    missing = sorted(name for name in object_routes() if name not in covered)
    assert not missing, f"URL patterns with parameters but no access-matrix entry: {missing}"


def test_every_api_method_is_in_the_table() -> None:
    methods: dict[str, set[str]] = {}
    for cell in table.cells():
        methods.setdefault(cell.route, set()).add(cell.method)
    missing = [
        f"{route.name} {method}"
        for route in object_routes().values()
        for method in sorted(route.api_methods)
        if route.name in methods and method not in methods[route.name]
    ]
    assert not missing, f"API operations without access-matrix cells: {missing}"


def test_table_has_no_stale_entries() -> None:
    present = object_routes()
    stale = sorted({cell.route for cell in table.cells()} - set(present))
    assert not stale, f"access-matrix entries for URL names the resolver no longer has: {stale}"


def test_world_markers_are_reachable_by_their_owners(world: World, db: Any) -> None:
    """Negative control: the leak check can see a marker when it is really served."""
    target = world.params("unit-A")
    file_url = table.evidence_download_url(target)
    if file_url is None:
        pytest.skip("no evidence download route yet")
    response = _client(world, "reporter_a").get(file_url)
    assert response.status_code == 200
    assert MARKERS["A_PDF"].encode() in check.body_of(response)
