"""No server error on malformed input, anywhere (issue 10 §4): every form, JSON endpoint and query string.

For every route of the resolver that takes input (a POST form, a JSON body, an API write, a GET
whose view reads the query string or whose URL carries ids), Hypothesis sends hostile requests as
a persona who may use the endpoint (see ``plan.py`` for how endpoints, personas and fields are
found without a hand-kept list). A response of 500 or more, or an exception escaping the view
(the test client re-raises it), fails the test and Hypothesis prints the request that did it. An
HTML page that echoes markup unescaped fails too.

The CI profile is fixed and derandomized; ``KAOPING_FUZZ_EXAMPLES`` (examples per endpoint) and
``KAOPING_FUZZ_RANDOM=1`` (a new random run each time, failures kept in Hypothesis' database) make a
longer local run. docs/testing.md says more.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from access_matrix.check import body_of
from access_matrix.routes import Route, all_routes
from access_matrix.world import World

from . import conftest, findings, wire
from .hostile import XSS_MARKER
from .plan import PLAUSIBLE_JSON, STATES, Endpoint, Plan, build_plan, make_clients, methods_to_fuzz, rolled_back

pytestmark = pytest.mark.django_db  # every test here needs the test database, even one that asks for no `db`

EXAMPLES_PER_ENDPOINT = int(os.environ.get("KAOPING_FUZZ_EXAMPLES", "40"))
RANDOM = os.environ.get("KAOPING_FUZZ_RANDOM") == "1"


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=not RANDOM,
        database=settings().database if RANDOM else None,
        deadline=None,
        print_blob=RANDOM,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )


def _inputs() -> list[Any]:
    """(method, route) of every route that takes input; decided from the resolver and the views alone."""
    return [
        pytest.param(method, route, id=f"{method} {route.name}")
        for route in all_routes()
        for method in methods_to_fuzz(route)
    ]


@pytest.fixture(scope="module")
def fuzz_plan(fuzz_world: tuple[World, str], django_db_blocker: Any) -> Plan:
    world, cookie = fuzz_world
    with django_db_blocker.unblock():
        return build_plan(world, make_clients(world, cookie))


@pytest.fixture
def clients(fuzz_world: tuple[World, str], db: Any) -> Iterator[dict[str, Client]]:
    world, cookie = fuzz_world
    yield make_clients(world, cookie)
    from django.core.cache import caches

    caches["default"].clear()  # throttling counters must not leak into the next endpoint


def _with_plausible_json(endpoint: Endpoint, world: World) -> Endpoint:
    if endpoint.json_keys is None or endpoint.route not in PLAUSIBLE_JSON:
        return endpoint
    plausible = PLAUSIBLE_JSON[endpoint.route](world)
    keys = {key: plausible.get(key, []) for key in endpoint.json_keys}
    return Endpoint(**{**endpoint.__dict__, "json_keys": keys})


def _one(endpoint: Endpoint, client: Client, cookies: dict[str, str], request: wire.FuzzRequest) -> str | None:
    """Send one request; the id of the known finding it hit, if any. Anything else wrong fails."""
    client.cookies = SimpleCookie(cookies)  # a logout or a new session in one example stays there
    conftest.EXAMPLES[endpoint.id] += 1
    with rolled_back():
        try:
            response = wire.send(client, request)
            body = body_of(response)
        except Exception as exc:
            known = findings.match(exc, endpoint.route)
            if known is None:
                exc.add_note(f"fuzz request as {endpoint.persona}:\n{request.describe()}")
                raise
            conftest.KNOWN_HITS[known.id] += 1
            return known.id
    assert response.status_code < 500, f"HTTP {response.status_code} as {endpoint.persona}:\n{request.describe()}"
    if "text/html" in response.get("Content-Type", ""):
        assert XSS_MARKER.encode() not in body, f"markup echoed unescaped:\n{request.describe()}"
    return None


def fuzz(endpoint: Endpoint, route: Route, client: Client, examples: int) -> Counter[str]:
    """The sweep, then Hypothesis, against one endpoint; the known findings hit (see findings.py)."""
    hits: Counter[str] = Counter()
    started = time.perf_counter()
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    for request in wire.sweep(endpoint, route.route):
        known = _one(endpoint, client, cookies, request)
        if known:
            hits[known] += 1

    @fuzz_settings(examples)
    @given(request=wire.requests(endpoint, route.route))
    def example(request: wire.FuzzRequest) -> None:
        known = _one(endpoint, client, cookies, request)
        if known:
            hits[known] += 1

    try:
        example()
    finally:
        conftest.SECONDS[endpoint.id] = conftest.SECONDS.get(endpoint.id, 0.0) + time.perf_counter() - started
    return hits


@pytest.mark.parametrize(("method", "route"), _inputs())
def test_no_server_error_on_hostile_input(
    method: str, route: Route, fuzz_world: tuple[World, str], fuzz_plan: Plan, clients: dict[str, Client]
) -> None:
    world, _cookie = fuzz_world
    endpoints = fuzz_plan.for_route(route.name, method)
    assert endpoints, f"{method} {route.name} takes input but is not fuzzed: {fuzz_plan.uncovered}"
    if route.name in STATES:
        STATES[route.name](world)
    hits: Counter[str] = Counter()
    for endpoint in endpoints:
        hits += fuzz(_with_plausible_json(endpoint, world), route, clients[endpoint.persona], EXAMPLES_PER_ENDPOINT)
    if hits:
        known = {f.id: f for f in findings.FINDINGS}
        pytest.xfail("; ".join(f"{known[k].summary} ({n} examples)" for k, n in sorted(hits.items())))


def test_every_input_route_is_fuzzed(fuzz_plan: Plan) -> None:
    """A new form, JSON endpoint or query parameter is fuzzed without editing the harness; one the
    harness cannot reach (no form on any page, no access-matrix cell, no persona gets through) fails here."""
    assert not fuzz_plan.uncovered, "routes that take input but are not fuzzed:\n" + "\n".join(fuzz_plan.uncovered)


def test_get_only_routes_refuse_post(
    fuzz_world: tuple[World, str], fuzz_plan: Plan, clients: dict[str, Client]
) -> None:
    """Routes left out of the POST fuzzing because their view is GET-only really answer POST with 405."""
    from django.urls import reverse

    routes = {r.name: r for r in all_routes()}
    for name in fuzz_plan.get_only:
        get = fuzz_plan.for_route(name, "GET")
        if get:
            endpoint = get[0]
            url, persona = reverse(name, kwargs=endpoint.kwargs), endpoint.persona
        elif not routes[name].params:
            url, persona = reverse(name), "organizer"
        else:
            continue
        with rolled_back():
            response = clients[persona].post(url)
            body_of(response)
        assert response.status_code in (405, 302), (
            f"{name}: GET-only by its decorator, but POST got {response.status_code}"
        )


def test_harness_finds_the_forms_it_should(fuzz_plan: Plan) -> None:
    """Negative control for discovery: known forms are found with their fields, from the pages."""
    entry = fuzz_plan.for_route("assessments:entry_save", "POST")
    assert entry and entry[0].persona == "reporter_a"
    assert {"self_score", "note", "version"} <= set(entry[0].fields)
    actions = {e.kwargs.get("action") for e in fuzz_plan.for_route("assessments:review_action", "POST")}
    assert {"return", "lock", "spot_check"} <= actions
    upload = fuzz_plan.for_route("assessments:evidence_upload", "POST")
    assert upload and upload[0].multipart and upload[0].fields["file"].kind == "file"
    ballot = fuzz_plan.for_route("ratings:ballot", "POST")
    assert ballot and ballot[0].persona == "rater" and set(ballot[0].json_keys or {}) >= {"unit", "grade", "receipt"}
    assert "Idempotency-Key" in ballot[0].headers


class Reproduced(Exception):
    """The finding's own exception escaped the view again (anything else fails the test)."""


