"""Read IPDC concepts and LPDC instances (JSON-LD) into products: not typed twice.

1. :func:`lpdc_read` parses the file, expands it with PyLD (a document loader
   that answers only the contexts shipped here and fetches nothing) and finds
   every node typed ``lpdcExt:ConceptualPublicService`` (a concept of the Flemish
   catalogue, IPDC) or ``lpdcExt:InstancePublicService`` (the municipality's own
   product in LPDC).
2. Each becomes a :class:`ProductRecord`: the fields of :class:`~townhall.catalog.models.Product`
   by name. Texts are taken per language: Dutch from ``nl-be-x-formal``,
   ``nl-be-x-informal``, ``nl-be-x-generated-*`` or ``nl`` (whichever comes first
   in that order), French and English from ``fr`` and ``en``. Concept IRIs of
   the type, audiences and themes become their codes; an unknown one is skipped.
   Townhall's own terms (``th:``, written by our feed) are read back when present.
3. :func:`lpdc_import` creates or updates one product per node through the
   services (so every change gets its snapshot): an instance by its IRI, a
   concept by ``concept_iri``. ``publish`` publishes what it creates.

Bad input (not JSON, not JSON-LD, a remote context, no product in it) raises
:class:`LpdcError` with a message a person can act on.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from pyld import jsonld
from pyld.jsonld import JsonLdError

from townhall.catalog import services
from townhall.catalog.lpdc.context import CONTEXT, TOWNHALL_NS
from townhall.catalog.models import TRANSLATED, Product
from townhall.catalog.vocabulary import (
    AUDIENCE_FROM_LPDC,
    LPDC_NS,
    Audience,
    ProductType,
    Theme,
    concept_code,
)
from townhall.municipality.models import Department

MAX_BYTES = 20 * 1024 * 1024
DCT = CONTEXT["dct"]
M8G = CONTEXT["m8g"]
CPSV = CONTEXT["cpsv"]
PS = CONTEXT["ps"]
INSTANCE = f"{LPDC_NS}InstancePublicService"
CONCEPT = f"{LPDC_NS}ConceptualPublicService"
SNAPSHOT = f"{LPDC_NS}InstancePublicServiceSnapshot"
DUTCH_TAGS = (
    "nl-be-x-formal",
    "nl-be-x-informal",
    "nl-be-x-generated-formal",
    "nl-be-x-generated-informal",
    "nl",
)


class LpdcError(Exception):
    """The file cannot be read as LPDC/IPDC JSON-LD; the message says why."""


@dataclass
class ProductRecord:
    """One product as read from the file: its IRI, what it is (instance or concept),
    and the product's fields by name."""

    iri: str
    is_concept: bool
    fields: dict = field(default_factory=dict)


def _remote_refused(url: str) -> str:
    return (
        f"This file names a remote JSON-LD context ({url[:200]}); Townhall fetches none. "
        "Write the context inline."
    )


def _values(node: dict, iri: str) -> list:
    return node.get(iri, [])


def _texts(node: dict, iri: str) -> dict[str, str]:
    """``{"nl": ..., "fr": ..., "en": ...}`` from the language-tagged values of ``iri``."""
    by_tag = {}
    for value in _values(node, iri):
        if isinstance(value, dict) and "@value" in value:
            by_tag.setdefault(str(value.get("@language", "nl")).lower(), str(value["@value"]))
    texts = {}
    dutch = next((by_tag[t] for t in DUTCH_TAGS if t in by_tag), None)
    if dutch is not None:
        texts["nl"] = dutch
    for language in TRANSLATED:
        if language in by_tag:
            texts[language] = by_tag[language]
    return texts


def _dutch_form(node: dict) -> str:
    tags = {str(v.get("@language", "")).lower() for v in _values(node, f"{DCT}title")}
    return "informal" if any("informal" in t for t in tags) else "formal"


def _ids(node: dict, iri: str) -> list[str]:
    return [v["@id"] for v in _values(node, iri) if isinstance(v, dict) and "@id" in v]


