"""The bare ballot write path of research §5.1/§7, as a same-run baseline for the load harness.

    gunicorn -c python:kaoping.config.gunicorn benchmarks.rating_load.baseline_app:application

One Django view, no middleware, no templates, no checks beyond the database's own constraints:
the token exchange sets the credential's id, group, sheet key and session in a plain cookie, and
the ballot inserts one row into Kaoping's own ballot table (with the same per-unit tag, so the
same integrity check reads both) in one ``atomic(durable=True)`` block; on IntegrityError the
idempotency key decides between a replay (200) and "already voted" (409). It speaks the HTTP
contract the harness's simulated phones use, so the same clients, the same gunicorn settings and
the same database checks measure it. What Kaoping costs on top of this
(signed cookies, CSRF, security headers, credential, session and unit checks, grade and sheet
rules) is the ratio reported in benchmarks/results/rating.md.

Not an application: it trusts its cookie and must never run anywhere but the benchmark.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from kaoping.config import settings as kaoping_settings  # noqa: E402

settings.configure(
    DEBUG=False,
    SECRET_KEY="baseline-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    DATABASES=kaoping_settings.DATABASES,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
    RATER_TOKEN_KEY=kaoping_settings.RATER_TOKEN_KEY,
    RATING_KEY_DIR=kaoping_settings.RATING_KEY_DIR,
    VAR_DIR=kaoping_settings.VAR_DIR,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import IntegrityError, connection, models, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

from kaoping.ratings import keys, tokens  # noqa: E402  (the HMACs, hashes and seals only; no models)

_UUID = models.UUIDField()


def healthz(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def exchange(_request: HttpRequest, token: str) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.rater_group, c.session_id, s.public_id, c.sealed_secrets FROM ratings_ratercredential c "
            "JOIN ratings_ratingsession s ON s.id = c.session_id WHERE c.token_lookup = %s",
            [tokens.lookup_hmac(token)],
        )
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=404)
    sheet = keys.unseal_json(uuid.UUID(str(row[3])), "credential", row[4])["sheet"]
    response = HttpResponseRedirect("/rating/r/")
    response.set_cookie("kp_rater", f"{row[0]}:{row[1]}:{row[2]}:{sheet}")
    return response


def page(_request: HttpRequest) -> HttpResponse:
    response = HttpResponse('{"csrf": "baseline"}')
    response.set_cookie("csrftoken", "baseline")
    return response


def ballot(request: HttpRequest) -> JsonResponse:
    credential, group, session, sheet = request.COOKIES["kp_rater"].split(":")
    payload = json.loads(request.body)
    key = uuid.UUID(request.headers["Idempotency-Key"])
    unit, grade, receipt = int(payload["unit"]), str(payload["grade"]), str(payload["receipt"])
    digest = tokens.request_digest(unit, grade, receipt)
    answer = {"receipt": receipt, "superseded": False, "stale": False}
    try:
        with transaction.atomic(durable=True), connection.cursor() as cursor:
            _insert(cursor, int(credential), group, int(session), sheet, unit, grade, receipt, key, digest)
        return JsonResponse(answer, status=201)
    except IntegrityError:
        with connection.cursor() as cursor:
            cursor.execute("SELECT request_digest FROM ratings_ballot WHERE idem_key = %s", [_db_uuid(key)])
            row = cursor.fetchone()
    if row is not None and row[0] == digest:
        return JsonResponse(answer, status=200)
    return JsonResponse({"error": "already voted"}, status=409)


def _db_uuid(value: uuid.UUID) -> Any:
    return _UUID.get_db_prep_value(value, connection)


def _insert(cursor: Any, credential: int, group: str, session: int, sheet: str, unit: int, *rest: Any) -> None:
    grade, receipt, key, digest = rest
    cursor.execute(
        "INSERT INTO ratings_ballot (id, session_id, session_unit_id, rater_group, grade, receipt_hash, "
        "idem_key, request_digest, tag, is_test) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            _db_uuid(uuid.uuid4()),
            session,
            unit,
            group,
            grade,
            tokens.receipt_hash(receipt),
            _db_uuid(key),
            digest,
            tokens.unit_tag(sheet, unit),
            False,
        ],
    )


urlpatterns = [
    path("healthz", healthz),
    path("rating/t/<str:token>", exchange),
    path("rating/r/", page),
    path("rating/r/ballot", ballot),
]

application = get_wsgi_application()
