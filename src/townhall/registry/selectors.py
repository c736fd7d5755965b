"""Reads of the register that are more than a line: residents by street and by name.

A read here writes nothing; a page that shows a person found here writes the
access log itself, through :func:`townhall.registry.services.access_log_record_search`.
"""

from django.core.cache import cache
from django.db.models import Q

from townhall.registry.admin.persons import looks_like_national_number
from townhall.registry.models import Person

NAME_SEARCH_LIMIT = 20
STREETS_CACHE_KEY = "townhall:registry:resident-streets:v2"  # (pk, name) pairs
STREETS_CACHE_SECONDS = 300


def streets_of_residents() -> list[tuple[int, str]]:
    """The streets where residents have their domicile, as (street pk, name), in order
    of the name.

    One query over every resident, so it is kept in the cache for
    ``STREETS_CACHE_SECONDS`` (the streets change with an import, not between two
    pages of a staff member): no query while it is there.
    """
    streets = cache.get(STREETS_CACHE_KEY)
    if streets is None:
        streets = sorted(
            set(
                Person.objects.filter(state=Person.State.RESIDENT, domicile__street__isnull=False)
                .order_by()
                .values_list("domicile__street_id", "domicile__street__name")
                .distinct()
            ),
            key=lambda street: (street[1].casefold(), street[0]),
        )
        cache.set(STREETS_CACHE_KEY, streets, STREETS_CACHE_SECONDS)
    return streets


def person_list_by_name(*, term: str, limit: int = NAME_SEARCH_LIMIT) -> list[Person]:
    """Residents whose names hold every word of ``term``, with their domicile (one
    query); never a search by number, so a national number finds nobody."""
    words = term.split()
    if not words or looks_like_national_number(term):
        return []
    persons = Person.objects.filter(state=Person.State.RESIDENT)
    for word in words:
        persons = persons.filter(Q(given_names__icontains=word) | Q(family_name__icontains=word))
    return list(persons.select_related("domicile").order_by("family_name", "given_names")[:limit])
