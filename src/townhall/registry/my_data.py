"""Everything the municipality holds about one person, as "My data" and its download show it.

1. :func:`~townhall.registry.person_items.person_items` reads the person's
   record and turns it into items (:mod:`townhall.registry.person_items`).
2. :func:`person_data` adds what the register keeps beside the record:
   contact settings and consents, the person's correction requests, and the
   access log (staff names only when the municipality chooses to show them;
   a search says what kind of term and among how many persons shown).
3. :func:`~townhall.registry.person_items.item_for` finds one item again by its
   key, only among that person's own items.

Members of the household are shown by name and relation only. The national
number appears masked; the download adds it in clear for the person alone
(:mod:`townhall.registry.jsonld`).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from townhall.registry.connectors import HouseholdMemberRecord, PersonRecord
from townhall.registry.contact import ContactSettings, contact_settings_for
from townhall.registry.models import AccessLogEntry, CorrectionRequest, Person
from townhall.registry.person_items import (
    CONTACT_FIELDS,
    IDENTITY_KEYS,
    DataItem,
    birth_date_display,
    item_for,
    person_items,
)

# Importable from here too, where My data's callers have always found them.
__all__ = ["IDENTITY_KEYS", "DataItem", "birth_date_display", "item_for", "person_items"]

ACCESS_LOG_LIMIT = 200


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


def access_log_for(person: Person, *, limit: int | None = ACCESS_LOG_LIMIT) -> list[AccessLogLine]:
    """Staff reads of the person's record, newest first; staff named only if the setting says so."""
    show_names = settings.TOWNHALL_ACCESS_LOG_SHOW_STAFF_NAMES
    entries = AccessLogEntry.objects.filter(person=person).order_by("-at")[:limit]
    # The labels translated once for all rows: the model's get_<field>_display
    # translates every choice's label on every call (its dict hashes each lazy
    # label), which was most of My data's time with 200 rows.
    labels = Labels(
        actions={value: str(label) for value, label in AccessLogEntry.Action.choices},
        search_kinds={value: str(label) for value, label in AccessLogEntry.SearchKind.choices},
        municipality=_("the municipality"),
        a_term=_("a term"),
    )
    return [
        AccessLogLine(
            at=entry.at,
            department=entry.actor_department or labels.municipality,
            staff_name=entry.actor_name if show_names else "",
            action=entry.action,
            action_label=labels.actions.get(entry.action, entry.action),
            purpose=entry.purpose,
            search_detail=_search_detail(entry, labels),
        )
        for entry in entries
    ]


@dataclass(frozen=True)
class Labels:
    """The access log's labels in the active language, for one list of rows."""

    actions: dict[str, str]
    search_kinds: dict[str, str]
    municipality: str
    a_term: str


def _search_detail(entry: AccessLogEntry, labels: Labels) -> str:
    if entry.action != AccessLogEntry.Action.SEARCH:
        return ""
    count = entry.result_count or 1
    kind = labels.search_kinds.get(entry.search_kind, entry.search_kind)
    return ngettext(
        "for %(kind)s; you were the only person shown",
        "for %(kind)s; you were one of %(count)d persons shown",
        count,
    ) % {"kind": kind or labels.a_term, "count": count}


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
