"""Put the active municipality in every template as ``municipality``."""

from townhall.municipality.models import Municipality
from townhall.municipality.selectors import municipality_get_active


def municipality_for(request) -> Municipality | None:
    """The active municipality, fetched once per request."""
    if not hasattr(request, "_townhall_municipality"):
        request._townhall_municipality = municipality_get_active()
    return request._townhall_municipality


def municipality(request):
    return {"municipality": municipality_for(request)}
