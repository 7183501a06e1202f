"""Django settings. SQLite by default; PostgreSQL (or any DB) through DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP  # type: ignore[import-untyped]
from django.utils.translation import gettext_lazy as _

from kaoping.config import environment
from kaoping.config.environment import DEVELOPMENT_SECRET_KEY as DEV_KEY

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KAOPING_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = environment.flag("KAOPING_DEBUG", True)
# Production (DEBUG off) refuses to start on a missing, public or short key: kaoping.config.environment.
_secret = os.environ.get("KAOPING_SECRET_KEY", "")
SECRET_KEY = environment.production_key("KAOPING_SECRET_KEY", _secret) if not DEBUG else _secret or DEV_KEY
# Separate key for rater-token HMACs so rotating SECRET_KEY never orphans ballots.
_rater = os.environ.get("KAOPING_RATER_TOKEN_KEY", "")
RATER_TOKEN_KEY = environment.production_key("KAOPING_RATER_TOKEN_KEY", _rater) if _rater and not DEBUG else _rater
RATER_TOKEN_KEY = RATER_TOKEN_KEY or SECRET_KEY
ALLOWED_HOSTS = os.environ.get("KAOPING_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kaoping.jobs",
    "kaoping.inbox",
    "kaoping.orgs",
    "kaoping.audit",
    "kaoping.campaigns",
    "kaoping.goals",
    "kaoping.assessments",
    "kaoping.ratings",
    "kaoping.results",
    "kaoping.publication",
    "kaoping.rectification",
    "kaoping.selection",
    "kaoping.inspection",
    "kaoping.analytics",
    "kaoping.commendation",
    "kaoping.external",
    "kaoping.web",
    "kaoping.documents",
    "kaoping.backup",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
]

# Background work (recomputing standings, imports, documents) runs as django.tasks tasks stored in
# the database and run by `manage.py db_worker` processes, on any host that reaches the database.
# Tests run them inline (ImmediateBackend, tests/conftest.py); see docs/decisions/results-pipeline.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # With DEBUG on, a 404 is the Chinese page too, not Django's list of URL patterns (web/failures.py).
    "kaoping.web.failures.ChineseNotFoundMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: a NUL in any field is a Chinese 400, never a database error.
    "kaoping.web.input_guard.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kaoping.web.security.AccountGateMiddleware",  # second factor, forced password change
    "kaoping.web.security.NoStoreMiddleware",  # Cache-Control: no-store for signed-in and rater pages
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: a locked/full database or a full disk raised by a view becomes a Chinese 503 (web/failures.py).
    "kaoping.web.failures.StorageFailureMiddleware",
]

ROOT_URLCONF = "kaoping.config.urls"
WSGI_APPLICATION = "kaoping.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaoping.web.context.navigation",
            ],
            "builtins": ["kaoping.web.templatetags.layout"],  # {% breadcrumbs %} / {% crumb %} on every page
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kaoping.sqlite3'}",
        conn_max_age=int(os.environ.get("KAOPING_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
    # A file (not :memory:) so threaded and live-server tests share it; per process so parallel runs never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_kaoping_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Reminders (kaoping.inbox, docs/reminders.md): always in the inbox; also by e-mail when KAOPING_EMAIL_HOST
# is set (Django's MAILERS below). Deadlines are reminded these many days before (KAOPING_REMINDER_DAYS).
_mail_host = os.environ.get("KAOPING_EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _mail_host or "localhost",
            "port": environment.integer("KAOPING_EMAIL_PORT", 25),
            "username": os.environ.get("KAOPING_EMAIL_USER", ""),
            "password": os.environ.get("KAOPING_EMAIL_PASSWORD", ""),
            "use_tls": environment.flag("KAOPING_EMAIL_TLS", False),
            "use_ssl": environment.flag("KAOPING_EMAIL_SSL", False),
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("KAOPING_EMAIL_FROM", "kaoping@localhost")
INBOX_EMAIL = bool(_mail_host)
INBOX_SITE_URL = os.environ.get("KAOPING_SITE_URL", "")
INBOX_DEADLINE_DAYS = tuple(
    int(d) for d in os.environ.get("KAOPING_REMINDER_DAYS", "3,1").split(",") if d.strip().isdigit()
)
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Length over composition (OWASP ASVS 6.2): at least 12 characters, any length above (64+ works), no
# rules about character classes; common, numeric-only and name-like passwords are refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttle (kaoping.orgs.throttle): failures per typed user name and per client address in a window.
LOGIN_THROTTLE = {
    "window_minutes": environment.integer("KAOPING_LOGIN_WINDOW_MINUTES", 15),
    "per_username": environment.integer("KAOPING_LOGIN_FAILURES_PER_USERNAME", 5),
    "per_address": environment.integer("KAOPING_LOGIN_FAILURES_PER_ADDRESS", 200),
}
OTP_TOTP_ISSUER = "考评 Kaoping"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from the source folders in development
STATICFILES_DIRS = [SRC_DIR / "static"]
# Evidence files live outside any web root and are served only through authorising views.
MEDIA_ROOT = VAR_DIR / "evidence"
# Live-rating session keys (kaoping.ratings.keys): outside the database and its backups, shared by
# every web host like the evidence files, and never backed up; each is destroyed when its session closes.
RATING_KEY_DIR = Path(os.environ.get("KAOPING_RATING_KEY_DIR", VAR_DIR / "rating-keys"))
EVIDENCE_MAX_BYTES = int(os.environ.get("KAOPING_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "no-referrer" would make browsers send `Origin: null` on form posts, which fails Django's CSRF origin
# check; "same-origin" still never leaks a URL to another site. Rater pages set "no-referrer" themselves.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# HTTPS, on by default in production (docs/deploy.md); each can be switched off for a plain-HTTP test server.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = environment.flag("KAOPING_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = environment.integer("KAOPING_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = environment.flag("KAOPING_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = environment.flag("KAOPING_HSTS_PRELOAD", not DEBUG)
# Behind nginx (the documented set-up) the app sees plain HTTP from 127.0.0.1: trust the proxy's scheme
# header, and take the client's address from X-Forwarded-For only when the peer is one of these proxies.
BEHIND_PROXY = environment.flag("KAOPING_BEHIND_PROXY", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
TRUSTED_PROXIES = environment.addresses("KAOPING_TRUSTED_PROXIES", "127.0.0.1,::1") if BEHIND_PROXY else frozenset()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOPING_LOG_LEVEL", "WARNING")},
}
