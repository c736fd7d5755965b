"""Reads of the register that are more than a line: residents by street and by name,
and the register's history (what it said at a moment, what changed in a person's record).

A read here writes nothing; a page that shows a person found here writes the
access log itself, through :func:`townhall.registry.services.access_log_record_search`.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone

from townhall.registry.admin.persons import looks_like_national_number
from townhall.registry.history import history_model, history_reason_text
from townhall.registry.models import (
    Address,
    Household,
    HouseholdMembership,
    Organisation,
    OrganisationAddress,
    Person,
    Representative,
)

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


# The register's history (townhall.registry.history): what it said then, and what changed.

HISTORY_LIMIT = 200  # versions shown on a person's history page, the most recent


def _as_of_moment(when: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date means the end of that day, in the municipality's time zone."""
    if isinstance(when, datetime.datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    end = datetime.datetime.combine(when, datetime.time.max)
    return timezone.make_aware(end)


def _version_instance(model: type[models.Model], version) -> models.Model:
    """The record as the version holds it; the fields the history leaves out stay empty
    (a person's protected number is never read back from today's row)."""
    kept = {field.attname for field in version.tracked_fields}
    return model(
        **{
            field.attname: getattr(version, field.attname)
            for field in model._meta.concrete_fields
            if field.attname in kept
        }
    )


def _versions_as_of(model, moment, **filters) -> list[models.Model]:
    """The records of ``model`` matching ``filters`` as they stood at ``moment``."""
    latest = {}
    for version in (
        history_model(model)
        .objects.filter(history_date__lte=moment, **filters)
        .order_by("history_date", "history_id")
    ):
        latest[version.id] = version
    return [
        _version_instance(model, version)
        for version in latest.values()
        if version.history_type != "-"
    ]


def register_as_of(record: models.Model, when: datetime.date | datetime.datetime):
    """What the register said of ``record`` (a person, household, address or
    organisation) at ``when``: the record as it was, or None when it did not exist
    then (or had been deleted). A date means the end of that day.

    A household comes with ``members_then`` (its memberships as they stood), an
    organisation with ``addresses_then`` and ``representatives_then``. One query,
    and one more for each of those lists.
    """
    model = type(record)
    if history_model(model) is None or model not in AS_OF_RELATED:
        raise ValueError(f"The register keeps no history of {model.__name__}.")
    moment = _as_of_moment(when)
    version = (
        history_model(model)
        .objects.filter(id=record.pk, history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if version is None or version.history_type == "-":
        return None
    then = _version_instance(model, version)
    for attribute, (related, column) in AS_OF_RELATED[model].items():
        setattr(then, attribute, _versions_as_of(related, moment, **{column: record.pk}))
    return then


AS_OF_RELATED = {
    Person: {},
    Address: {},
    Household: {"members_then": (HouseholdMembership, "household_id")},
    Organisation: {
        "addresses_then": (OrganisationAddress, "organisation_id"),
        "representatives_then": (Representative, "organisation_id"),
    },
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryLine:
    """One version of a person's record or of one of their household memberships."""

    at: datetime.datetime
    subject: str  # "person", "household membership"
    kind: str  # created, changed, deleted
    changes: list[FieldChange]
    who: str
    why: str


# The fields a person's history page leaves out: when the row was made says nothing new.
_HISTORY_HIDDEN = {"id", "created_at", "person"}


def person_history(person: Person, *, limit: int = HISTORY_LIMIT) -> list[HistoryLine]:
    """The versions of ``person``'s record and household memberships, newest first, each
    with what changed field by field (old → new), who and why. The national number
    shows as its masked fingerprint only. Four queries whatever the number of lines."""
    lines = []
    versions = [
        (Person, list(_history_of(Person, id=person.pk)[:limit])),
        (HouseholdMembership, list(_history_of(HouseholdMembership, person_id=person.pk)[:limit])),
    ]
    addresses, households = set(), set()
    for _, records in versions:
        for version in records:
            addresses.add(getattr(version, "domicile_id", None))
            households.add(getattr(version, "household_id", None))
    shown = {
        Address: Address.objects.in_bulk([pk for pk in addresses if pk]),
        Household: Household.objects.select_related("address").in_bulk(
            [pk for pk in households if pk]
        ),
    }
    for model, records in versions:
        earlier = {}
        for version in reversed(records):  # oldest first, to diff each with the one before
            before = earlier.get(version.id)
            earlier[version.id] = version
            lines.append(_history_line(model, version, before, shown))
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]


def _history_of(model, **filters):
    return (
        history_model(model)
        .objects.filter(**filters)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def _history_line(model, version, before, shown) -> HistoryLine:
    fields = [f for f in version.tracked_fields if f.name not in _HISTORY_HIDDEN]
    if before is None or version.history_type == "-":
        changes = [
            FieldChange(str(field.verbose_name), "", _shown(field, version, shown))
            for field in fields
            if version.history_type == "+" and getattr(version, field.attname) not in (None, "")
        ]
    else:
        editable = [f.name for f in fields if f.editable]
        changed = set(version.diff_against(before, included_fields=editable).changed_fields)
        # simple-history's diff leaves out the fields no form edits (the masked number).
        changed |= {
            f.name
            for f in fields
            if not f.editable and getattr(version, f.attname) != getattr(before, f.attname)
        }
        changes = [
            FieldChange(
                str(field.verbose_name), _shown(field, before, shown), _shown(field, version, shown)
            )
            for field in fields
            if field.name in changed
        ]
    user = version.history_user
    return HistoryLine(
        at=version.history_date,
        subject=str(model._meta.verbose_name),
        kind=_KINDS[version.history_type],
        changes=changes,
        who=(user.get_full_name() or user.get_username()) if user is not None else "",
        # The kept why (English, as written) reads in the page's language.
        why=history_reason_text(version.history_change_reason or ""),
    )


def _shown(field, version, shown) -> str:
    value = getattr(version, field.attname)
    if value is None or value == "":
        return ""
    if field.is_relation:
        found = shown.get(field.related_model, {}).get(value)
        return str(found) if found is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(formats.localize(value))
