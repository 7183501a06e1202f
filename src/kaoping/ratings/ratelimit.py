"""Rate limit of invalid rater codes: the slip's token URL and the code typed on the room page.

Only refused codes count (an unknown or malformed code, or one of another session); a code that
works never counts. Counters are kept per client IP and per code prefix (its first characters) in
a sliding window: two fixed one-minute buckets, the previous one weighted by how much of it still
overlaps the last minute. A client over its ceiling gets 429 *before* the code is looked up, so a
correct guess from it is refused too while the limit holds (otherwise the limit would not limit
guessing). A prefix over its ceiling turns the refusals of codes with that prefix into 429, but a
correct code still signs in: otherwise anyone who saw the start of a rater's slip could lock that
rater out. The ballot path never comes here.

The per-IP ceiling is far above what a venue produces: 500 raters behind one NAT each mistyping
their code three times make 1,500 refused attempts. The per-prefix ceiling is lower: nobody
mistypes the same code dozens of times a minute, but someone trying codes that start like one
rater's slip does.

Counters live in Django's ``default`` cache under keyed hashes (never an address or a code in
clear). With the default ``LocMemCache`` each worker process counts on its own, so the ceilings
hold per worker process; a shared cache (Redis, Memcached) makes them per server. If the cache
fails, the limiter lets the attempt through: a meeting must not stop because a counter is gone.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

WINDOW_SECONDS = 60
MAX_INVALID_PER_IP = 6000  # per window; the research bar is ≥ 5,000/min so a venue NAT is never blocked
MAX_INVALID_PER_PREFIX = 60  # per window and code prefix
PREFIX_LENGTH = 4

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The peer address. Behind a reverse proxy this is the proxy's unless the deployment sets it."""
    return str(request.META.get("REMOTE_ADDR") or "")


@dataclass
class AttemptLimiter:
    """Counts refused codes per IP and per prefix; ``clock`` is injectable for tests."""

    window: int = WINDOW_SECONDS
    per_ip: int = MAX_INVALID_PER_IP
    per_prefix: int = MAX_INVALID_PER_PREFIX
    prefix_length: int = PREFIX_LENGTH
    cache_alias: str = "default"
    clock: Callable[[], float] = field(default=time.time)

    def blocked(self, ip: str, code: str = "") -> bool:
        """Whether this client (or, given a code, its prefix) is over its ceiling right now."""
        now = self.clock()
        current, previous = self._buckets(now)
        counters = self._counters(ip, code)
        keys = [f"{stem}:{bucket}" for stem, _limit in counters for bucket in (current, previous)]
        try:
            counts = caches[self.cache_alias].get_many(keys)
        except Exception:  # a broken cache must not stop the meeting
            logger.warning("rate-limit cache unavailable; attempt allowed")
            return False
        overlap = 1.0 - (now % self.window) / self.window
        for stem, limit in counters:
            recent = int(counts.get(f"{stem}:{current}", 0)) + int(counts.get(f"{stem}:{previous}", 0)) * overlap
            if recent >= limit:
                return True
        return False

    def record_failure(self, ip: str, code: str) -> None:
        """One more refused code for this client and this prefix."""
        current, _previous = self._buckets(self.clock())
        timeout = 2 * self.window + 1
        try:
            cache = caches[self.cache_alias]
            for stem, _limit in self._counters(ip, code):
                key = f"{stem}:{current}"
                if not cache.add(key, 1, timeout):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired between add and incr
                        cache.set(key, 1, timeout)
        except Exception:  # a broken cache must not stop the meeting
            logger.warning("rate-limit cache unavailable; attempt not counted")

    def _counters(self, ip: str, code: str) -> list[tuple[str, int]]:
        """(cache key stem, ceiling) of each counter this attempt belongs to."""
        counters = [(self._stem("ip", ip), self.per_ip)]
        if len(code) >= self.prefix_length:
            counters.append((self._stem("prefix", code[: self.prefix_length]), self.per_prefix))
        return counters

    def _buckets(self, now: float) -> tuple[int, int]:
        current = int(now // self.window)
        return current, current - 1

    @staticmethod
    def _stem(scope: str, value: str) -> str:
        secret = str(settings.RATER_TOKEN_KEY).encode()
        digest = hmac.new(secret, f"ratelimit\x00{scope}\x00{value}".encode(), hashlib.sha256).hexdigest()[:24]
        return f"kp:rl:{scope}:{digest}"


LIMITER = AttemptLimiter()
