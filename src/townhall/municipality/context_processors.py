"""Put the active municipality in every template as ``municipality``."""

from townhall.municipality.models import Municipality
from townhall.municipality.selectors import municipality_get_active_cached


def municipality_for(request) -> Municipality | None:
    """The active municipality, read once per request (from the cache while it is there)."""
    if not hasattr(request, "_townhall_municipality"):
        request._townhall_municipality = municipality_get_active_cached()
    return request._townhall_municipality


def municipality(request):
    active = municipality_for(request)
    counter_hours = (
        [hours for hours in active.opening_hours.all() if hours.department_id is None]
        if active
        else []
    )
    return {"municipality": active, "counter_hours": counter_hours}
