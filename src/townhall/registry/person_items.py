"""A person's data as items: each thing the register holds, with its key, label,
value as shown and provenance.

1. :func:`person_items` reads the person's record through the prefill service
   (one fetch through the source connector, with the source of each group of
   fields) and turns it into items: a key (``family_name``, ``domicile``,
   ``representation-12``), a label, the value as shown, and its provenance.
2. :func:`item_for` finds one item again by its key, only among that person's
   own items: a key never reaches someone else's data.

My data (:mod:`townhall.registry.my_data`) shows these items with what the
register keeps beside them; a correction request
(:mod:`townhall.registry.corrections`) names one of them. Both import this
module, which imports neither.
"""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from townhall.languages import NAMES
from townhall.registry.connectors import PersonRecord
from townhall.registry.models import Person
from townhall.registry.person_fields import BY_NAME, PERSON_FIELDS, PersonField
from townhall.registry.prefill import fetch_record
from townhall.registry.provenance import FieldGroup, Provenance

# My data lists who the person is, with their language, as "identity"; the domicile,
# the household and the contact details each have a section of their own.
IDENTITY_FIELDS = tuple(
    f for f in PERSON_FIELDS if f.group in (FieldGroup.IDENTITY, FieldGroup.PREFERENCES)
)
IDENTITY_KEYS = tuple(field.name for field in IDENTITY_FIELDS)
CONTACT_FIELDS = tuple(f for f in PERSON_FIELDS if f.group == FieldGroup.CONTACT)


@dataclass(frozen=True)
class DataItem:
    """One thing the municipality holds about the person, as shown to them."""

    key: str
    label: str
    value: str
    provenance: Provenance | None
    correctable: bool = True


def birth_date_display(record: PersonRecord) -> str:
    """The birth date as precisely as the register knows it."""
    if record.birth_date is None:
        return ""
    precision = record.birth_date_precision
    if precision == Person.DatePrecision.YEAR:
        return str(record.birth_date.year)
    if precision == Person.DatePrecision.MONTH:
        return formats.date_format(record.birth_date, "YEAR_MONTH_FORMAT")
    return formats.date_format(record.birth_date, "DATE_FORMAT")


# How a field's value is shown, where its first column is not shown as it is.
SHOWN = {
    "birth_date": birth_date_display,
    "sex": lambda record: str(Person.Sex(record.sex).label) if record.sex else "",
    "language": lambda record: str(NAMES.get(record.language, record.language)),
}


def _shown(field: PersonField, record: PersonRecord) -> str:
    show = SHOWN.get(field.name)
    return show(record) if show else getattr(record, field.columns[0])


def _item(field: PersonField, record: PersonRecord, value: str) -> DataItem:
    # What the person changes on the contact page themselves is not reported as wrong.
    return DataItem(
        field.name,
        str(field.label),
        value,
        record.provenance.get(field.group) if value else None,
        correctable=not field.changed_by_resident,
    )


def _identity(record: PersonRecord) -> list[DataItem]:
    items = [(field, _shown(field, record)) for field in IDENTITY_FIELDS]
    return [_item(field, record, value) for field, value in items if value]


def person_items(person: Person) -> tuple[PersonRecord, dict[str, DataItem]]:
    """The person's record and their items by key, read through the local register connector."""
    record = fetch_record(person)
    if record is None:
        raise Person.DoesNotExist("This person is no longer in the register.")
    items = {item.key: item for item in _identity(record)}
    if record.domicile:
        items["domicile"] = _item(BY_NAME["domicile"], record, str(record.domicile))
    if record.household:
        members = ", ".join(
            f"{member.full_name} ({member.relation_label})" for member in record.household
        )
        items["household"] = DataItem(
            "household",
            _("Household composition"),
            members,
            record.provenance.get(FieldGroup.HOUSEHOLD),
        )
    for representation in record.representations:
        key = f"representation-{representation.reference}"
        items[key] = DataItem(
            key,
            representation.organisation_name,
            representation.role_label,
            record.provenance.get(FieldGroup.REPRESENTATION),
        )
    for field in CONTACT_FIELDS:
        # Always listed: My data says "none" for a detail the person has not given.
        items[field.name] = _item(field, record, _shown(field, record))
    return record, items


def item_for(person: Person, key: str) -> DataItem | None:
    """The item ``key`` of ``person``'s own data, or None."""
    _record, items = person_items(person)
    return items.get(key)
