"""Which endpoints take input, as whom to fuzz them, at which URL, with which fields.

Built once per test module on the access matrix's world (tests/access_matrix/world.py):

1. every persona opens every page the access-matrix table lets it open (and every page without a
   parameter); the ``<form>`` elements found there name an endpoint, its URL (real object ids) and
   its fields;
2. a route that takes a parameter and has no form on any page (e.g. a button shown only in another
   phase) is reached through its access-matrix cell (persona and target objects from the table);
3. a route without parameters and without a form is probed with an empty POST by each persona, and
   the first that gets through fuzzes it (that is how the rater's JSON ballot endpoint is found);
4. the view's own source adds the names it reads (``discover.source_names``), and the OpenAPI
   schema the JSON properties of API operations.

A route that accepts POST (or reads the query string) and ends up with no endpoint is *uncovered*:
``test_every_input_route_is_fuzzed`` fails and names it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from access_matrix import table
from access_matrix.check import body_of
from access_matrix.routes import Route, all_routes
from access_matrix.world import ROLES, World

from . import discover
from .discover import Field

# Whom to fuzz an endpoint as, when several may use it: the first in this order that can. Anonymous
# first, because only public forms (login, the room's code page) reach it.
PREFERENCE: tuple[str, ...] = (
    "anonymous", "reporter_a", "scorer_x", "reviewer", "organizer", "leader", "rater", "scorer_y", "reporter_b",
    "other_organizer",
)  # fmt: skip
PERSONAS: tuple[str, ...] = (*ROLES, "rater")
# URL parameters whose value picks a different form of the same view (one endpoint per value)
VARIANT_PARAMS = frozenset({"action", "fmt"})
TARGET_ORDER = ("unit-A", "item-of-dept-X", "item-of-dept-Y", "draft-unit", "unit-B", "dept-X-on-item-of-Y")
INPUT_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Endpoint:
    route: str
    method: str
    persona: str
    kwargs: dict[str, Any]
    query: str = ""
    fields: dict[str, Field] = field(default_factory=dict)  # form fields, or query fields for GET
    json_keys: dict[str, list[Any]] | None = None  # a JSON body's keys and plausible values
    headers: set[str] = field(default_factory=set)
    multipart: bool = False
    found: str = ""  # how the endpoint was found

    @property
    def variant(self) -> str:
        return ",".join(f"{k}={self.kwargs[k]}" for k in sorted(self.kwargs) if k in VARIANT_PARAMS)

    @property
    def id(self) -> str:
        suffix = f"[{self.variant}]" if self.variant else ""
        return f"{self.method} {self.route}{suffix} as {self.persona}"

    @property
    def url(self) -> str:
        path = reverse(self.route, kwargs=self.kwargs)
        return f"{path}?{self.query}" if self.query else path


@dataclass
class Plan:
    endpoints: list[Endpoint]
    uncovered: list[str]  # "METHOD route: why"
    get_only: list[str]  # routes that refuse POST (checked with a probe)

    def for_route(self, route: str, method: str) -> list[Endpoint]:
        return [e for e in self.endpoints if e.route == route and e.method == method]


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """One request's changes, undone. Marked like TestCase's own blocks so that the code under test
    may still open ``atomic(durable=True)`` inside it (the ballot path does)."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # type: ignore[attr-defined]
    with atomic:
        yield
        transaction.set_rollback(True)


def make_clients(world: World, rater_cookie: str) -> dict[str, Client]:
    from kaoping.ratings import tokens

    clients: dict[str, Client] = {}
    for role in PERSONAS:
        client = Client(raise_request_exception=True)
        if role == "rater":
            client.cookies[tokens.COOKIE_NAME] = rater_cookie
            voting = world.targets["unit-A"].get("selection_voter_token")  # 评选: the voter's cookie too
            if voting:
                client.get(reverse("selection:exchange", kwargs={"token": voting}))
        elif role != "anonymous":
            client.force_login(world.user(role))
        clients[role] = client
    return clients


def _is_login_redirect(response: Any) -> bool:
    from access_matrix.check import login_url

    return response.status_code in (301, 302, 303) and response.get("Location", "").startswith(login_url())


def _gets_through(response: Any) -> bool:
    status = response.status_code
    return status not in (401, 403, 404, 405, 429) and status < 500 and not _is_login_redirect(response)


def _cell_url(cell: table.Cell, route: Route, world: World) -> tuple[dict[str, Any], str] | None:
    values = {**world.params(cell.target), **cell.fixed}
    try:
        kwargs = {name: values[cell.aliases.get(name, name)] for name in route.params}
        reverse(cell.route, kwargs=kwargs)
    except (KeyError, NoReverseMatch):
        return None
    return kwargs, cell.query.format(**values) if cell.query else ""


