"""A product as an LPDC instance in JSON-LD, and the snapshot of it the feed carries.

1. :func:`instance_node` writes the whole product: its texts per language (Dutch
   tagged ``nl-be-x-formal`` or ``nl-be-x-informal`` after ``dutch_form``), type,
   audiences, themes, keywords, requirement with its evidence, procedure, cost,
   the legal basis, the website where it is delivered elsewhere, and Townhall's
   own terms (``th:``) for the fee, channels and assurance level.
2. :func:`snapshot_node` wraps it as an ``lpdcExt:InstancePublicServiceSnapshot``:
   ``dct:isVersionOf`` the product's IRI, ``prov:generatedAtTime``,
   ``pav:createdBy`` the municipality, ``dct:spatial`` its refnis code, and
   ``lpdcExt:isArchived`` once it is withdrawn.

``docs/standards.md`` ("Product catalogue") has the mapping as a table.
"""

import datetime

from django.conf import settings

from townhall.catalog.models import LANGUAGES, Product
from townhall.catalog.vocabulary import AUDIENCE_TO_LPDC, REFNIS_BASE, concept_iri
from townhall.languages import FALLBACK
from townhall.municipality.models import Municipality

# Titles of the nested nodes (LPDC gives every requirement, procedure and cost one).
PART_TITLES = {
    "requirement": {"nl": "Voorwaarden", "fr": "Conditions", "en": "Conditions"},
    "evidence": {"nl": "Bewijsstukken", "fr": "Pièces justificatives", "en": "Documents"},
    "procedure": {"nl": "Procedure", "fr": "Procédure", "en": "Procedure"},
    "cost": {"nl": "Kosten", "fr": "Coûts", "en": "Costs"},
    "legal": {"nl": "Regelgeving", "fr": "Réglementation", "en": "Legislation"},
}


def dutch_tag(product: Product) -> str:
    return f"nl-be-x-{product.dutch_form}"


def authority_iri(municipality: Municipality) -> str:
    """The municipality as LPDC names its authority: ``TOWNHALL_CATALOG_AUTHORITY_IRI``,
    else an IRI under this site made from the NIS code."""
    configured = getattr(settings, "TOWNHALL_CATALOG_AUTHORITY_IRI", "")
    if configured:
        return configured
    return f"{settings.TOWNHALL_PUBLIC_URL.rstrip('/')}/id/bestuurseenheid/{municipality.nis_code}"


def _base() -> str:
    return settings.TOWNHALL_PUBLIC_URL.rstrip("/")


def product_iri(product: Product) -> str:
    return f"{_base()}/catalogus/id/{product.uuid}"


def _language_tags(product: Product) -> dict[str, str]:
    """Each language of the product's texts and its JSON-LD tag (Dutch: formal or informal)."""
    return {
        language: dutch_tag(product) if language == FALLBACK else language for language in LANGUAGES
    }


def _texts(product: Product, name: str) -> list[dict]:
    values = []
    for language, tag in _language_tags(product).items():
        field = name if language == FALLBACK else f"{name}_{language}"
        value = getattr(product, field)
        if value:
            values.append({"@value": value, "@language": tag})
    return values


def _titled(product: Product, part: str) -> list[dict]:
    tags = _language_tags(product)
    return [{"@value": text, "@language": tags[lang]} for lang, text in PART_TITLES[part].items()]


def fee_text(product: Product, language: str = "nl") -> str:
    """The structured fee as text (LPDC's cost has only a text): "Gratis", "€ 20,00"."""
    if product.is_free:
        return {"nl": "Gratis", "fr": "Gratuit", "en": "Free"}[language]
    if product.fee_cents is None:
        return ""
    euros, cents = divmod(product.fee_cents, 100)
    return f"€ {euros},{cents:02d}" if language != "en" else f"€{euros}.{cents:02d}"


def _part(product: Product, part: str, rdf_type: str, field: str, **extra) -> dict | None:
    texts = _texts(product, field)
    if not texts and not extra:
        return None
    node = {"@type": rdf_type, "dct:title": _titled(product, part), "sh:order": 0, **extra}
    if texts:
        node["dct:description"] = texts
    return node


