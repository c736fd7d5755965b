"""Where the register's data came from (herkomst), per group of fields.

1. Fields are grouped by how they change together (:class:`FieldGroup`): the
   population register sends a person's identity, domicile and household; the
   resident gives their own e-mail address, mobile number and preferences.
2. Whoever writes a group (a service, an importer, the demo seed) records its
   source in the same transaction with :func:`record_source_set`, or in bulk
   with :func:`record_sources_bulk`: one :class:`RecordSource` row per person
   (or organisation) and group, replaced when the group changes again.
3. Readers never query this table themselves: the source connectors put the
   provenance into the record they return, and the prefill service hands it
   on with every value ("population register, 2026-01-14").
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from townhall.registry.models import Organisation, Person
from townhall.registry.models.provenance import FieldGroup, Provenance, RecordSource, Source
from townhall.registry.person_fields import GROUP_OF

__all__ = ["FieldGroup", "Provenance", "RecordSource", "Source"]  # defined with the models

# What a value without a recorded source says: it is in our own register,
# which changed the record on that day (the table cannot say who sent it).
LOCAL_REGISTER = "townhall-register"
CHANGED_BY_STAFF = gettext_noop("changed by the municipality's staff")


def local_register_provenance(on: datetime.date | None) -> Provenance:
    return Provenance(source=LOCAL_REGISTER, label=str(_("the municipality's register")), on=on)


def record_source_set(
    *,
    group: str,
    source: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
    detail: str = "",
    recorded_by=None,
) -> RecordSource:
    """Record that ``group`` of ``person`` (or ``organisation``) now comes from ``source``."""
    if (person is None) == (organisation is None):
        raise ValueError("Give a person or an organisation, not both.")
    record, _created = RecordSource.objects.update_or_create(
        person=person,
        organisation=organisation,
        group=group,
        defaults={
            "source": source,
            "detail": detail[:120],
            "recorded_on": on or timezone.localdate(),
            "recorded_by": recorded_by,
        },
    )
    return record


# Which group a field of Person belongs to (declared in person_fields), and who
# gives it when staff change it.
PERSON_FIELD_GROUPS = {name: FieldGroup(group) for name, group in GROUP_OF.items()}
STAFF_SOURCE_OF_GROUP = {
    FieldGroup.IDENTITY: Source.POPULATION_REGISTER,
    FieldGroup.DOMICILE: Source.POPULATION_REGISTER,
    FieldGroup.HOUSEHOLD: Source.POPULATION_REGISTER,  # the household admin (household_edits)
    FieldGroup.CONTACT: Source.COUNTER,
    FieldGroup.PREFERENCES: Source.COUNTER,
}


# The source of a change made by the municipality's staff: each group's own (above).
BY_STAFF = "staff"


def record_sources_for_change(
    *, person: Person, changed_fields, source: str, actor, detail: str = ""
) -> None:
    """Record the new source of each group of ``person`` that ``changed_fields`` touch.

    ``source`` is a :class:`Source`, or :data:`BY_STAFF` for a change by staff:
    citizens' affairs keeps the population register (identity, domicile), and
    contact details and preferences were told at the counter.
    """
    groups = {PERSON_FIELD_GROUPS[f] for f in changed_fields if f in PERSON_FIELD_GROUPS}
    for group in sorted(groups):
        record_source_set(
            person=person,
            group=group,
            source=STAFF_SOURCE_OF_GROUP[group] if source == BY_STAFF else source,
            detail=detail or (CHANGED_BY_STAFF if source == BY_STAFF else ""),
            recorded_by=actor,
        )


def record_sources_bulk(rows: list[RecordSource], *, batch_size: int = 500) -> None:
    """Insert many sources at once (imports, the demo seed) for subjects that have none yet."""
    RecordSource.objects.bulk_create(rows, batch_size=batch_size)
