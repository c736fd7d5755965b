"""The businesses of the demo (ondernemingen): shops, crafts, farms, firms and practices.

A sector says what the business is called, where it sits (a farm in the
fields, a weaving mill on the industrial estate, a consultant at home) and
which legal forms it takes. A sole trader (eenmanszaak) is the resident
themselves: the organisation carries their name, the trade name is the
alternative name, and they are its manager. A company has a manager or
director among the residents in most cases; sometimes that person lives
elsewhere and is not in this register.
"""

import random
from dataclasses import dataclass

from townhall.demo import names
from townhall.demo.contacts import ContactDetails
from townhall.demo.numbers import EnterpriseNumbers
from townhall.demo.organisations import PlannedOrganisation, Residents, slug
from townhall.demo.streets import StreetMap
from townhall.registry.models import Organisation, OrganisationAddress, Representative

Role = Representative.Role

# KBO juridical forms used here; "" is a natural person (eenmanszaak), which has none.
SOLE_TRADER = ""
NV, BV, VOF, COMMV, CV = "014", "015", "011", "012", "706"

_SHOP = ("centre", "main")
_WORKSHOP = ("industrial", "main")
_FIELDS = ("rural",)
_TRADE = ((SOLE_TRADER, 6), (BV, 4))
_COMPANY = ((BV, 6), (NV, 3), (CV, 1))
_FARM = ((SOLE_TRADER, 7), (BV, 1), (COMMV, 1), (VOF, 1))
_PRACTICE = ((SOLE_TRADER, 5), (BV, 5))

PUB_NAMES = (
    "De Zwaan",
    "Den Hert",
    "'t Hoekske",
    "De Kroon",
    "Sportwereld",
    "De Gouden Leeuw",
    "Het Wapen",
    "De Mandel",
    "Den Engel",
    "De Vlasbloem",
    "'t Pleintje",
    "De Statie",
    "Het Kasteel",
    "De Ster",
    "'t Molentje",
    "De Leie",
    "Den Anker",
    "De Zon",
    "'t Vlaske",
    "De Linde",
    "Het Oud Gemeentehuis",
    "De Kouter",
    "'t Schuurtje",
    "De Ingel",
)
FARM_NAMES = (
    "Ter Mandel",
    "Ter Beke",
    "Hof ter Borcht",
    "De Vlasschuur",
    "Ter Kouter",
    "De Linde",
    "Ter Heide",
    "Goed ter Meersen",
    "Ter Walle",
    "De Zandhoeve",
    "Ter Molen",
    "Het Lindenhof",
)


@dataclass(frozen=True)
class Sector:
    """A kind of business: its name pattern, how common, where, home share, legal forms."""

    pattern: str
    weight: int
    streets: tuple[str, ...]
    at_home: float
    forms: tuple[tuple[str, int], ...]


