"""The JSON API against its own OpenAPI schema, with schemathesis (issue 10 §4).

The schema comes from the django-ninja ``api`` object (not from /api/openapi.json, which needs a
signed-in user), the requests go in-process to Django's WSGI handler with a real session cookie and
CSRF token, as the persona the access matrix allows for each operation. Every operation runs twice:
with the world's real object ids in its URL (so bodies reach the services) and with generated ids.

All of schemathesis' default checks apply: no server error, only documented status codes, responses
that match their schema, content types and headers as documented, malformed data refused, valid data
accepted. An exception escaping a view fails the test with its traceback and the request as curl.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from access_matrix.world import World

from . import conftest
from .plan import Endpoint, api_endpoints, make_clients, rolled_back
from .wsgi import InProcessApp, RequestErrors

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("KAOPING_API_FUZZ_EXAMPLES", "100"))
RANDOM = os.environ.get("KAOPING_FUZZ_RANDOM") == "1"
CSRF = "kaopingfuzzcsrfsecret0123456789a"  # 32 characters: a valid unmasked CSRF secret


@pytest.fixture(scope="module")
def api_plan(fuzz_world: tuple[World, str], django_db_blocker: Any) -> dict[str, Endpoint]:
    """operationId suffix (the view's name) → persona and real URL parameters."""
    world, cookie = fuzz_world
    with django_db_blocker.unblock():
        return {e.route.split(":", 1)[1]: e for e in api_endpoints(world, make_clients(world, cookie))}


@pytest.fixture(scope="module")
def persona_cookies(fuzz_world: tuple[World, str], django_db_blocker: Any) -> dict[str, dict[str, str]]:
    """Each persona's session cookie (the sessions live as long as the module's world) and a CSRF cookie."""
    from django.conf import settings as django_settings

    world, cookie = fuzz_world
    with django_db_blocker.unblock():
        clients = make_clients(world, cookie)
    return {
        persona: {**{n: m.value for n, m in client.cookies.items()}, django_settings.CSRF_COOKIE_NAME: CSRF}
        for persona, client in clients.items()
    }


def endpoint_for(plan: dict[str, Endpoint], operation: Any) -> Endpoint | None:
    operation_id = operation.definition.raw.get("operationId", "")
    return next((e for name, e in plan.items() if operation_id.endswith(f"_{name}")), None)


@pytest.fixture(scope="module")
def api_schema(api_plan: dict[str, Endpoint], persona_cookies: dict[str, dict[str, str]]) -> Any:
    from kaoping.api.urls import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = InProcessApp()

    class PersonaSession:
        """Django session auth as schemathesis sees it: the cookie of the operation's persona.

        Registered as the auth (not passed to each call) so that schemathesis knows which part of a
        request is authentication and can check that the API refuses it when it is wrong."""

        def get(self, case: Any, ctx: Any) -> dict[str, str]:
            endpoint = endpoint_for(api_plan, ctx.operation)
            return persona_cookies[endpoint.persona if endpoint else "organizer"]

        def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
            case.cookies = {**(case.cookies or {}), **data}
            case.headers = {**(case.headers or {}), "X-CSRFToken": CSRF}

    schema.auth(refresh_interval=None)(PersonaSession)
    return schema


@pytest.fixture
def errors() -> Iterator[RequestErrors]:
    with RequestErrors.capture() as caught:
        yield caught


schema = schemathesis.pytest.from_fixture("api_schema")


API_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _negative_path(case: Any) -> bool:
    """Whether the case's malformed part is its URL: then the generated ids must stay (replacing
    them would turn the case valid while schemathesis still expects a refusal)."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    if any(location.name == "PATH" and info.mode.is_negative for location, info in meta.components.items()):
        return True
    location = getattr(getattr(meta.phase, "data", None), "parameter_location", None)
    return location is None or location.name == "PATH"


def _call_and_validate(case: Any, ids: str, plan: dict[str, Endpoint], errors: RequestErrors) -> None:
    endpoint = endpoint_for(plan, case.operation)
    persona = endpoint.persona if endpoint else "organizer"
    if ids == "world-ids" and endpoint is not None and not _negative_path(case):
        case.path_parameters = {**(case.path_parameters or {}), **endpoint.kwargs}
    label = f"schemathesis {case.operation.label} ({ids}) as {persona}"
    conftest.EXAMPLES[label] += 1
    started = time.perf_counter()
    try:
        with rolled_back():
            response = case.call()
            errors.raise_first(f"as {persona}: {case.as_curl_command()}")
        case.validate_response(response)
    finally:
        conftest.SECONDS[label] = conftest.SECONDS.get(label, 0.0) + time.perf_counter() - started


@schema.parametrize()
@API_SETTINGS
def test_api_with_real_ids_conforms_to_its_schema(
    case: Any, api_plan: dict[str, Endpoint], errors: RequestErrors
) -> None:
    """Real object ids in the URL: generated bodies and query strings reach the services."""
    _call_and_validate(case, "world-ids", api_plan, errors)


@schema.parametrize()
@API_SETTINGS
def test_api_with_generated_ids_conforms_to_its_schema(
    case: Any, api_plan: dict[str, Endpoint], errors: RequestErrors
) -> None:
    """Generated URL parameters: ids that do not exist, are not numbers, or do not fit 64 bits."""
    _call_and_validate(case, "generated-ids", api_plan, errors)
