"""Prefill per field: what the municipality already knows is shown, not asked.

1. A field names a prefill attribute (OSLO term or alias); the definition was
   checked against the prefill catalogue when it was saved.
2. :func:`known_values` asks :func:`townhall.registry.prefill.prefill` once for
   every prefilled field of the form, for the draft's subject: the person signed
   in, the grantor of their mandate, or the organisation they act for.
3. A known value comes back as :class:`KnownValue`: its JSON value (what the
   rules read and the draft keeps), how it reads, its source and date, and the
   "not right?" link (a correction request on My data, or the contact page for
   what the resident changes themselves).
4. The step form leaves such a field out: it is shown read-only, and the value
   is taken from the register on the server, never from what a browser sends.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from townhall.eforms.fields import address_value, field_types
from townhall.registry.connectors.base import AddressRecord
from townhall.registry.person_fields import PERSON_FIELDS
from townhall.registry.prefill import UnknownAttribute, prefill

DOMICILE_PARTS = {
    "adres:",
    "street_name",
    "house_number",
    "box_number",
    "postcode",
    "municipality_name",
}
ITEM_OF_NAME = {name: field for field in PERSON_FIELDS for name in field.prefill_names}


@dataclass(frozen=True)
class KnownValue:
    value: Any
    shown: str
    provenance: str
    correction_url: str


def _json(value: Any) -> Any:
    if isinstance(value, AddressRecord):
        return address_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def correction_url(name: str) -> str:
    field = ITEM_OF_NAME.get(name)
    if field is None and (name.startswith("adres:") or name in DOMICILE_PARTS):
        return reverse("portal:correction_report", args=["domicile"])
    if field is None:
        return ""
    if field.changed_by_resident:
        return reverse("portal:contact_preferences")
    return reverse("portal:correction_report", args=[field.name])


def known_values(definition, *, person=None, organisation=None) -> dict[str, KnownValue]:
    """The known value of each prefilled field of ``definition`` for the subject, by field key."""
    wants_organisation = definition.raw.get("prefill_subject") == "organisation"
    subject = organisation if wants_organisation else person
    fields = {k: f for k, f in definition.fields_by_key.items() if f.get("prefill")}
    if subject is None or not fields:
        return {}
    try:
        values = prefill(subject, sorted({f["prefill"] for f in fields.values()}))
    except UnknownAttribute:  # the catalogue changed since the version was saved
        return {}
    known = {}
    for key, spec in fields.items():
        prefilled = values[spec["prefill"]]
        if prefilled.value in (None, "", ()):
            continue
        value = _json(prefilled.value)
        known[key] = KnownValue(
            value=value,
            shown=field_types[spec["type"]].display(value, spec) or str(value),
            provenance=str(prefilled.provenance or ""),
            correction_url="" if wants_organisation else correction_url(spec["prefill"]),
        )
    return known
