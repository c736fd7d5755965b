"""The "download my data" document: JSON-LD with the OSLO Persoon basis context.

1. The document names its context by the public URL
   (:data:`PERSOON_BASIS_CONTEXT_URL`), followed by a small inline context
   with the prefixes of the other vocabularies it uses (Adresregister,
   schema.org, W3C org, regorg, ADMS, SKOS, PROV, Contactvoorkeuren).
2. The project ships its own copy of that context
   (``registry/data/jsonld/persoon-basis.jsonld``, read by
   :func:`local_context`): the terms this document uses, with the property
   IRIs of OSLO's context and the persoon namespace as ``STANDARDS.md`` gives
   it. Nothing here fetches a context at run time; a JSON-LD processor run by
   the project must use :func:`local_context` as its document loader.
3. :func:`person_document` turns :class:`~townhall.registry.my_data.PersonData`
   into the document: identity, domicile, household (other members by name
   and relation only), organisations represented, contact details and
   preferences, consents, correction requests, the access log, and where each
   group of fields came from.

The national number appears in clear only when ``include_national_number``
is true, which the view passes for the person themselves; it is never put in
the file name or a URL.
"""

import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from townhall.registry.connectors import AddressRecord
from townhall.registry.models import Person
from townhall.registry.my_data import PersonData
from townhall.registry.preferences import Channel, Topic
from townhall.registry.provenance import FieldGroup

PERSOON_BASIS_CONTEXT_URL = "https://data.vlaanderen.be/context/persoon-basis.jsonld"
_LOCAL_CONTEXTS = {
    PERSOON_BASIS_CONTEXT_URL: Path(__file__).parent / "data" / "jsonld" / "persoon-basis.jsonld"
}
XSD = "http://www.w3.org/2001/XMLSchema#"
# Prefixes of the vocabularies used beside Persoon basis, exactly as their specifications write
# them (adres and toestemming with https, schema.org with http as in the OSLO contexts).
EXTENSION_CONTEXT = {
    "adms": "http://www.w3.org/ns/adms#",
    "adres": "https://data.vlaanderen.be/ns/adres#",
    "dct": "http://purl.org/dc/terms/",
    "locn": "http://www.w3.org/ns/locn#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "regorg": "http://www.w3.org/ns/regorg#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "toestemming": "https://data.vlaanderen.be/ns/toestemming#",
    "xsd": XSD,
}
CONTENT_TYPE = "application/ld+json"


class UnknownContext(LookupError):
    """A context the project does not ship; it is never fetched."""


@cache
def local_context(url: str) -> dict:
    """The project's copy of the context at ``url``: a document loader that never fetches."""
    try:
        path = _LOCAL_CONTEXTS[url]
    except KeyError:
        raise UnknownContext(f"No local copy of the JSON-LD context {url!r}.") from None
    return json.loads(path.read_text(encoding="utf-8"))


def _typed(value: str, datatype: str) -> dict:
    return {"@value": value, "@type": f"xsd:{datatype}"}


def _birth_date(person_data: PersonData) -> dict | None:
    record = person_data.record
    if record.birth_date is None:
        return None
    day = record.birth_date
    if record.birth_date_precision == Person.DatePrecision.YEAR:
        return _typed(f"{day.year:04d}", "gYear")
    if record.birth_date_precision == Person.DatePrecision.MONTH:
        return _typed(f"{day.year:04d}-{day.month:02d}", "gYearMonth")
    return _typed(day.isoformat(), "date")


def _concept(notation: str, label: str) -> dict:
    return {"@type": "skos:Concept", "skos:notation": notation, "skos:prefLabel": label}


def _address(address: AddressRecord) -> dict:
    node: dict[str, Any] = {
        "@type": "locn:Address",
        "adres:heeftStraatnaam": address.street_name,
        "adres:Adresvoorstelling.huisnummer": address.house_number,
        "adres:postcode": address.postcode,
        "adres:gemeentenaam": address.municipality_name,
        "locn:fullAddress": str(address),
    }
    if address.box_number:
        node["adres:Adresvoorstelling.busnummer"] = address.box_number
    if address.register_uri:
        node["adres:verwijstNaar"] = {"@id": address.register_uri}
    if address.street_uri:
        # The street as a linked object of the address register (it keeps its URI
        # when renamed); its name stays on the address for readers that do not follow.
        node["adres:Straatnaam"] = {
            "@id": address.street_uri,
            "@type": "adres:Straatnaam",
            "adres:Straatnaam.straatnaam": address.street_name,
        }
    return node


def _identifier(person: Person, *, clear: bool) -> dict | None:
    if not person.has_belgian_number:
        return None
    agency = {
        Person.NumberKind.NATIONAL_REGISTER: "Rijksregister",
        Person.NumberKind.BIS: "Kruispuntbank van de Sociale Zekerheid",
    }[person.number_kind]
    return {
        "@type": "adms:Identifier",
        "skos:notation": person.reveal_national_number()
        if clear
        else person.national_number_masked,
        "adms:schemaAgency": agency,
    }


def _when(value: datetime.datetime | datetime.date) -> dict:
    if isinstance(value, datetime.datetime):
        return _typed(timezone.localtime(value).isoformat(timespec="seconds"), "dateTime")
    return _typed(value.isoformat(), "date")


