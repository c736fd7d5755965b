"""Limits on the e-mail anyone can make the platform send (sign-in links, registrations).

1. Each request that would send an account e-mail counts once against the
   address it names and once against the client's address, whether or not an
   account exists: the count, and so a refusal, says nothing about accounts.
2. The counts are :class:`~townhall.accounts.rate_limits.RateLimit` windows in
   Django's cache (``TOWNHALL_ACCOUNT_EMAIL_LIMITS``): by default at most 3 per
   address per 15 minutes and 20 per client per hour. With more than one web
   process the cache must be shared (``CACHE_URL``), or each process counts on
   its own.
3. Over a limit nothing is sent; the page says how long to wait (HTTP 429).

The address is kept in the cache key only as a keyed hash (see rate_limits).
"""

from django.conf import settings

from townhall.accounts.rate_limits import RateLimit, RateLimitExceeded, rate_limits_hit


def account_email_wait(*, client: str | None, address: str) -> int | None:
    """Count one account e-mail asked for ``address`` by ``client``; the seconds to wait
    when that goes over a limit (nothing may be sent then), else None."""
    limits = settings.TOWNHALL_ACCOUNT_EMAIL_LIMITS
    per_client = RateLimit("account-email-client", limits["PER_CLIENT"], limits["CLIENT_WINDOW"])
    per_address = RateLimit(
        "account-email-address", limits["PER_ADDRESS"], limits["ADDRESS_WINDOW"]
    )
    try:
        rate_limits_hit(
            (per_client, client or "unknown"),
            (per_address, address.strip().lower()),
        )
    except RateLimitExceeded as refused:
        return refused.retry_after
    return None