def _known_findings() -> list[Any]:
    """Strict xfail where the finding applies; on another database it is not expected, and skipped."""
    return [
        pytest.param(
            f,
            id=f.id,
            marks=pytest.mark.xfail(strict=True, raises=Reproduced, reason="reported to its owner")
            if f.applies()
            else pytest.mark.skip(reason=f"only on {f.vendor}"),
        )
        for f in findings.FINDINGS
    ]


@pytest.mark.parametrize("finding", _known_findings())
def test_known_finding(finding: findings.Finding, fuzz_world: tuple[World, str], clients: dict[str, Client]) -> None:
    """The exact request of each finding; strict xfail, so it turns red (remove the entry) once fixed."""
    world, _cookie = fuzz_world
    if finding.routes[0] in STATES:
        STATES[finding.routes[0]](world)
    request = finding.request(world)
    with rolled_back():
        try:
            response = wire.send(clients[finding.persona], request)
        except Exception as exc:
            if finding.matches(exc):
                raise Reproduced(f"{finding.summary}\n{request.describe()}") from exc
            raise
        body_of(response)
    assert response.status_code < 500


def test_harness_catches_an_unguarded_int_in_a_view(
    fuzz_world: tuple[World, str], fuzz_plan: Plan, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Negative control: with the version parsed by a bare int() (what forms.posted_version guards
    against), the sweep of the self-assessment form fails with the exception and the request."""
    from django.http import QueryDict

    from kaoping.assessments import forms

    def bare_int(post: QueryDict) -> int:
        return int(post.get("version", "0"))

    monkeypatch.setattr(forms, "posted_version", bare_int)
    world, _cookie = fuzz_world
    STATES["assessments:entry_save"](world)
    found = fuzz_plan.for_route("assessments:entry_save", "POST")[0]
    endpoint = Endpoint(**{**found.__dict__, "fields": {"version": found.fields["version"]}})  # only version varies
    route = next(r for r in all_routes() if r.name == "assessments:entry_save")
    with pytest.raises(ValueError) as caught:
        fuzz(endpoint, route, clients[endpoint.persona], examples=1)
    assert "version=" in "".join(caught.value.__notes__)
