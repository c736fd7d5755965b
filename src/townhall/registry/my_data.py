"""Everything the municipality holds about one person, as "My data" and its download show it.

1. :func:`person_items` reads the person's record through the prefill service
   (one fetch through the source connector, with the source of each group of
   fields) and turns it into items: a key (``family_name``, ``domicile``,
   ``representation-12``), a label, the value as shown, and its provenance.
2. :func:`person_data` adds what the register keeps beside the record:
   contact settings and consents, the person's correction requests, and the
   access log (staff names only when the municipality chooses to show them;
   a search says what kind of term and among how many persons shown).
3. :func:`item_for` finds one item again by its key, only among that person's
   own items: a key never reaches someone else's data.

Members of the household are shown by name and relation only. The national
number appears masked; the download adds it in clear for the person alone
(:mod:`townhall.registry.jsonld`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.languages import NAMES
from townhall.registry.connectors import HouseholdMemberRecord, PersonRecord
from townhall.registry.contact import ContactSettings, contact_settings_for
from townhall.registry.corrections import CorrectionRequest
from townhall.registry.models import AccessLogEntry, Person
from townhall.registry.person_fields import BY_NAME, PERSON_FIELDS, PersonField
from townhall.registry.prefill import fetch_record
from townhall.registry.provenance import FieldGroup, Provenance

ACCESS_LOG_LIMIT = 200
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


@dataclass(frozen=True)
class AccessLogLine:
    """One staff read of the person's record, as the person sees it."""

    at: datetime.datetime
    department: str
    staff_name: str  # empty unless the municipality shows staff names
    action: str
    action_label: str
    purpose: str
    # For a search: "for a name or a street; you were one of 3 persons shown".
    search_detail: str = ""


@dataclass
class PersonData:
    """Everything on My data for one person."""

    person: Person
    record: PersonRecord
    identity: list[DataItem]
    domicile: DataItem | None
    household: DataItem | None
    household_members: tuple[HouseholdMemberRecord, ...]
    representations: list[DataItem]
    contact: list[DataItem]
    contact_settings: ContactSettings
    corrections: list[CorrectionRequest]
    access_log: list[AccessLogLine]

    @property
    def open_corrections(self) -> dict[str, CorrectionRequest]:
        return {c.item_key: c for c in self.corrections if c.is_open}

    def items(self) -> list[DataItem]:
        single = [item for item in (self.domicile, self.household) if item is not None]
        return [*self.identity, *single, *self.representations, *self.contact]


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


def access_log_for(person: Person, *, limit: int | None = ACCESS_LOG_LIMIT) -> list[AccessLogLine]:
    """Staff reads of the person's record, newest first; staff named only if the setting says so."""
    show_names = settings.TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES
    entries = AccessLogEntry.objects.filter(person=person).order_by("-at")[:limit]
    return [
        AccessLogLine(
            at=entry.at,
            department=entry.actor_department or _("the municipality"),
            staff_name=entry.actor_name if show_names else "",
            action=entry.action,
            action_label=str(entry.get_action_display()),
            purpose=entry.purpose,
            search_detail=_search_detail(entry),
        )
        for entry in entries
    ]


def _search_detail(entry: AccessLogEntry) -> str:
    if entry.action != AccessLogEntry.Action.SEARCH:
        return ""
    count = entry.result_count or 1
    return ngettext(
        "for %(kind)s; you were the only person shown",
        "for %(kind)s; you were one of %(count)d persons shown",
        count,
    ) % {"kind": entry.get_search_kind_display() or _("a term"), "count": count}


def person_data(person: Person, *, access_log_limit: int | None = ACCESS_LOG_LIMIT) -> PersonData:
    """Everything My data shows about ``person``, in a fixed number of queries.

    The page shows the latest ``access_log_limit`` reads; the download passes None for all.
    """
    record, items = person_items(person)
    return PersonData(
        person=person,
        record=record,
        identity=[item for key, item in items.items() if key in IDENTITY_KEYS],
        domicile=items.get("domicile"),
        household=items.get("household"),
        household_members=record.household,
        representations=[item for key, item in items.items() if key.startswith("representation-")],
        contact=[items[field.name] for field in CONTACT_FIELDS],
        contact_settings=contact_settings_for(person),
        corrections=list(CorrectionRequest.objects.filter(person=person).order_by("-created_at")),
        access_log=access_log_for(person, limit=access_log_limit),
    )