def _cells_by_route() -> dict[tuple[str, str], list[table.Cell]]:
    cells: dict[tuple[str, str], list[table.Cell]] = {}
    for cell in table.cells():
        if (cell.prepare is None or cell.prepare in table.WORLD_EXTRAS) and not cell.published:
            cells.setdefault((cell.route, cell.method), []).append(cell)
    for found in cells.values():
        found.sort(key=lambda c: TARGET_ORDER.index(c.target) if c.target in TARGET_ORDER else len(TARGET_ORDER))
    return cells


def _persona_of(allowed: frozenset[str] | set[str]) -> str | None:
    return next((p for p in PREFERENCE if p in allowed), None)


def _crawl(world: World, clients: dict[str, Client], routes: list[Route]) -> dict[str, list[discover.FoundForm]]:
    """persona → the forms on every page it may open (in the state its endpoints are fuzzed in)."""
    found: dict[str, list[discover.FoundForm]] = {}
    for persona in PERSONAS:
        with rolled_back():
            if persona in CRAWL_STATES:
                CRAWL_STATES[persona](world)
            found[persona] = _crawl_as(persona, world, clients, routes)
    return found


def _crawl_as(persona: str, world: World, clients: dict[str, Client], routes: list[Route]) -> list[discover.FoundForm]:
    cells = _cells_by_route()
    urls: list[str] = []
    for route in routes:
        if route.is_api or not accepts(route, "GET"):
            continue
        if not route.params:
            urls.append(reverse(route.name))
            continue
        for cell in cells.get((route.name, "GET"), []):
            if persona in cell.allowed or (cell.public and persona in ("anonymous", "rater")):
                built = _cell_url(cell, route, world)
                if built:
                    path = reverse(route.name, kwargs=built[0])
                    urls.append(f"{path}?{built[1]}" if built[1] else path)
    forms: list[discover.FoundForm] = []
    for url in dict.fromkeys(urls):
        with rolled_back(), contextlib.suppress(Exception):  # a broken page is the GET fuzzing's to report
            response = clients[persona].get(url)
            body = body_of(response)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                forms.extend(discover.forms_in(body.decode("utf-8", "replace"), url))
    return forms


def _methods(route: Route) -> list[str]:
    """Methods worth fuzzing: an API operation's own; GET and POST of a page (PUT … a page treats as GET)."""
    if route.api_methods:
        return sorted(route.api_methods)
    if route.is_api:
        return ["GET"]
    return [m for m in ("GET", "POST") if accepts(route, m)]


def methods_to_fuzz(route: Route) -> list[str]:
    """The methods of a route that carry input: a GET only when the URL has parameters or the view
    reads the query string. Decided from the resolver and the view's source (no database)."""
    if route.route.startswith("static/"):
        return []
    return [m for m in _methods(route) if m != "GET" or route.params or discover.source_names(route.name).get]


def accepts(route: Route, method: str) -> bool:
    if route.api_methods:
        return method in route.api_methods
    if route.is_api:
        return method == "GET"
    allowed = discover.allowed_methods(route.name)
    return allowed is None or method in allowed


def _merge_source(endpoint: Endpoint) -> None:
    names = discover.source_names(endpoint.route)
    if endpoint.method == "GET":
        wanted = names.get
    else:
        wanted = names.post | names.get
        for name in names.files:
            endpoint.fields.setdefault(name, Field(name, "file")).kind = "file"
            endpoint.multipart = True
        if names.reads_json:
            endpoint.json_keys = {key: [] for key in sorted(names.json)}
    for name in wanted:
        endpoint.fields.setdefault(name, Field(name))
    endpoint.headers |= names.headers


def _from_forms(forms: dict[str, list[discover.FoundForm]]) -> dict[tuple[str, str, str], Endpoint]:
    endpoints: dict[tuple[str, str, str], Endpoint] = {}
    for persona in PREFERENCE:
        for form in forms.get(persona, []):
            resolved = discover.resolve_path(form.action)
            if resolved is None:
                continue
            name, kwargs = resolved
            candidate = Endpoint(name, form.method, persona, kwargs, found=f"form on {form.page}")
            candidate.multipart = form.multipart
            key = (name, form.method, candidate.variant)
            existing = endpoints.setdefault(key, candidate)
            if existing.persona == persona:
                for f in form.fields.values():
                    if f.name in existing.fields:
                        existing.fields[f.name].merge(f)
                    else:
                        existing.fields[f.name] = Field(f.name, f.kind, list(f.values))
                existing.multipart = existing.multipart or form.multipart
    return endpoints


def _from_table(route: Route, method: str, world: World) -> Endpoint | None:
    """The persona and objects of the route's access-matrix cell (of another method if need be:
    a view that takes any method has only its GET in the table)."""
    cells = _cells_by_route()
    candidates = cells.get((route.name, method), []) + [
        c for (name, m), found in cells.items() if name == route.name and m != method for c in found
    ]
    for cell in candidates:
        persona = _persona_of(cell.allowed) or ("anonymous" if cell.public else None)
        built = _cell_url(cell, route, world) if persona else None
        if persona and built:
            return Endpoint(route.name, method, persona, built[0], query=built[1], found="access-matrix cell")
    return None


