"""The JSON-LD context of the catalogue's documents, shipped inline (nothing is fetched).

Prefixes as the LPDC services write them (``lpdc-publish-service`` and the LDES of
``lpdc-management-service``): CPSV-AP's ``cpsv``, Core Vocabularies' ``m8g``,
Belgif's public-service vocabulary ``ps`` (``ps:hasRequirement``), ``pav`` for
``pav:createdBy``. ``th`` holds what LPDC has no term for (the structured fee, the
delivery channels, the assurance level, anonymous requests).
"""

from townhall.catalog.vocabulary import LPDC_NS

TOWNHALL_NS = "https://w3id.org/townhall/catalog#"
XSD = "http://www.w3.org/2001/XMLSchema#"

CONTEXT = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "ldes": "https://w3id.org/ldes#",
    "lpdcExt": LPDC_NS,
    "m8g": "http://data.europa.eu/m8g/",
    "mu": "http://mu.semte.ch/vocabularies/core/",
    "pav": "http://purl.org/pav/",
    "prov": "http://www.w3.org/ns/prov#",
    "ps": "http://vocab.belgif.be/ns/publicservice#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "th": TOWNHALL_NS,
    "tree": "https://w3id.org/tree#",
    "xsd": XSD,
}


def expand_iri(compact: str) -> str:
    prefix, _colon, local = compact.partition(":")
    return CONTEXT[prefix] + local
