"""Rate limits where the platform answers or sends for anyone (mandate look-ups, e-mails).

1. A :class:`RateLimit` names what it counts, how many tries it allows
   (``limit``) and per how many seconds (``window``).
2. :meth:`RateLimit.hit` counts one try for a key (a client address, an
   account, a target address) and raises :exc:`RateLimitExceeded` beyond the
   limit, saying when the next window starts; :func:`rate_limits_hit` counts
   one try in several limits at once (per client and per account).
3. Counts live in Django's cache (``CACHES["default"]``), one counter per key
   and fixed window, so they are shared by every worker when the cache is
   (Redis in production). The key is hashed: no address or e-mail is kept in
   the cache's key space in clear.
4. The limits themselves live with what they protect (e.g. the mandate
   look-ups in :mod:`townhall.accounts.mandate_views`).

A fixed window is the simplest limiter that can be explained to a resident
("try again in 12 minutes"); at its edge it lets up to twice the limit through
within one window's time, which is fine for slowing down enumeration.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


class RateLimitExceeded(Exception):
    """Too many tries for one key within the window."""

    def __init__(self, limit: "RateLimit", retry_after: int):
        super().__init__(f"rate limit {limit.name!r} reached")
        self.limit = limit
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        """Whole minutes until the next try is allowed (at least 1), for the message."""
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` tries per ``window`` seconds for each key."""

    name: str
    limit: int
    window: int

    def _cache_key(self, key: str, bucket: int) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"townhall:rate:{self.name}:{digest}:{bucket}"

    def hit(self, key: str) -> int:
        """Count one try for ``key``; returns the count in this window.

        Raises :exc:`RateLimitExceeded` when the count passes ``limit``. Tries
        refused still count, but the window is fixed, so they do not prolong it.
        """
        now = time.time()
        bucket = int(now // self.window)
        cache_key = self._cache_key(key, bucket)
        # add() is a no-op when the counter exists; incr() is atomic on Redis and
        # memcached, and within one process on the local-memory cache.
        cache.add(cache_key, 0, timeout=self.window + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.set(cache_key, 1, timeout=self.window + 1)
            count = 1
        if count > self.limit:
            retry_after = max(1, math.ceil((bucket + 1) * self.window - now))
            raise RateLimitExceeded(self, retry_after)
        return count


def rate_limits_hit(*checks: tuple[RateLimit, str | None]) -> None:
    """Count one try in each ``(limit, key)`` pair (a None key is skipped), e.g. per
    client address and per account. Every pair is counted even when an earlier
    one is over its limit, so no try goes uncounted; then the refusal with the
    longest wait is raised."""
    refused = None
    for limit, key in checks:
        if key is None:
            continue
        try:
            limit.hit(key)
        except RateLimitExceeded as error:
            if refused is None or error.retry_after > refused.retry_after:
                refused = error
    if refused is not None:
        raise refused