def _contact(person_data: PersonData) -> dict:
    settings = person_data.contact_settings
    channels = dict(Channel.choices)
    node: dict[str, Any] = {
        "@type": "schema:ContactPoint",
        "toestemming:contactkanaal": _concept(
            settings.preferred_channel, str(channels[settings.preferred_channel])
        ),
    }
    if settings.email:
        node["schema:email"] = settings.email
    if settings.mobile:
        node["schema:telephone"] = settings.mobile
    per_topic = []
    for topic, choice in settings.topic_channels.items():
        if choice in channels:
            per_topic.append(
                {
                    "@type": "schema:ContactPoint",
                    "schema:contactType": str(Topic(topic).label),
                    "toestemming:contactkanaal": _concept(choice, str(channels[choice])),
                }
            )
    return {"main": node, "per_topic": per_topic}


def _sources(person_data: PersonData) -> list[dict]:
    groups = dict(FieldGroup.choices)
    return [
        {
            "@type": "prov:Entity",
            "dct:subject": str(groups.get(group, group)),
            "dct:source": str(provenance),
            **({"dct:date": _when(provenance.on)} if provenance.on else {}),
        }
        for group, provenance in person_data.record.provenance.items()
    ]


def person_document(person_data: PersonData, *, include_national_number: bool) -> dict:
    """The JSON-LD document of everything the municipality holds about the person."""
    person, record = person_data.person, person_data.record
    types = ["GeregistreerdPersoon"]
    if record.state == Person.State.RESIDENT:
        types.append("Inwoner")
    doc: dict[str, Any] = {
        "@context": [PERSOON_BASIS_CONTEXT_URL, EXTENSION_CONTEXT],
        "@type": types,
        "gebruikteVoornaam": record.given_names,
        "achternaam": record.family_name,
    }
    birth = _birth_date(person_data)
    if birth:
        doc["heeftGeboorte"] = {"@type": "Geboorte", "datum": birth}
    if record.sex in (Person.Sex.MALE, Person.Sex.FEMALE):
        doc["geslacht"] = _concept(record.sex, str(Person.Sex(record.sex).label))
    if record.nationality:
        doc["heeftNationaliteit"] = [
            {
                "@type": "Nationaliteit",
                "nationaliteit": {"@type": "skos:Concept", "skos:notation": record.nationality},
            }
        ]
    if record.language:
        doc["schema:knowsLanguage"] = record.language
    identifier = _identifier(person, clear=include_national_number)
    if identifier:
        doc["adms:identifier"] = identifier
    if record.domicile:
        doc["heeftVerblijfplaats"] = [
            {"@type": "Domicilie", "verblijfsadres": _address(record.domicile)}
        ]
    if record.household:
        household: dict[str, Any] = {
            "@type": "Gezin",
            "org:hasMember": [
                {
                    "@type": "Persoon",
                    "gebruikteVoornaam": member.given_names,
                    "achternaam": member.family_name,
                    # The relation to the household's reference person.
                    "gezinsrelatietype": _concept(member.relation, member.relation_label),
                }
                for member in record.household
            ],
        }
        if record.domicile:
            household["gezinsadres"] = _address(record.domicile)
        doc["isLidVan"] = [household]
    if record.representations:
        doc["org:hasMembership"] = [
            {
                "@type": "org:Membership",
                "org:organization": {
                    "@type": "regorg:RegisteredOrganization",
                    "regorg:legalName": r.organisation_name,
                    **(
                        {
                            "adms:identifier": {
                                "@type": "adms:Identifier",
                                "skos:notation": r.enterprise_number,
                                "adms:schemaAgency": "KBO",
                            }
                        }
                        if r.enterprise_number
                        else {}
                    ),
                },
                "org:role": _concept(r.role, r.role_label),
                **({"schema:startDate": _when(r.since)} if r.since else {}),
            }
            for r in record.representations
        ]
    contact = _contact(person_data)
    doc["contactinfo"] = [contact["main"], *contact["per_topic"]]
    doc["prov:wasDerivedFrom"] = _sources(person_data)
    reverse: dict[str, list] = {}
    consents = [
        {
            "@type": "toestemming:Toestemming",
            "toestemming:notificatiecategorie": _concept(c.topic, str(c.get_topic_display())),
            "toestemming:status": _concept(
                "given" if c.given else "withdrawn", "given" if c.given else "withdrawn"
            ),
            "toestemming:gegevenOp": _when(c.on),
            "dct:source": str(c.get_source_display()),
        }
        for c in person_data.contact_settings.consents.values()
    ]
    if consents:
        reverse["toestemming:dataSubject"] = consents
    corrections = [
        {
            "@type": "schema:Comment",
            "schema:name": c.item_label,
            "schema:text": c.remark,
            "schema:dateCreated": _when(c.created_at),
            "schema:creativeWorkStatus": c.status,
        }
        for c in person_data.corrections
    ]
    if corrections:
        reverse["schema:about"] = corrections
    reads = [
        {
            "@type": "prov:Activity",
            "prov:startedAtTime": _when(line.at),
            "prov:wasAssociatedWith": {
                "@type": "org:OrganizationalUnit",
                "skos:prefLabel": line.department,
                **({"schema:employee": line.staff_name} if line.staff_name else {}),
            },
            "dct:type": _concept(line.action, line.action_label),
            "dct:description": line.purpose,
        }
        for line in person_data.access_log
    ]
    if reads:
        reverse["prov:used"] = reads
    if reverse:
        doc["@reverse"] = reverse
    return doc


def person_document_json(person_data: PersonData, *, include_national_number: bool) -> str:
    return json.dumps(
        person_document(person_data, include_national_number=include_national_number),
        ensure_ascii=False,
        indent=2,
    )