def _from_probe(route: Route, method: str, clients: dict[str, Client]) -> Endpoint | None:
    """A route without parameters: the first persona an empty request lets through; else the first
    whose request the view itself refused (404 for a missing object id in the query string)."""
    if route.params:
        return None
    refused_by_view: Endpoint | None = None
    for persona in PREFERENCE:
        try:
            with rolled_back():
                response = clients[persona].generic(method, reverse(route.name))
                body_of(response)
        except Exception:  # it takes input; its fuzz test will show the error
            return Endpoint(route.name, method, persona, {}, found=f"probe: {persona} raised")
        found = f"probe: {persona} gets HTTP {response.status_code}"
        if _gets_through(response):
            return Endpoint(route.name, method, persona, {}, found=found)
        if refused_by_view is None and response.status_code == 404 and persona != "anonymous":
            refused_by_view = Endpoint(route.name, method, persona, {}, found=found)
    return refused_by_view


def build_plan(world: World, clients: dict[str, Client]) -> Plan:
    routes = all_routes()
    forms = _crawl(world, clients, routes)
    found = _from_forms(forms)
    endpoints: list[Endpoint] = []
    uncovered: list[str] = []
    get_only: list[str] = []
    for route in routes:
        for method in methods_to_fuzz(route):
            mine = [e for (name, m, _v), e in found.items() if name == route.name and m == method]
            if not mine:
                fallback = _from_table(route, method, world) or _from_probe(route, method, clients)
                mine = [fallback] if fallback else []
            if not mine:
                uncovered.append(f"{method} {route.name}: no form, no access-matrix cell, no persona gets through")
            for endpoint in mine:
                _merge_source(endpoint)
                if route.api_methods and method in INPUT_METHODS:
                    body = discover.openapi_body_keys(route.name, method)
                    endpoint.json_keys = {key: _plausible_for(schema) for key, schema in body.items()}
                endpoints.append(endpoint)
        if not route.is_api and accepts(route, "GET") and not accepts(route, "POST"):
            get_only.append(route.name)
    return Plan(endpoints=endpoints, uncovered=uncovered, get_only=get_only)


def _plausible_for(schema: dict[str, Any]) -> list[Any]:
    """A value of an OpenAPI property's declared type, so the other keys pass validation."""
    kinds = [schema.get("type")] + [option.get("type") for option in schema.get("anyOf", [])]
    for kind, value in (("integer", 0), ("string", "1"), ("boolean", False), ("object", {}), ("array", [])):
        if kind in kinds:
            return [value]
    return []


# ---- the state each endpoint is fuzzed in -----------------------------------------------------------------


def open_self_assessment(world: World) -> None:
    """The world's campaign is in review; a unit's own endpoints need self-assessment open, or every
    request stops at "closed" before any input is read."""
    from kaoping.assessments.models import Submission, SubmissionStatus
    from kaoping.campaigns.models import Phase

    campaign = world.cast.campaign
    campaign.phase = Phase.SELF_ASSESSMENT
    campaign.save(update_fields=["phase"])
    Submission.objects.filter(unit=world.objects["unit_a"]).update(status=SubmissionStatus.DRAFT)


STATES: dict[str, Callable[[World], None]] = {
    route: open_self_assessment
    for route in (
        "assessments:entry_save",
        "assessments:submit",
        "assessments:evidence_upload",
        "assessments:evidence_link",
        "assessments:unit_section",
        "api:put_entry",
    )
}
CRAWL_STATES: dict[str, Callable[[World], None]] = {"reporter_a": open_self_assessment}


# Plausible JSON values per route (the rest comes from the view's source and the OpenAPI schema)
PlausibleFn = Callable[[World], dict[str, list[Any]]]


def _ballot_values(world: World) -> dict[str, list[Any]]:
    return {"unit": [world.params("unit-A")["session_unit_id"]], "grade": ["好", "一般"], "receipt": ["0" * 32]}


def _entry_values(world: World) -> dict[str, list[Any]]:
    # the world saved each of these once: version 1 gets past the optimistic-locking check
    return {"version": [1, 0, 2], "self_score": ["1", "2.5"], "score": ["1", "2"], "reason": ["理由"]}


PLAUSIBLE_JSON: dict[str, PlausibleFn] = {
    "ratings:ballot": _ballot_values,
    "api:put_entry": _entry_values,
    "api:put_department_score": _entry_values,
    "api:put_review": _entry_values,
}


def api_endpoints(world: World, clients: dict[str, Client]) -> list[Endpoint]:
    """Persona and real URL parameters of every API operation (access-matrix cell, else a probe)."""
    endpoints = []
    for route in all_routes():
        for method in sorted(route.api_methods):
            endpoint = _from_table(route, method, world) or _from_probe(route, method, clients)
            if endpoint is not None:
                endpoints.append(endpoint)
    return endpoints
