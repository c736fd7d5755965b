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
