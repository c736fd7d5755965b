"""An organisation's data as items, as the person who acts for it reads them.

The record comes through the prefill service (one fetch through the source
connector, with the source of each group of fields), as a person's own data
does (:mod:`townhall.registry.person_items`); nothing here reads the
organisation's tables itself.
"""

from django.utils.translation import gettext as _

from townhall.registry.identifiers import format_enterprise_number
from townhall.registry.models import Organisation
from townhall.registry.person_items import DataItem
from townhall.registry.prefill import fetch_record
from townhall.registry.provenance import FieldGroup


def organisation_items(organisation: Organisation) -> list[DataItem]:
    """What the register holds about ``organisation``; a field it leaves empty is left
    out, but for the contact details, where "none" says what to add."""
    record = fetch_record(organisation)
    if record is None:
        return []
    about = record.provenance.get(FieldGroup.ORGANISATION)
    contact = record.provenance.get(FieldGroup.ORGANISATION_CONTACT)
    kinds, states = dict(Organisation.Kind.choices), dict(Organisation.Status.choices)
    identity = [
        ("name", _("Name"), record.name),
        ("alternative_name", _("Other name"), record.alternative_name),
        ("kind", _("Kind"), kinds.get(record.kind, record.kind)),
        (
            "enterprise_number",
            _("Enterprise number (KBO)"),
            format_enterprise_number(record.enterprise_number) if record.enterprise_number else "",
        ),
        ("vcode", _("vCode (association register)"), record.vcode),
        ("legal_form", _("Legal form (KBO code)"), record.legal_form),
        ("status", _("Status"), states.get(record.status, record.status)),
        ("registered_office", _("Registered office"), str(record.registered_office or "")),
    ]
    items = [
        DataItem(key, str(label), value, about, correctable=False)
        for key, label, value in identity
        if value
    ]
    for key, label, value in (
        ("email", _("E-mail address"), record.email),
        ("phone", _("Telephone"), record.phone),
        ("website", _("Website"), record.website),
    ):
        items.append(DataItem(key, str(label), value or _("none"), contact, correctable=False))
    return items
