"""Rater tokens: ≥128-bit random secrets, stored only as HMAC-SHA256 (no PBKDF2 on the rater path).

* ``lookup_hmac`` — keyed by ``settings.RATER_TOKEN_KEY``; stored on the credential to find it.
* the sheet key (``kaoping.ratings.keys.sheet_key``) — keyed by the session's own key as well;
  never stored, only carried by the rater's signed cookie.
* ``unit_tag`` — keyed by the sheet key and the unit; stored on the rater's ballot for that unit,
  so the database can refuse a second ballot and find the one to revote, while the tags of one
  rater's ballots for different units share nothing.
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


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN_RE.match(text))


def _key() -> bytes:
    return str(settings.RATER_TOKEN_KEY).encode()


def lookup_hmac(token: str) -> str:
    return hmac.new(_key(), b"lookup\x00" + token.encode(), hashlib.sha256).hexdigest()


def unit_tag(sheet_key: str, session_unit_id: int) -> str:
    return hmac.new(bytes.fromhex(sheet_key), b"unit\x00%d" % session_unit_id, hashlib.sha256).hexdigest()


def looks_like_sheet_key(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(b"receipt\x00" + receipt.encode()).hexdigest()


def request_digest(unit_id: int, grade: str, receipt: str) -> str:
    return hashlib.sha256(f"{unit_id}\x00{grade}\x00{receipt}".encode()).hexdigest()


class RaterCookie(NamedTuple):
    credential_id: int
    sheet: str  # the rater's sheet key
    session_public_id: str
    own_unit_id: int | None  # the campaign unit the rater belongs to (never graded by them)


def rater_cookie(credential_id: int, sheet: str, session_public_id: str, own_unit_id: int | None) -> str:
    """A signed value the phone keeps: the server stores nothing that pairs credential and sheet,
    and the rater's own unit is stored only sealed, so the cookie carries it for the ballot check."""
    payload = {"v": 2, "c": credential_id, "s": sheet, "p": session_public_id, "u": own_unit_id}
    return signing.dumps(payload, salt=COOKIE_SALT, compress=True)


def read_rater_cookie(value: str | None) -> RaterCookie | None:
    """The cookie's content, or None when it is missing, forged, expired or of an older format."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("v") != 2:
        return None
    credential, sheet, session, own = data.get("c"), data.get("s"), data.get("p"), data.get("u")
    if not (isinstance(credential, int) and isinstance(sheet, str) and isinstance(session, str)):
        return None
    if own is not None and not isinstance(own, int):
        return None
    return RaterCookie(credential, sheet, session, own)
