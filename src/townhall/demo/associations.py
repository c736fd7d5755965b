"""The associations of the demo (verenigingen): clubs, youth movements, circles, committees.

Every association has a vCode in the Flemish association register. Most are de
facto associations (feitelijke verenigingen) with nothing more; about a third
are a non-profit (vzw) and so also have an enterprise number. Each has a
chair, a secretary and a treasurer among the adult residents, and an address:
its clubhouse or the chair's home.
"""

import random

from townhall.demo.municipality import MUNICIPALITY_NAME
from townhall.demo.numbers import EnterpriseNumbers
from townhall.demo.organisations import VZW, PlannedOrganisation, Residents, slug
from townhall.demo.streets import STREETS, StreetMap
from townhall.registry.models import Organisation, Representative

Role = Representative.Role
_TOWN = MUNICIPALITY_NAME

ASSOCIATION_NAMES = [
    # sport
    f"KSV {_TOWN}",
    f"VV {_TOWN} Jeugd",
    f"Volley {_TOWN}",
    f"Basket {_TOWN}",
    "Tennisclub De Mandel",
    "WTC De Vlasbloem",
    f"Zwemclub {_TOWN}",
    "Atletiekclub Mandelstreke",
    "Turnkring Excelsior",
    "Badmintonclub De Pluim",
    "Petanqueclub Ter Borcht",
    f"Judoclub {_TOWN}",
    "Karateclub Shinsei",
    "Hengelclub De Karper",
    "Schaakclub De Toren",
    "Biljartclub Den Uil",
    "Dartsclub The Bulls",
    "Wielerclub Het Kasteel",
    "Boogschutters Sint-Sebastiaan",
    f"Handbal {_TOWN}",
    "Yogakring Shanti",
    "Loopclub De Mandellopers",
    "Ruitersvereniging De Hoefslag",
    "Duivenbond De Zwaluw",
    "Kaatsclub De Ballon",
    "Minivoetbal De Kroon",
    "Minivoetbal Real Kasteel",
    "Minivoetbal De Statie",
    "Wandelclub De Trage Wegen",
    "Mountainbikeclub De Modderkruipers",
    "Danskring Swingtime",
    "Gymclub Senioren in Beweging",
    "Squashclub Ingel",
    "Kajakclub De Leie",
    "Zaalvoetbal Sporting Ingel",
    "Kickboxing Team Mandel",
    "Oldtimerclub De Klassiekers",
    "Gaaibolders Sint-Amandus",
    "Bolling De Vlasboeren",
    # youth
    f"Chiro {_TOWN}",
    "Chirojeugd Sint-Jan",
    f"KSA {_TOWN}",
    "Scouts en Gidsen Sint-Amandus",
    f"KLJ {_TOWN}",
    "Jeugdhuis De Kroon",
    "Speelpleinwerking De Spelewei",
    "Jeugdraad",
    # culture
    "Toneelkring Vrij en Blij",
    "Koninklijke Harmonie Sint-Cecilia",
    "Fanfare De Verenigde Vrienden",
    "Kerkkoor Sint-Amandus",
    "Gemengd koor Cantilene",
    f"Heemkundige kring {_TOWN}",
    "Fotoclub Diafragma",
    "Schilderclub Het Palet",
    "Filmclub Cinemandel",
    "Leesclub Het Boekske",
    "Vrienden van de Bibliotheek",
    "Volksdansgroep De Vlaskop",
    "Majorettes De Mandelsterren",
    "Carnavalgroep De Zotte Vlasboeren",
    "Feestcomité Marktplein",
    "Kermiscomité Sint-Jan",
    "Rommelmarktcomité Oost",
    "Muziekkapel De Ingelse Blazers",
    "Kunstkring Ars Mandelae",
    "Breiclub De Naaldjes",
    "Kantklossters Sint-Amandus",
    "Gitaarensemble Mandelklank",
    "Rockvereniging Ingelrock",
    "Stoetcomité Vlasfeesten",
    "Poppentheater 't Spelleke",
    "Dichtersgroep Woordwerk",
    "Tuinhiervereniging De Groene Vingers",
    "Vogelbescherming Mandelvallei",
    "Imkersbond De Bieënkorf",
    "Kleindiertelers De Konijnenkeet",
    "Volkstuinen De Akker",
    # social and socio-cultural
    f"KWB {_TOWN}",
    f"Femma {_TOWN}",
    "Femma Sint-Jan",
    f"Okra {_TOWN}",
    "Okra Trefpunt Oost",
    f"Vief {_TOWN}",
    f"S-Plus {_TOWN}",
    f"Landelijke Gilden {_TOWN}",
    f"Ferm {_TOWN}",
    f"Gezinsbond {_TOWN}",
    "Natuurpunt Mandelvallei",
    f"Davidsfonds {_TOWN}",
    f"Willemsfonds {_TOWN}",
    f"Markant {_TOWN}",
    f"Rode Kruis {_TOWN}",
    "Welzijnsschakel De Brug",
    f"Oxfam-Wereldwinkel {_TOWN}",
    "Vakantiegenoegens De Zon",
    f"Neos {_TOWN}",
    f"Lions Club {_TOWN} Mandel",
    "Ziekenzorg Sint-Amandus",
    "Vriendenkring Gepensioneerden",
    "Vriendenkring Brandweer",
    "Vriendenkring Politie",
    "Oud-strijdersbond",
    f"Curieus {_TOWN}",
    "Repair Café De Schroevendraaier",
    "Voedselbank De Schakel",
    "Vzw Buitenspel",
    "Samenlevingsopbouw Thuis in Ingel",
    "Vriendenkring Sint-Jozefsinstituut (oud-leerlingen)",
    "Hobbyclub De Bezige Bij",
    "Senioren Computerclub",
    "Wijkwerking Ter Borcht",
    "Ondernemersvereniging Unizo Ingel",
    "Handelaarsvereniging Centrum",
    "Boerengilde Ter Kouter",
    "Vlaskoopmansgilde",
    # parents
    "Ouderraad VBS Sint-Amandus",
    "Oudervereniging VBS De Zonnebloem",
    "Ouderraad GBS De Vlinder",
    "Ouderraad Sint-Jozefsinstituut",
    "Oudercomité Academie",
    "Oudervereniging Chiro",
    "Ouders van de Speelpleinwerking",
    # supporters
    "Supportersclub KSV De Blauw-Witten",
    "Supportersclub Volley",
    "Fanclub De Ingelse Flandriens",
]