def _literal(node: dict, iri: str, default=None):
    for value in _values(node, iri):
        if isinstance(value, dict) and "@value" in value:
            return value["@value"]
    return default


def _put_texts(fields: dict, name: str, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        fields[name if language == "nl" else f"{name}_{language}"] = text


def _nested(nodes: dict, node: dict, iri: str) -> list[dict]:
    return [nodes.get(ref, {}) for ref in _ids(node, iri)]


def record_from(node: dict, nodes: dict) -> ProductRecord:
    """The product fields of one expanded, flattened LPDC node."""
    fields: dict = {"dutch_form": _dutch_form(node)}
    for name, iri in (
        ("title", f"{DCT}title"),
        ("description", f"{DCT}description"),
        ("exceptions", f"{LPDC_NS}exception"),
        ("legal_basis", f"{LPDC_NS}regulation"),
    ):
        _put_texts(fields, name, _texts(node, iri))
    for requirement in _nested(nodes, node, f"{PS}hasRequirement"):
        _put_texts(fields, "conditions", _texts(requirement, f"{DCT}description"))
        for evidence in _nested(nodes, requirement, f"{M8G}hasSupportingEvidence"):
            _put_texts(fields, "required_documents", _texts(evidence, f"{DCT}description"))
    for rule in _nested(nodes, node, f"{CPSV}follows"):
        _put_texts(fields, "procedure", _texts(rule, f"{DCT}description"))
    for cost in _nested(nodes, node, f"{M8G}hasCost"):
        _put_texts(fields, "costs", _texts(cost, f"{DCT}description"))
    types = [concept_code(i, "Type") for i in _ids(node, f"{DCT}type")]
    fields["product_type"] = next((t for t in types if t in ProductType.values), "")
    audiences = [
        AUDIENCE_FROM_LPDC.get(concept_code(i, "Doelgroep") or "")
        for i in _ids(node, f"{LPDC_NS}targetAudience")
    ]
    fields["audiences"] = sorted({str(a) for a in audiences if a})
    themes = [concept_code(i, "Thema") for i in _ids(node, f"{M8G}thematicArea")]
    fields["themes"] = [t for t in dict.fromkeys(themes) if t in Theme.values]
    keywords = [
        str(v["@value"]) for v in _values(node, CONTEXT["dcat"] + "keyword") if "@value" in v
    ]
    fields["keywords"] = ", ".join(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    for website in _nested(nodes, node, CONTEXT["rdfs"] + "seeAlso"):
        url = _literal(website, CONTEXT["schema"] + "url") or next(
            iter(_ids(website, CONTEXT["schema"] + "url")), None
        )
        if url:
            fields["elsewhere_url"] = str(url)
            _put_texts(fields, "elsewhere_label", _texts(website, f"{DCT}title"))
            break
    _townhall_terms(node, fields)
    is_concept = CONCEPT in node.get("@type", [])
    if is_concept:
        fields["concept_iri"] = node["@id"]
    else:
        source = _ids(node, f"{DCT}source")
        if source:
            fields["concept_iri"] = source[0]
    return ProductRecord(iri=node["@id"], is_concept=is_concept, fields=fields)


def _townhall_terms(node: dict, fields: dict) -> None:
    """Read back what our own feed writes beside LPDC's terms."""
    channels = {str(_v.get("@value")) for _v in _values(node, f"{TOWNHALL_NS}channel")}
    if channels:
        fields["online"] = "online" in channels
        fields["at_counter"] = "counter" in channels
        fields["by_appointment"] = "appointment" in channels
    fee = _literal(node, f"{TOWNHALL_NS}feeAmountCents")
    if isinstance(fee, int) and fee >= 0:
        fields["fee_cents"] = fee
    if _literal(node, f"{TOWNHALL_NS}isFree") is True:
        fields["is_free"] = True
        fields.pop("fee_cents", None)
    if _literal(node, f"{TOWNHALL_NS}anonymousAllowed") is True:
        fields["anonymous_allowed"] = True
    assurance = _literal(node, f"{TOWNHALL_NS}assuranceLevel")
    if assurance in Product.Assurance.values:
        fields["assurance"] = assurance
    days = _literal(node, f"{M8G}processingTime")
    if (
        isinstance(days, str)
        and days.startswith("P")
        and days.endswith("D")
        and days[1:-1].isdigit()
    ):
        fields["processing_days"] = min(int(days[1:-1]), 32767)
    department = _literal(node, f"{TOWNHALL_NS}department")
    if isinstance(department, str):
        fields["department_code"] = department


def lpdc_read(data: bytes | str) -> list[ProductRecord]:
    """Every concept and instance of an LPDC/IPDC JSON-LD document, as records."""
    if len(data) > MAX_BYTES:
        raise LpdcError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise LpdcError(f"The file is not JSON: {error}") from error
    if not isinstance(document, dict | list):
        raise LpdcError("The file is not a JSON-LD document (an object or a list).")
    refused = []

    def refuse_remote(url, options=None):
        refused.append(str(url))
        raise JsonLdError(
            "remote context", "jsonld.LoadDocumentError", code="loading document failed"
        )

    try:
        flat = jsonld.flatten(document, None, {"documentLoader": refuse_remote})
    except (JsonLdError, TypeError, ValueError, RecursionError) as error:
        if refused:
            raise LpdcError(_remote_refused(refused[0])) from error
        raise LpdcError(f"The file is not valid JSON-LD: {str(error)[:300]}") from error
    nodes = {node["@id"]: node for node in flat if isinstance(node, dict) and "@id" in node}
    records = {}
    for node in nodes.values():
        types = set(node.get("@type", []))
        if {INSTANCE, CONCEPT} & types:
            record = record_from(node, nodes)
        elif SNAPSHOT in types and _ids(node, f"{DCT}isVersionOf"):
            # A snapshot of an LDES (ours or LPDC's): the product is what it is a version
            # of; a later snapshot of the same product wins.
            record = record_from(node, nodes)
            record.iri = _ids(node, f"{DCT}isVersionOf")[0]
        else:
            continue
        records[record.iri] = record
    records = list(records.values())
    if not records:
        raise LpdcError("The file holds no IPDC concept and no LPDC instance.")
    return records


@dataclass(frozen=True)
class ImportReport:
    created: list[str]
    updated: list[str]


@transaction.atomic
def lpdc_import(*, data: bytes | str, publish: bool = False) -> ImportReport:
    """Create or update a product for every record of the file; all or nothing.

    Raises :class:`LpdcError` for a file that cannot be read and ``ValidationError``
    (naming the product) for a product whose fields do not pass the checks."""
    departments = {d.code: d for d in Department.objects.filter(municipality__is_active=True)}
    created, updated = [], []
    for record in lpdc_read(data):
        fields = dict(record.fields)
        code = fields.pop("department_code", None)
        if code in departments:
            fields["department"] = departments[code]
        if not fields.get("product_type"):
            fields["product_type"] = ProductType.PROOF if record.is_concept else ""
        existing = (
            Product.objects.filter(concept_iri=record.iri).first()
            if record.is_concept
            else Product.objects.filter(iri=record.iri).first()
        )
        try:
            if existing:
                services.product_update(product=existing, **fields)
                updated.append(existing.slug)
            else:
                if not record.is_concept:
                    fields["iri"] = record.iri
                fields.setdefault("audiences", [Audience.RESIDENT])
                product = services.product_create(
                    title=fields.pop("title", ""),
                    description=fields.pop("description", ""),
                    product_type=fields.pop("product_type"),
                    publish=publish,
                    **fields,
                )
                created.append(product.slug)
        except ValidationError as error:
            raise ValidationError(f"{record.iri}: {'; '.join(error.messages)}") from error
    return ImportReport(created=created, updated=updated)
