"""CI-sized load and fault test: real gunicorn workers, real HTTP, a worker SIGKILLed mid-run.

The full-size run (500 raters × 30 units, PostgreSQL and SQLite, negative control) is
benchmarks/bench_rating.py; this one keeps `make test` honest in well under a minute.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.rating_load.harness import Config, integrity_ok, run  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("pgrep") is None, reason="needs pgrep to find gunicorn workers")


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] + "/postgres" if url.startswith("postgres") else None


def test_sixty_raters_five_units_with_resends_timeouts_and_a_worker_kill_lose_nothing() -> None:
    postgres = _postgres_url()
    config = Config(
        db="postgres" if postgres else "sqlite",
        raters=60,
        units=5,
        workers=3,
        kills=1,
        connections=60,
        **({"postgres_url": postgres} if postgres else {}),
    )
    report = run(config)
    assert report["worker_kills"] == 1
    assert report["server_errors"] == 0
    assert report["resend_not_replayed"] == 0
    assert report["resends"] > 0
    assert integrity_ok(report), report
    assert report["stored"] == 300 and report["checked"] == 5
