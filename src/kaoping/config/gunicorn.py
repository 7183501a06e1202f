"""Gunicorn settings for production and for the live-rating load test.

    gunicorn -c python:kaoping.config.gunicorn kaoping.config.wsgi

Why these values (measured in benchmarks/results/rating.md, 500 raters in 2-s windows, 2 cores):
one request thread per worker process and 2 × cores + 1 processes. A ballot costs about 1.2 ms
of CPU; with several threads in one process they wait for each other on the GIL (5 ms switch
interval), which tripled p99. Processes share nothing, so a killed worker loses only its own
in-flight requests, and ``preload_app`` lets the master fork a replacement in milliseconds
instead of importing Django again while the meeting goes on.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("KAOPING_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("KAOPING_WORKERS", str(2 * multiprocessing.cpu_count() + 1)))
worker_class = "gthread"  # keeps phones' connections alive between ballots, unlike "sync"
threads = int(os.environ.get("KAOPING_THREADS", "1"))
preload_app = True
keepalive = 10  # seconds; a rater grades the next unit within a minute or two
timeout = 30
# The heartbeat file is touched on every request; on a disk that is a metadata write each time.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
graceful_timeout = 10
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
