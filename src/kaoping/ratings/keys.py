"""The per-session secret behind ballot secrecy, kept outside the database and destroyed at close.

Everything that could pair a ballot with a credential is sealed (AES-256-GCM, random nonce)
under a key derived from ``settings.RATER_TOKEN_KEY`` and a random 32-byte session key that
exists only as a file in ``settings.RATING_KEY_DIR`` — never in the database, so never in a
database backup or WAL archive:

* each credential's sheet key and own unit (the phone gets them in its signed cookie at sign-in);
* a ballot's sheet key, for schemes with per-sheet rules, opened once at the session's close;
* the printed slip lists (names, units, tokens).

While the session is open the server needs both keys; a reader of the database without them sees
only ciphertexts and per-unit tags. ``session_key_destroy`` overwrites and deletes the file when
the session closes, after which nothing stored — the database, its backups, the server's files —
can be decrypted or recomputed, with or without ``RATER_TOKEN_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

KEY_BYTES = 32
_NONCE_BYTES = 12


class SessionKeyMissing(Exception):
    """The session's key file is gone: the session was closed, or this server cannot see the key
    directory (several hosts must share ``RATING_KEY_DIR``, as they share the evidence files)."""

    def __init__(self) -> None:
        super().__init__(_("本场测评的密钥不在本服务器上(测评已结束,或多台服务器未共享密钥目录),请联系管理员"))


def key_dir() -> Path:
    return Path(getattr(settings, "RATING_KEY_DIR", Path(settings.VAR_DIR) / "rating-keys"))


def _key_path(public_id: object) -> Path:
    return key_dir() / f"{public_id}.key"


def session_key_create(public_id: object) -> None:
    """Write a fresh random key for the session, readable by the server's user only, durably."""
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _key_path(public_id)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, secrets.token_bytes(KEY_BYTES))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    _sync_directory(directory)


def session_key_exists(public_id: object) -> bool:
    return _key_path(public_id).is_file()


def session_key_destroy(public_id: object) -> None:
    """Overwrite the key with zeros, then delete it. Idempotent."""
    path = _key_path(public_id)
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except FileNotFoundError:
        return
    try:
        os.write(descriptor, bytes(KEY_BYTES))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    path.unlink(missing_ok=True)
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _session_key(public_id: object) -> bytes:
    # Read on every use, never cached: once the file is gone no process can derive anything more.
    try:
        key = _key_path(public_id).read_bytes()
    except FileNotFoundError:
        raise SessionKeyMissing from None
    if len(key) != KEY_BYTES or not any(key):
        raise SessionKeyMissing
    return key


def _derived(public_id: object, purpose: bytes) -> bytes:
    server_key = str(settings.RATER_TOKEN_KEY).encode()
    return hmac.new(server_key, purpose + b"\x00" + _session_key(public_id), hashlib.sha256).digest()


def _aad(public_id: object, purpose: str) -> bytes:
    return f"kaoping-rating:{public_id}:{purpose}".encode()


class Sealer:
    """AES-256-GCM under one session's key, read from its file once (for many values at a time)."""

    def __init__(self, public_id: object) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.public_id = public_id
        self._aead = AESGCM(_derived(public_id, b"seal"))

    def seal(self, purpose: str, plaintext: bytes) -> str:
        """A random nonce each time: two seals of the same value never look alike."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, _aad(self.public_id, purpose))
        return base64.b64encode(nonce + sealed).decode()

    def unseal(self, purpose: str, sealed: str) -> bytes:
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _aad(self.public_id, purpose))

    def seal_json(self, purpose: str, value: Any) -> str:
        return self.seal(purpose, json.dumps(value, ensure_ascii=False).encode())

    def unseal_json(self, purpose: str, sealed: str) -> Any:
        return json.loads(self.unseal(purpose, sealed))


def seal(public_id: object, purpose: str, plaintext: bytes) -> str:
    return Sealer(public_id).seal(purpose, plaintext)


def unseal_json(public_id: object, purpose: str, sealed: str) -> Any:
    return Sealer(public_id).unseal_json(purpose, sealed)
