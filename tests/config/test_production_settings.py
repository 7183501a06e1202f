"""Production settings: no public development key, and `check --deploy` clean (issue 10 §2).

Each case starts `manage.py` (or a small script) in a fresh interpreter with exactly the
environment a bureau's server would have, because settings are read once at import.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # public: it is in the repository

# The production environment documented in docs/deploy.md (keys are made fresh for each run).
DOCUMENTED_PRODUCTION = {
    "KAOPING_DEBUG": "0",
    "KAOPING_ALLOWED_HOSTS": "kaoping.example.edu.cn",
    "KAOPING_CONN_MAX_AGE": "60",
}

FORGE_RATER_COOKIES = f"""
import django
django.setup()
from django.core import signing
from kaoping.ratings import tokens
# The attacker signs rater cookies with the key published in the repository; the server checks the
# signature with its own key (signing.loads, as tokens.read_rater_cookie does first).
forged = [signing.dumps({{"v": 2, "c": n, "s": "f" * 64, "p": "x", "u": None}}, key={DEV_KEY!r},
                        salt=tokens.COOKIE_SALT, compress=True) for n in (1, 2, 3)]
def accepted(value):
    try:
        signing.loads(value, salt=tokens.COOKIE_SALT, max_age=tokens.COOKIE_MAX_AGE)
    except signing.BadSignature:
        return False
    return True
print("accepted", sum(accepted(value) for value in forged), "of", len(forged))
"""


def strong_key() -> str:
    return secrets.token_urlsafe(48)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only the machine's basics: not this test run's own settings (DATABASE_URL, KAOPING_*, and the
    # DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set, which no production server has).
    dropped = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KAOPING_") and k not in dropped}
    clean.update(
        DJANGO_SETTINGS_MODULE="kaoping.config.settings",
        PYTHONPATH=str(ROOT / "src"),
        KAOPING_VAR_DIR=str(ROOT / "var"),
        **env,
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def test_rater_cookies_forged_with_the_public_key_never_reach_a_production_server() -> None:
    """The attack of the issue: with KAOPING_DEBUG=0 and no key, 3 of 3 forged rater cookies were
    accepted. Now the server does not start, so there is nothing to accept them."""
    result = run(["-c", FORGE_RATER_COOKIES], DOCUMENTED_PRODUCTION)
    assert "accepted 3 of 3" not in result.stdout
    assert result.returncode != 0
    assert "KAOPING_SECRET_KEY" in result.stderr
    assert "拒绝启动" in result.stderr


def test_with_its_own_keys_the_server_refuses_cookies_forged_with_the_public_key() -> None:
    env = {**DOCUMENTED_PRODUCTION, "KAOPING_SECRET_KEY": strong_key(), "KAOPING_RATER_TOKEN_KEY": strong_key()}
    result = run(["-c", FORGE_RATER_COOKIES], env)
    assert result.returncode == 0, result.stderr
    assert "accepted 0 of 3" in result.stdout


@pytest.mark.parametrize(
    ("secret", "rater", "named"),
    [
        (None, None, "KAOPING_SECRET_KEY"),
        ("", None, "KAOPING_SECRET_KEY"),
        (DEV_KEY, None, "KAOPING_SECRET_KEY"),
        ("too-short-key-0123456789", None, "KAOPING_SECRET_KEY"),
        ("a" * 60, None, "KAOPING_SECRET_KEY"),  # long but only one distinct character
        ("django-insecure-" + "x1y2z3" * 10, None, "KAOPING_SECRET_KEY"),
        ("strong", DEV_KEY, "KAOPING_RATER_TOKEN_KEY"),
        ("strong", "short-rater-key", "KAOPING_RATER_TOKEN_KEY"),
    ],
    ids=[
        "missing",
        "empty",
        "development-key",
        "too-short",
        "one-character",
        "django-insecure",
        "rater-dev",
        "rater-short",
    ],
)
def test_production_refuses_to_start_without_a_real_key(secret: str | None, rater: str | None, named: str) -> None:
    env = dict(DOCUMENTED_PRODUCTION)
    if secret is not None:
        env["KAOPING_SECRET_KEY"] = strong_key() if secret == "strong" else secret
    if rater is not None:
        env["KAOPING_RATER_TOKEN_KEY"] = rater
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr
    assert "拒绝启动" in result.stderr  # the Chinese message, for the bureau's administrator


def test_the_rater_key_falls_back_to_a_checked_secret_key() -> None:
    env = {**DOCUMENTED_PRODUCTION, "KAOPING_SECRET_KEY": strong_key()}
    result = run(["manage.py", "check"], env)
    assert result.returncode == 0, result.stderr


def test_development_still_starts_without_any_key() -> None:
    result = run(["manage.py", "check"], {"KAOPING_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings() -> None:
    env = {**DOCUMENTED_PRODUCTION, "KAOPING_SECRET_KEY": strong_key(), "KAOPING_RATER_TOKEN_KEY": strong_key()}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
