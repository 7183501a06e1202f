"""Rater tokens: ≥128-bit random secrets, stored only as HMAC-SHA256 (no PBKDF2 on the rater path).

Two different HMACs are derived from one token:

* ``lookup_hmac`` — keyed by ``settings.RATER_TOKEN_KEY``; stored on the credential to find it.
* ``sheet_hmac``  — keyed by the key and a per-session secret salt; stored on ballots as a
  pseudonymous sheet id. Knowing one never gives the other, so ballots cannot be joined to
  credentials without the token itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from django.conf import settings
from django.core import signing

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
COOKIE_NAME = "kp_rater"
COOKIE_SALT = "kaoping.ratings.rater"
COOKIE_MAX_AGE = 12 * 3600


def new_token() -> str:
    """144 random bits; never starting with - or _ so no spreadsheet or shell reads it as a sign."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalnum():
            return token


def new_salt() -> str:
    return secrets.token_hex(32)


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_RE.match(text))


def _key() -> bytes:
    return str(settings.RATER_TOKEN_KEY).encode()


def lookup_hmac(token: str) -> str:
    return hmac.new(_key(), b"lookup\x00" + token.encode(), hashlib.sha256).hexdigest()


def sheet_hmac(token: str, session_salt: str) -> str:
    session_key = hmac.new(_key(), b"sheet\x00" + session_salt.encode(), hashlib.sha256).digest()
    return hmac.new(session_key, token.encode(), hashlib.sha256).hexdigest()


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(b"receipt\x00" + receipt.encode()).hexdigest()


def request_digest(unit_id: int, grade: str, receipt: str) -> str:
    return hashlib.sha256(f"{unit_id}\x00{grade}\x00{receipt}".encode()).hexdigest()


class RaterCookie(NamedTuple):
    credential_id: int
    sheet: str
    session_public_id: str | None  # absent from cookies signed before it was added


def rater_cookie(credential_id: int, sheet: str, session_public_id: str) -> str:
    """A signed value the phone keeps; the server stores nothing that pairs credential and sheet."""
    payload = {"c": credential_id, "s": sheet, "p": session_public_id}
    return signing.dumps(payload, salt=COOKIE_SALT, compress=True)


def read_rater_cookie(value: str | None) -> RaterCookie | None:
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("s"), str):
        return None
    session = data.get("p")
    return RaterCookie(data["c"], data["s"], session if isinstance(session, str) else None)
