"""Reads of accounts that are more than a line: the mandates a person gave and received."""

from townhall.accounts.models import Mandate
from townhall.registry.models import Person


def mandate_list_given(*, person: Person) -> list[Mandate]:
    """The mandates ``person`` gave, in force or not, with whom they went to (one query)."""
    return list(Mandate.objects.filter(grantor=person).select_related("grantee"))


def mandate_list_received(*, person: Person) -> list[Mandate]:
    """The mandates ``person`` received, in force or not, with who gave them (one query)."""
    return list(Mandate.objects.filter(grantee=person).select_related("grantor"))
