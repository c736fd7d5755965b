"""Reads of the municipality profile."""

from townhall.municipality.models import Municipality


def municipality_get_active() -> Municipality | None:
    """The active municipality with its departments, postcodes and hours, or None."""
    return (
        Municipality.objects.filter(is_active=True)
        .prefetch_related("postcodes", "departments", "opening_hours")
        .first()
    )
