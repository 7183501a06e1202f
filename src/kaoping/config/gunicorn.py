"""Gunicorn settings for production and for the live-rating load test.

    gunicorn -c python:kaoping.config.gunicorn kaoping.config.wsgi

Behind nginx (docs/deploy.md), which holds the phones' slow connections and hands gunicorn whole
requests. Why these values (benchmarks/results/rating.md; 500 raters, each unit's ballots within
2 s, 2 cores, load generator on the same cores):

* ``sync`` workers, 2 × cores + 1 of them. A ballot costs about 2 ms of a worker's CPU, HTTP
  included. Sync workers take connections from the kernel's one accept queue, so a burst spreads
  over every idle worker. With gthread and one thread, each worker keeps its own keep-alive
  connections, and their requests queue behind one another while other workers sit idle: p99
  108–440 ms against 28–47 ms for sync. With more threads per process they wait for each other
  on the GIL instead (p99 ≈ 130 ms at 3 × 8).
* ``preload_app``: the master imports Django and every view once (see wsgi.py), so a worker that
  was killed comes back in milliseconds instead of importing everything again mid-meeting.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("KAOPING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KAOPING_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
worker_class = os.environ.get("KAOPING_WORKER_CLASS", "sync")
preload_app = True
timeout = 30
graceful_timeout = 10
# The heartbeat file is touched on every request; on a disk that is a metadata write each time.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No access log: the rater's slip URL (/rating/t/<token>) must never be written anywhere.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KAOPING_GUNICORN_LOG_LEVEL", "warning")


def when_ready(server: object) -> None:
    """After the preloaded app is imported: move it out of the garbage collector's sight.

    Every worker forks from here; without this each one re-scans Django's hundreds of thousands of
    long-lived objects on full collections (pauses in the middle of a ballot) and copies the pages
    it touches.
    """
    import gc

    gc.freeze()