def _costs(product: Product) -> dict | None:
    texts = _texts(product, "costs")
    if not texts and (product.is_free or product.fee_cents is not None):
        texts = [{"@value": fee_text(product, "nl"), "@language": dutch_tag(product)}]
    if not texts:
        return None
    return {"@type": "m8g:Cost", "dct:title": _titled(product, "cost"), "dct:description": texts}


def _channels(product: Product) -> list[str]:
    flags = (
        ("online", product.online),
        ("counter", product.at_counter),
        ("appointment", product.by_appointment),
        ("elsewhere", bool(product.elsewhere_url)),
    )
    return [code for code, on in flags if on]


def instance_node(product: Product, *, municipality: Municipality) -> dict:
    """The product as an ``lpdcExt:InstancePublicService`` node (compact, :data:`CONTEXT`)."""
    authority = {"@id": authority_iri(municipality)}
    node = {
        "@id": product.iri,
        "@type": "lpdcExt:InstancePublicService",
        "mu:uuid": str(product.uuid),
        "dct:title": _texts(product, "title"),
        "dct:description": _texts(product, "description"),
        "dct:type": {"@id": concept_iri("Type", product.product_type)},
        "lpdcExt:targetAudience": [
            {"@id": concept_iri("Doelgroep", code)}
            for code in sorted({AUDIENCE_TO_LPDC[a] for a in product.audiences})
        ],
        "m8g:thematicArea": [{"@id": concept_iri("Thema", code)} for code in product.themes],
        "dcat:keyword": [{"@value": word, "@language": "nl"} for word in product.keyword_list()],
        "m8g:hasCompetentAuthority": authority,
        "lpdcExt:hasExecutingAuthority": authority,
        "dct:spatial": {"@id": f"{REFNIS_BASE}{municipality.nis_code}"},
        "schema:dateCreated": _datetime(product.created_at),
        "schema:dateModified": _datetime(product.updated_at),
        "th:channel": _channels(product),
        "th:assuranceLevel": product.assurance,
        "th:anonymousAllowed": product.anonymous_allowed,
        "th:isFree": product.is_free,
    }
    for key, value in (
        ("lpdcExt:exception", _texts(product, "exceptions")),
        ("lpdcExt:regulation", _texts(product, "legal_basis")),
    ):
        if value:
            node[key] = value
    if product.concept_iri:
        node["dct:source"] = {"@id": product.concept_iri}
    evidence = _part(product, "evidence", "m8g:Evidence", "required_documents")
    requirement = _part(
        product,
        "requirement",
        "m8g:Requirement",
        "conditions",
        **({"m8g:hasSupportingEvidence": evidence} if evidence else {}),
    )
    if requirement:
        node["ps:hasRequirement"] = [requirement]
    procedure = _part(product, "procedure", "cpsv:Rule", "procedure")
    if procedure:
        node["cpsv:follows"] = [procedure]
    costs = _costs(product)
    if costs:
        node["m8g:hasCost"] = [costs]
    if product.fee_cents is not None:
        node["th:feeAmountCents"] = product.fee_cents
    if product.processing_days is not None:
        node["m8g:processingTime"] = {
            "@value": f"P{product.processing_days}D",
            "@type": "xsd:duration",
        }
    if product.elsewhere_url:
        node["rdfs:seeAlso"] = [
            {
                "@type": "schema:WebSite",
                "schema:url": product.elsewhere_url,
                "dct:title": _texts(product, "elsewhere_label"),
            }
        ]
    if product.department_id:
        node["th:department"] = product.department.code
    return node


def _datetime(value: datetime.datetime | None) -> dict | None:
    if value is None:
        return None
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def snapshot_node(
    product: Product,
    *,
    municipality: Municipality,
    snapshot_uuid,
    generated_at: datetime.datetime,
    archived: bool,
) -> dict:
    """One version of the product as an ``lpdcExt:InstancePublicServiceSnapshot``."""
    node = instance_node(product, municipality=municipality)
    node.update(
        {
            "@id": f"{_base()}/catalogus/id/snapshot/{snapshot_uuid}",
            "@type": "lpdcExt:InstancePublicServiceSnapshot",
            "dct:isVersionOf": {"@id": product.iri},
            "prov:generatedAtTime": _datetime(generated_at),
            "pav:createdBy": {"@id": authority_iri(municipality)},
            "lpdcExt:isArchived": archived,
        }
    )
    return {key: value for key, value in node.items() if value is not None}
