"""The concepts of the Flemish product catalogue (IPDC/LPDC) that products are described by.

Each choice keeps LPDC's own code (the last part of the concept's IRI), so the
importer and the feed map one to one: ``Type/Bewijs`` is ``ProductType.PROOF``.
The IRIs are copied as the LPDC management service writes them
(``https://productencatalogus.data.vlaanderen.be/id/concept/<scheme>/<code>``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

CONCEPT_BASE = "https://productencatalogus.data.vlaanderen.be/id/concept/"
LPDC_NS = "https://productencatalogus.data.vlaanderen.be/ns/ipdc-lpdc#"
# The area of a product is the municipality's NIS (refnis) code in Belgif's scheme.
REFNIS_BASE = "http://vocab.belgif.be/auth/refnis2019/"


class ProductType(models.TextChoices):
    """``dct:type``: what the resident gets (LPDC scheme ``Type``)."""

    PROOF = "Bewijs", _("Proof or certificate")
    PERMIT = "Toelating", _("Permit")
    FINANCIAL_OBLIGATION = "FinancieleVerplichting", _("Financial obligation")
    FINANCIAL_ADVANTAGE = "FinancieelVoordeel", _("Financial advantage")
    OBJECT = "Voorwerp", _("Object")
    ADVICE = "AdviesBegeleiding", _("Advice and guidance")
    INFRASTRUCTURE = "InfrastructuurMateriaal", _("Infrastructure and material")


class Audience(models.TextChoices):
    """``lpdcExt:targetAudience`` (scheme ``Doelgroep``). LPDC has no concept for a
    visitor: a visitor's products go to LPDC as ``Burger`` (see :data:`AUDIENCE_TO_LPDC`)."""

    RESIDENT = "resident", _("Residents")
    BUSINESS = "business", _("Businesses")
    ASSOCIATION = "association", _("Associations")
    VISITOR = "visitor", _("Visitors")


AUDIENCE_TO_LPDC = {
    Audience.RESIDENT: "Burger",
    Audience.BUSINESS: "Onderneming",
    Audience.ASSOCIATION: "Vereniging",
    Audience.VISITOR: "Burger",
}
# LPDC codes read by the importer; "Organisatie" (a non-profit organisation) is an
# association to the residents' eye.
AUDIENCE_FROM_LPDC = {
    "Burger": Audience.RESIDENT,
    "Onderneming": Audience.BUSINESS,
    "Vereniging": Audience.ASSOCIATION,
    "Organisatie": Audience.ASSOCIATION,
}


class Theme(models.TextChoices):
    """``m8g:thematicArea`` (scheme ``Thema``): LPDC's eight themes."""

    CITIZEN_GOVERNMENT = "BurgerOverheid", _("Citizen and government")
    CULTURE_SPORT_LEISURE = "CultuurSportVrijeTijd", _("Culture, sport and leisure")
    ECONOMY_WORK = "EconomieWerk", _("Economy and work")
    ENVIRONMENT_ENERGY = "MilieuEnergie", _("Environment and energy")
    MOBILITY_PUBLIC_WORKS = "MobiliteitOpenbareWerken", _("Mobility and public works")
    EDUCATION_SCIENCE = "OnderwijsWetenschap", _("Education and science")
    WELFARE_HEALTH = "WelzijnGezondheid", _("Welfare and health")
    BUILDING_HOUSING = "BouwenWonen", _("Building and housing")


def concept_iri(scheme: str, code: str) -> str:
    return f"{CONCEPT_BASE}{scheme}/{code}"


def concept_code(iri: str, scheme: str) -> str | None:
    """The code of a concept IRI of ``scheme``, or None when it is of another scheme."""
    prefix = f"{CONCEPT_BASE}{scheme}/"
    return iri[len(prefix) :] if isinstance(iri, str) and iri.startswith(prefix) else None
