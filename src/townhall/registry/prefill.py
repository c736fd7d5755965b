"""Once-only prefill: what the municipality already knows, each value with its source.

Forms, My data, certificates and every other module get known data about a
person or an organisation through :func:`prefill` only, never by reading the
register's tables themselves: so "ask only once" and "say where it came from"
hold everywhere, and an authentic source can replace our own tables later.

1. Source connectors register themselves on
   :data:`townhall.registry.connectors.register` (``RegistryConfig.ready()``
   imports them); ``townhall-register``, our own tables, is the default.
2. A caller asks ``prefill(person, ["persoon:gebruikteVoornaam", "email"])``,
   naming attributes by OSLO term or by project alias (:data:`PERSON_ATTRIBUTES`,
   :data:`ORGANISATION_ATTRIBUTES`).
3. Every name is resolved first; an unknown one raises :class:`UnknownAttribute`
   naming it, before anything is read.
4. The connector fetches the subject's record once, whatever the number of
   attributes (:class:`~townhall.registry.connectors.PersonRecord`).
5. Each attribute reads its value from the record, with the provenance of its
   group of fields ("population register, 2026-01-14").
6. The caller gets ``{name: PrefilledValue}``; a form field takes ``.value``
   as its initial value and shows ``.provenance`` beside it.

The clear national number is never prefilled: ``adms:identifier`` of a
person gives the masked form only.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from townhall.registry.connectors import OrganisationRecord, PersonRecord, Registry, register
from townhall.registry.models import Organisation, Person
from townhall.registry.person_fields import PERSON_FIELDS
from townhall.registry.provenance import LOCAL_REGISTER, FieldGroup, Provenance


class UnknownAttribute(ValueError):
    """An attribute name that the prefill catalogue does not know for this kind of subject."""


@dataclass(frozen=True)
class Attribute:
    """One piece of known data: its names (the OSLO term first when there is one,
    then project aliases), its group of fields, and how to read it from a record."""

    names: tuple[str, ...]
    label: Any  # a lazy translation
    group: str
    read: Callable[[Any], Any]

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class PrefilledValue:
    """A known value and where it came from. ``value`` is None when nothing is known."""

    attribute: Attribute
    value: Any
    provenance: Provenance | None

    @property
    def label(self) -> str:
        return str(self.attribute.label)


def _domicile(part: str) -> Callable[[PersonRecord], Any]:
    return lambda record: getattr(record.domicile, part) if record.domicile else None


def _subject_relation(record: PersonRecord) -> str | None:
    return next((m.relation for m in record.household if m.is_subject), None)


def _column(name: str) -> Callable[[PersonRecord], Any]:
    return lambda record: getattr(record, name)


G = FieldGroup
PERSON_ATTRIBUTES: tuple[Attribute, ...] = (
    # Each prefilled field of a person (person_fields), read from its first column.
    *(
        Attribute(field.prefill_names, field.label, G(field.group), _column(field.columns[0]))
        for field in PERSON_FIELDS
        if field.prefilled
    ),
    # The parts of the domicile, the household and the organisations represented.
    Attribute(
        ("adres:heeftStraatnaam", "street_name"), _("street"), G.DOMICILE, _domicile("street_name")
    ),
    Attribute(
        ("adres:Adresvoorstelling.huisnummer", "house_number"),
        _("house number"),
        G.DOMICILE,
        _domicile("house_number"),
    ),
    Attribute(
        ("adres:Adresvoorstelling.busnummer", "box_number"),
        _("box"),
        G.DOMICILE,
        _domicile("box_number"),
    ),
    Attribute(("adres:postcode", "postcode"), _("postcode"), G.DOMICILE, _domicile("postcode")),
    Attribute(
        ("adres:gemeentenaam", "municipality_name"),
        _("municipality"),
        G.DOMICILE,
        _domicile("municipality_name"),
    ),
    Attribute(
        ("adres:verwijstNaar", "address_register_uri"),
        _("address register URI"),
        G.DOMICILE,
        _domicile("register_uri"),
    ),
    Attribute(
        ("persoon:isLidVan", "household_members", "household"),
        _("household composition"),
        G.HOUSEHOLD,
        lambda r: r.household,
    ),
    Attribute(
        ("persoon:gezinsrelatietype", "household_relation"),
        _("relation to the reference person"),
        G.HOUSEHOLD,
        _subject_relation,
    ),
    Attribute(
        ("org:hasMembership", "representations"),
        _("organisations represented"),
        G.REPRESENTATION,
        lambda r: r.representations,
    ),
)

ORGANISATION_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        ("regorg:legalName", "legal_name", "organisation_name", "name"),
        _("name"),
        G.ORGANISATION,
        lambda r: r.name,
    ),
    Attribute(
        ("skos:altLabel", "alternative_name"),
        _("alternative name"),
        G.ORGANISATION,
        lambda r: r.alternative_name,
    ),
    Attribute(
        ("adms:identifier", "enterprise_number", "kbo_number"),
        _("enterprise number"),
        G.ORGANISATION,
        lambda r: r.enterprise_number,
    ),
    Attribute(("vcode",), _("vCode (association register)"), G.ORGANISATION, lambda r: r.vcode),
    Attribute(("regorg:orgStatus", "status"), _("status"), G.ORGANISATION, lambda r: r.status),
    Attribute(
        ("regorg:orgType", "legal_form"), _("legal form"), G.ORGANISATION, lambda r: r.legal_form
    ),
    Attribute(
        ("locn:address", "registered_office", "address"),
        _("registered office"),
        G.ORGANISATION,
        lambda r: r.registered_office,
    ),
    Attribute(("schema:email", "email"), _("e-mail"), G.ORGANISATION_CONTACT, lambda r: r.email),
    Attribute(
        ("schema:telephone", "telephone", "phone"),
        _("telephone"),
        G.ORGANISATION_CONTACT,
        lambda r: r.phone,
    ),
    Attribute(("foaf:page", "website"), _("website"), G.ORGANISATION_CONTACT, lambda r: r.website),
)


def _index(attributes: tuple[Attribute, ...]) -> dict[str, Attribute]:
    index: dict[str, Attribute] = {}
    for attribute in attributes:
        for name in attribute.names:
            if name in index:
                raise ValueError(f"Two prefill attributes are named {name!r}.")
            index[name] = attribute
    return index


_PERSON_INDEX = _index(PERSON_ATTRIBUTES)
_ORGANISATION_INDEX = _index(ORGANISATION_ATTRIBUTES)


def known_attribute_names(kind: type[Person] | type[Organisation]) -> list[str]:
    """Every name (OSLO terms and aliases) prefill accepts for persons or organisations."""
    return sorted(_PERSON_INDEX if kind is Person else _ORGANISATION_INDEX)


def resolve(subject: Person | Organisation, names: Iterable[str]) -> dict[str, Attribute]:
    """The attribute behind each name, or :class:`UnknownAttribute` for the first unknown one."""
    is_person = isinstance(subject, Person)
    if not is_person and not isinstance(subject, Organisation):
        raise TypeError(f"Prefill needs a Person or an Organisation, not {type(subject)!r}.")
    index = _PERSON_INDEX if is_person else _ORGANISATION_INDEX
    resolved = {}
    for name in names:
        if name not in index:
            kind = "a person" if is_person else "an organisation"
            raise UnknownAttribute(
                f"Unknown prefill attribute {name!r} for {kind}. Known: {', '.join(sorted(index))}."
            )
        resolved[name] = index[name]
    return resolved


def fetch_record(
    subject: Person | Organisation, *, source: str = LOCAL_REGISTER, connectors: Registry = register
) -> PersonRecord | OrganisationRecord | None:
    """The subject's whole record from the named source (one read)."""
    connector = connectors[source]
    if isinstance(subject, Person):
        return connector.fetch_registered_person(subject)
    return connector.fetch_registered_organisation(subject)


def values_from(
    record: PersonRecord | OrganisationRecord | None, attributes: dict[str, Attribute]
) -> dict[str, PrefilledValue]:
    """Read resolved attributes from a record already fetched."""
    values = {}
    for name, attribute in attributes.items():
        if record is None:
            values[name] = PrefilledValue(attribute, None, None)
            continue
        value = attribute.read(record)
        values[name] = PrefilledValue(
            attribute,
            None if value in ("", None) else value,
            record.provenance.get(attribute.group),
        )
    return values


def prefill(
    subject: Person | Organisation,
    attributes: Iterable[str],
    *,
    source: str = LOCAL_REGISTER,
    connectors: Registry = register,
) -> dict[str, PrefilledValue]:
    """The known value of each named attribute of ``subject``, with its provenance.

    Names are OSLO terms (``persoon:gebruikteVoornaam``, ``foaf:familyName``,
    ``regorg:legalName``...) or project aliases (``given_name``, ``address``,
    ``enterprise_number``...). Raises :class:`UnknownAttribute` for a name
    the catalogue does not know, before reading anything.
    """
    resolved = resolve(subject, list(attributes))
    record = fetch_record(subject, source=source, connectors=connectors)
    return values_from(record, resolved)
