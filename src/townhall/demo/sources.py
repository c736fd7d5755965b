"""Where the demo's data came from, so My data can say it for every item.

Residents' identity, language, domicile and household come from the population register,
as of the reference date; visitors were registered at the counter; e-mail
addresses and mobile numbers were given by the residents themselves.
Organisations come from the Crossroads Bank for Enterprises when they have an
enterprise number, else from the association register (vCode) or the counter.
"""

from townhall.demo.timeline import REFERENCE_DATE
from townhall.registry.models import Organisation, Person
from townhall.registry.person_fields import PERSON_FIELDS
from townhall.registry.provenance import (
    FieldGroup,
    RecordSource,
    Source,
    record_sources_bulk,
)

# A resident's groups of fields that the population register delivers, and the household.
POPULATION_GROUPS = (
    *dict.fromkeys(f.group for f in PERSON_FIELDS if f.from_population_register and f.group),
    FieldGroup.HOUSEHOLD,
)
# What the residents gave themselves (e-mail address, mobile number).
RESIDENT_FIELDS = tuple(f for f in PERSON_FIELDS if not f.from_population_register)


def _person_rows(person: Person) -> list[RecordSource]:
    if person.state == Person.State.RESIDENT:
        rows = [
            RecordSource(
                person=person,
                group=group,
                source=Source.POPULATION_REGISTER,
                recorded_on=REFERENCE_DATE,
            )
            for group in POPULATION_GROUPS
        ]
    else:
        rows = [
            RecordSource(
                person=person,
                group=FieldGroup.IDENTITY,
                source=Source.COUNTER,
                recorded_on=REFERENCE_DATE,
            )
        ]
    given = dict.fromkeys(f.group for f in RESIDENT_FIELDS if getattr(person, f.columns[0]))
    rows += [
        RecordSource(person=person, group=group, source=Source.RESIDENT, recorded_on=REFERENCE_DATE)
        for group in given
    ]
    return rows


def _organisation_source(organisation: Organisation) -> str:
    if organisation.enterprise_number:
        return Source.ENTERPRISE_REGISTER
    if organisation.vcode:
        return Source.ASSOCIATION_REGISTER
    return Source.COUNTER


def sources_write(
    persons: list[Person], organisations: list[Organisation], *, batch_size: int
) -> int:
    """Record the source of every saved demo person and organisation; return how many rows."""
    rows = [row for person in persons for row in _person_rows(person)]
    rows += [
        RecordSource(
            organisation=organisation,
            group=FieldGroup.ORGANISATION,
            source=_organisation_source(organisation),
            recorded_on=REFERENCE_DATE,
        )
        for organisation in organisations
    ]
    record_sources_bulk(rows, batch_size=batch_size)
    return len(rows)
