"""Limits on the e-mail anyone can make the platform send (sign-in links, registrations).

1. Each request that would send an account e-mail counts once against the
   address it names and once against the client's address, whether or not an
   account exists: the count, and so a refusal, says nothing about accounts.
2. The counts live in Django's cache, in windows that open at the first request
   (``TOWNHALL_ACCOUNT_EMAIL_LIMITS``): by default at most 3 per address per
   15 minutes and 20 per client per hour. With more than one web process the
   cache must be shared (``CACHE_URL``), or each process counts on its own.
3. Over a limit nothing is sent; the page says how long to wait (HTTP 429).

The address is kept in the cache key only as a keyed hash.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

KEY_PREFIX = "townhall:account-email"


def _window_count(key: str, *, window: int) -> tuple[int, int]:
    """Count one more use of ``key`` in its window, which opens at the first use:
    (count, seconds until the window closes)."""
    now = time.time()
    cache.add(f"{KEY_PREFIX}:{key}:opened", now, timeout=window)
    cache.add(f"{KEY_PREFIX}:{key}:count", 0, timeout=window)
    try:
        count = cache.incr(f"{KEY_PREFIX}:{key}:count")
    except ValueError:  # the entry expired between add() and incr()
        cache.add(f"{KEY_PREFIX}:{key}:count", 1, timeout=window)
        count = 1
    opened = cache.get(f"{KEY_PREFIX}:{key}:opened", now)
    return count, max(1, int(opened + window - now))


def account_email_wait(*, client: str | None, address: str) -> int | None:
    """Count one account e-mail asked for ``address`` by ``client``; the seconds to wait
    when that goes over a limit (nothing may be sent then), else None."""
    limits = settings.TOWNHALL_ACCOUNT_EMAIL_LIMITS
    count, left = _window_count(f"client:{client or 'unknown'}", window=limits["CLIENT_WINDOW"])
    if count > limits["PER_CLIENT"]:
        return left
    digest = salted_hmac(KEY_PREFIX, address.strip().lower()).hexdigest()
    count, left = _window_count(f"address:{digest}", window=limits["ADDRESS_WINDOW"])
    if count > limits["PER_ADDRESS"]:
        return left
    return None
