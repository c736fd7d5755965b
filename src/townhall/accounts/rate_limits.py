"""Rate limits where the platform answers or sends for anyone (mandate look-ups, e-mails).

1. A :class:`RateLimit` names what it counts, how many tries it allows
   (``limit``) and per how many seconds (``window``).
2. :meth:`RateLimit.hit` counts one try for a key (a client address, an
   account, a target address) and raises :exc:`RateLimitExceeded` beyond the
   limit, saying when the next window starts; :func:`rate_limits_hit` counts
   one try in several limits at once (per client and per account).
3. Counts live in Django's cache (``CACHES["default"]``), one counter per key
   and window, so they are shared by every worker when the cache is
   (Redis in production). The key is a keyed hash (HMAC with ``SECRET_KEY``):
   no address or e-mail is kept in the cache's key space, in clear or as a
   hash anyone could recompute from a guessed address.
4. The limits themselves live with what they protect (e.g. the mandate
   look-ups in :mod:`townhall.accounts.mandate_views`, the account e-mails in
   :mod:`townhall.accounts.email_rate_limits`).

A window that opens at the first try is the simplest limiter that can be
explained to a resident ("try again in 12 minutes").
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac


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

    def _cache_key(self, key: str) -> str:
        digest = salted_hmac("townhall.rate_limits", key).hexdigest()[:32]
        return f"townhall:rate:{self.name}:{digest}"

    def hit(self, key: str) -> int:
        """Count one try for ``key``; returns the count in its window.

        The window opens at the key's first try and lasts ``window`` seconds, so
        "try again in 15 minutes" means what it says and no burst fits across the
        edge of a clock-aligned window. Raises :exc:`RateLimitExceeded` when the
        count passes ``limit``; refused tries count too, but do not prolong the
        window.
        """
        now = time.time()
        cache_key = self._cache_key(key)
        # add() is a no-op when the entry exists; incr() is atomic on Redis and
        # memcached, and within one process on the local-memory cache.
        cache.add(f"{cache_key}:opened", now, timeout=self.window)
        cache.add(f"{cache_key}:count", 0, timeout=self.window)
        try:
            count = cache.incr(f"{cache_key}:count")
        except ValueError:  # expired between add() and incr(): a new window
            cache.set(f"{cache_key}:opened", now, timeout=self.window)
            cache.set(f"{cache_key}:count", 1, timeout=self.window)
            count = 1
        if count > self.limit:
            opened = float(cache.get(f"{cache_key}:opened", now))
            retry_after = max(1, math.ceil(opened + self.window - now))
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
