"""Reads of the register that are more than a line: residents by street and by name.

A read here writes nothing; a page that shows a person found here writes the
access log itself, through :func:`townhall.registry.services.access_log_record_search`.
"""

from django.db.models import Q

from townhall.registry.admin.persons import looks_like_national_number
from townhall.registry.models import Person

NAME_SEARCH_LIMIT = 20


def street_names_of_residents() -> list[str]:
    """The streets where residents have their domicile, in order (one query)."""
    return sorted(
        set(
            Person.objects.filter(state=Person.State.RESIDENT, domicile__isnull=False)
            .order_by()
            .values_list("domicile__street_name", flat=True)
            .distinct()
        ),
        key=str.casefold,
    )


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