SECTORS = [
    Sector("Bakkerij {family}", 14, _SHOP, 0.2, _TRADE),
    Sector("Slagerij {family}", 8, _SHOP, 0.2, _TRADE),
    Sector("Frituur {pub}", 8, _SHOP, 0.1, _TRADE),
    Sector("Café {pub}", 14, _SHOP, 0.1, _TRADE),
    Sector("Restaurant {pub}", 7, _SHOP, 0.1, _COMPANY),
    Sector("Traiteur {family}", 6, _SHOP, 0.4, _TRADE),
    Sector("Kapsalon {given}", 22, _SHOP, 0.5, _TRADE),
    Sector("Schoonheidssalon {given}", 14, _SHOP, 0.7, _TRADE),
    Sector("Bloemen {given}", 6, _SHOP, 0.2, _TRADE),
    Sector("Boetiek {given}", 8, _SHOP, 0.1, _TRADE),
    Sector("Fietsen {family}", 5, _SHOP, 0.3, _TRADE),
    Sector("Apotheek {family}", 4, _SHOP, 0.0, _COMPANY),
    Sector("Optiek {family}", 3, _SHOP, 0.0, _TRADE),
    Sector("Dagbladhandel {family}", 4, _SHOP, 0.2, _TRADE),
    Sector("Supermarkt {family}", 3, _SHOP, 0.0, _COMPANY),
    Sector("Garage {family}", 14, _WORKSHOP, 0.2, _COMPANY),
    Sector("Landbouwbedrijf {family}", 40, _FIELDS, 0.9, _FARM),
    Sector("Melkveebedrijf {family}", 18, _FIELDS, 0.9, _FARM),
    Sector("Varkenshouderij {family}", 14, _FIELDS, 0.9, _FARM),
    Sector("Groenteteelt {family}", 10, _FIELDS, 0.9, _FARM),
    Sector("Hoeve {farm}", 8, _FIELDS, 0.9, _FARM),
    Sector("Vlasbewerking {family}", 8, ("industrial", "rural"), 0.1, _COMPANY),
    Sector("Weverij {family}", 7, ("industrial",), 0.0, _COMPANY),
    Sector("Textiel {family}", 9, ("industrial",), 0.0, _COMPANY),
    Sector("Metaalconstructie {family}", 9, ("industrial",), 0.0, _COMPANY),
    Sector("Transport {family}", 14, ("industrial",), 0.1, _COMPANY),
    Sector("Drukkerij {family}", 4, ("industrial",), 0.0, _COMPANY),
    Sector("Bouwbedrijf {family}", 20, _WORKSHOP, 0.4, _COMPANY),
    Sector("Dakwerken {family}", 18, _WORKSHOP, 0.7, _TRADE),
    Sector("Schrijnwerkerij {family}", 18, _WORKSHOP, 0.5, _TRADE),
    Sector("Elektriciteitswerken {family}", 22, _WORKSHOP, 0.7, _TRADE),
    Sector("Sanitair en verwarming {family}", 22, _WORKSHOP, 0.7, _TRADE),
    Sector("Schilderwerken {family}", 20, _WORKSHOP, 0.8, _TRADE),
    Sector("Tuinaanleg {family}", 20, _WORKSHOP, 0.8, _TRADE),
    Sector("Vloerwerken {family}", 10, _WORKSHOP, 0.6, _TRADE),
    Sector("Zonnepanelen {family}", 8, _WORKSHOP, 0.5, _COMPANY),
    Sector("Meubelmakerij {family}", 8, _WORKSHOP, 0.3, _TRADE),
    Sector("Keukens {family}", 8, _WORKSHOP, 0.2, _COMPANY),
    Sector("Boekhoudkantoor {family}", 22, _SHOP, 0.6, _PRACTICE),
    Sector("Advocatenkantoor {family}", 8, _SHOP, 0.3, _PRACTICE),
    Sector("Architectenbureau {family}", 10, _SHOP, 0.6, _PRACTICE),
    Sector("Notariskantoor {family}", 2, _SHOP, 0.0, ((BV, 1),)),
    Sector("Tandartspraktijk {family}", 6, _SHOP, 0.4, _PRACTICE),
    Sector("Huisartsenpraktijk {family}", 8, _SHOP, 0.6, _PRACTICE),
    Sector("Kinesitherapie {family}", 12, _SHOP, 0.6, _PRACTICE),
    Sector("Dierenartsenpraktijk {family}", 4, _FIELDS, 0.6, _PRACTICE),
    Sector("Thuisverpleging {given}", 14, _SHOP, 1.0, _PRACTICE),
    Sector("Verzekeringskantoor {family}", 10, _SHOP, 0.3, _COMPANY),
    Sector("Immo {family}", 10, _SHOP, 0.3, _COMPANY),
    Sector("IT-diensten {family}", 24, _SHOP, 0.9, _PRACTICE),
    Sector("Grafisch ontwerp {given}", 12, _SHOP, 0.95, _TRADE),
    Sector("Fotografie {given}", 8, _SHOP, 0.9, _TRADE),
    Sector("Consultancy {family}", 30, _SHOP, 0.9, _PRACTICE),
    Sector("{family} Management", 40, _SHOP, 1.0, ((BV, 1),)),
    Sector("Poetsdienst {family}", 8, _SHOP, 0.8, _TRADE),
    Sector("Onthaalouder {given}", 8, _SHOP, 1.0, ((SOLE_TRADER, 1),)),
    Sector("Handelsagentuur {family}", 10, _SHOP, 0.9, _PRACTICE),
    Sector("Rijschool {family}", 2, _SHOP, 0.0, _COMPANY),
]