def _neighbourhood_committees() -> list[str]:
    return [f"Buurtcomité {name}" for name, kind in STREETS if kind in ("residential", "rural")]


def associations_plan(
    rng: random.Random,
    *,
    count: int,
    numbers: EnterpriseNumbers,
    streets: StreetMap,
    residents: Residents,
) -> list[PlannedOrganisation]:
    """Plan ``count`` associations, each with a vCode and three office holders."""
    pool = list(ASSOCIATION_NAMES)
    committees = _neighbourhood_committees()
    rng.shuffle(committees)
    pool += committees[: max(0, count - len(pool))]
    if len(pool) < count:
        raise ValueError(f"Only {len(pool)} association names for {count} associations.")
    return [
        _association(rng, name, numbers=numbers, streets=streets, residents=residents)
        for name in rng.sample(pool, count)
    ]


def _association(rng, name, *, numbers, streets, residents) -> PlannedOrganisation:
    is_vzw = rng.random() < 0.35 or name.startswith("Vzw ")
    organisation = Organisation(
        name=name,
        kind=Organisation.Kind.ASSOCIATION,
        vcode=numbers.vcode(),
        enterprise_number=numbers.enterprise_number() if is_vzw else None,
        legal_form=VZW if is_vzw else "",
        email=f"{slug(name)}@example.org" if rng.random() < 0.8 else "",
        website=f"https://{slug(name)}.example.org/" if rng.random() < 0.3 else "",
    )
    chair = residents.pick(youngest=25, oldest=80)
    secretary = residents.pick(youngest=20, oldest=80, exclude={chair.key})
    treasurer = residents.pick(youngest=20, oldest=80, exclude={chair.key, secretary.key})
    has_clubhouse = is_vzw and rng.random() < 0.5
    return PlannedOrganisation(
        organisation,
        address=streets.premises(("centre", "residential"))
        if has_clubhouse
        else residents.home(chair),
        representatives=[
            (person, role, residents.since(person, at_most_years=20))
            for person, role in (
                (chair, Role.CHAIR),
                (secretary, Role.SECRETARY),
                (treasurer, Role.TREASURER),
            )
        ],
    )
