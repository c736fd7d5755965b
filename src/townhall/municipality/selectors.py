"""Reads of the municipality profile."""

from django.core.cache import cache

from townhall import page_cache
from townhall.municipality.models import Municipality

PROFILE_KEY = "townhall:municipality:active"
_NOT_KEPT = object()


def municipality_get_active() -> Municipality | None:
    """The active municipality with its departments, postcodes and hours, or None
    (four queries)."""
    return (
        Municipality.objects.filter(is_active=True)
        .prefetch_related("postcodes", "departments", "opening_hours")
        .first()
    )


def municipality_get_active_cached() -> Municipality | None:
    """:func:`municipality_get_active`, kept in the cache under the content version
    (no query while it is there). Staff's changes start a new version
    (:mod:`townhall.municipality.receivers`); every page's layout reads this."""
    if page_cache.cache_seconds() <= 0:
        return municipality_get_active()
    key = f"{PROFILE_KEY}:{page_cache.content_version()}"
    active = cache.get(key, _NOT_KEPT)
    if active is _NOT_KEPT:
        active = municipality_get_active()
        cache.set(key, active, page_cache.cache_seconds())
    return active