def businesses_plan(
    rng: random.Random,
    *,
    count: int,
    numbers: EnterpriseNumbers,
    streets: StreetMap,
    residents: Residents,
    contacts: ContactDetails,
) -> list[PlannedOrganisation]:
    """Plan ``count`` businesses with valid, unique enterprise numbers."""
    taken: set[str] = set()
    weights = [sector.weight for sector in SECTORS]
    return [
        _business(
            rng,
            rng.choices(SECTORS, weights)[0],
            taken=taken,
            numbers=numbers,
            streets=streets,
            residents=residents,
            contacts=contacts,
        )
        for _ in range(count)
    ]


def _business(rng, sector, *, taken, numbers, streets, residents, contacts):
    codes, weights = zip(*sector.forms, strict=True)
    legal_form = rng.choices(codes, weights)[0]
    sole_trader = legal_form == SOLE_TRADER
    # A company's manager lives elsewhere now and then, so is not in this register.
    manager = residents.pick(youngest=23, oldest=70) if sole_trader or rng.random() < 0.85 else None
    trade_name = _trade_name(rng, sector, manager, taken)
    at_home = manager is not None and rng.random() < sector.at_home
    if sole_trader:
        # A sole trader's enterprise is the person; the shop's name is a trade name.
        name, alternative_name = (
            f"{manager.given_names.split()[0]} {manager.family_name}",
            trade_name,
        )
    else:
        name, alternative_name = trade_name, ""
    organisation = Organisation(
        name=name,
        alternative_name=alternative_name,
        kind=Organisation.Kind.BUSINESS,
        legal_form=legal_form,
        enterprise_number=numbers.enterprise_number(),
        status=Organisation.Status.STOPPED if rng.random() < 0.03 else Organisation.Status.ACTIVE,
        email=f"info@{slug(trade_name)}.example.com" if rng.random() < 0.85 else "",
        phone=_phone(rng, contacts, manager if sole_trader else None),
        website=f"https://www.{slug(trade_name)}.example.com/" if rng.random() < 0.35 else "",
    )
    planned = PlannedOrganisation(
        organisation,
        address=residents.home(manager) if at_home else streets.premises(sector.streets),
        address_kind=OrganisationAddress.Kind.REGISTERED_OFFICE,
    )
    if manager is not None:
        role = Role.DIRECTOR if legal_form in (NV, CV) else Role.MANAGER
        planned.representatives.append((manager, role, residents.since(manager, at_most_years=30)))
    return planned


def _trade_name(rng, sector, manager, taken: set[str]) -> str:
    """The business's name, after its manager when there is one; unique in the demo."""
    for attempt in range(40):
        if manager is not None and attempt < 2:
            family = manager.family_name
            given = manager.given_names.split()[0]
            if attempt == 1:  # "Kapsalon Lotte" is taken: "Kapsalon Lotte Vermeulen"
                given = f"{given} {family}"
        else:
            family = names.family_name(rng, "flemish")
            given = names.given_names(
                rng, sex=rng.choice("mf"), birth_year=rng.randint(1960, 2000), origin="flemish"
            ).split()[0]
        name = sector.pattern.format(
            family=family, given=given, pub=rng.choice(PUB_NAMES), farm=rng.choice(FARM_NAMES)
        )
        if name not in taken:
            taken.add(name)
            return name
    # Only at a scale far above the real town do the names run out: number them.
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    taken.add(f"{name} {number}")
    return f"{name} {number}"


def _phone(rng, contacts: ContactDetails, owner) -> str:
    """A sole trader answers on their own mobile; others have a landline in zone 051."""
    if rng.random() < 0.4:
        return ""
    if owner is not None:
        return owner.mobile or contacts.mobile()
    return f"+3251{rng.randint(200_000, 799_999)}"
