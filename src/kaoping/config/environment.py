"""Reading the KAOPING_* environment for settings.py, and refusing a production start on unsafe keys.

A production server (KAOPING_DEBUG=0) that fell back to the development key would sign sessions,
CSRF tokens and rater cookies with a key published in the repository: anyone could forge them.
So it refuses to start instead, with a message in Chinese and English that names the variable.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

# Public on purpose: it is only ever used with KAOPING_DEBUG=1 (development, tests, the demo).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
MIN_KEY_LENGTH = 50  # Django's own deploy check (security.W009) asks for 50 characters
MIN_DISTINCT_CHARACTERS = 5
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def flag(name: str, default: bool) -> bool:
    """``1``/``true``/``yes``/``on`` → True, ``0``/``false``/``no``/``off`` → False, unset → default."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 只能是 1 或 0,现在是“{value}”。 ({name} must be 1 or 0.)")


def integer(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"环境变量 {name} 必须是整数,现在是“{value}”。 ({name} must be an integer.)"
        ) from None


def key_problem(value: str) -> str:
    """Why ``value`` is no production key ("" when it is one)."""
    if not value:
        return "未设置 (not set)"
    if value == DEVELOPMENT_SECRET_KEY or value.startswith("django-insecure-"):
        return "是公开的开发用密钥 (it is the public development key)"
    if len(value) < MIN_KEY_LENGTH:
        return f"只有 {len(value)} 个字符,至少需要 {MIN_KEY_LENGTH} 个 (shorter than {MIN_KEY_LENGTH} characters)"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "字符种类太少 (too few distinct characters)"
    return ""


def production_key(name: str, value: str) -> str:
    """``value`` if it is fit for production, else ImproperlyConfigured naming ``name`` and the fix."""
    problem = key_problem(value)
    if problem:
        raise ImproperlyConfigured(
            f"拒绝启动:生产环境(KAOPING_DEBUG=0)的 {name} {problem}。"
            f"请设置一个至少 {MIN_KEY_LENGTH} 个字符的随机字符串,例如用 {GENERATE} 生成,并妥善保密。"
            f" Refusing to start: {name} is unsafe for production; set a random string of at least"
            f" {MIN_KEY_LENGTH} characters (docs/deploy.md)."
        )
    return value


def addresses(name: str, default: str) -> frozenset[str]:
    return frozenset(part.strip() for part in os.environ.get(name, default).split(",") if part.strip())
