"""Streets and addresses of the demo municipality (8770 Ingelmunster).

The list mixes street names of the real Ingelmunster with plausible invented
ones; house numbers, boxes and coordinates are synthetic. Homes go on centre,
main, residential and rural streets (apartments, with boxes, mostly in the
centre); shops and firms get premises of their own on the kind of street they
need (a farm in the fields, a weaving mill on the industrial estate).

Every street is a register object (:class:`Street`) with a BeST-like id: the
address register's would be a number of its own, the demo's are
``DEMO_STREET_ID + its place in STREETS`` (stable as long as the list's order is).
``data/best-renamed-street.csv`` is a BeST file that renames one of them.
"""

import math
import random
from decimal import Decimal

from townhall.demo.municipality import MUNICIPALITY_NAME, NIS_CODE, POSTCODE
from townhall.registry.history import bulk_create_with_history
from townhall.registry.models import Address, Street, street_key

# Street names by kind of street; the real and the invented mixed.
STREET_NAMES = {
    "centre": """
        Marktplein, Kerkstraat, Bruggestraat, Stationsstraat, Kasteelstraat, Weststraat,
        Hoogstraat, Nieuwstraat, Bankstraat, Schoolstraat, Kloosterstraat, Sint-Amandsplein,
        Dorpsplein
    """,
    "main": """
        Kortrijksestraat, Oostrozebekestraat, Meulebeekstraat, Gentstraat, Izegemstraat,
        Lendeledestraat, Ardooisestraat, Tieltstraat, Baron de Gieylaan
    """,
    "residential": """
        Vlasstraat, Oostmolenstraat, Trakelweg, Wijngaardstraat, Brouwerijstraat, Gravenstraat,
        Kapellestraat, Wolvenstraat, Bergstraat, Lindestraat, Beukenstraat, Eikenstraat,
        Berkenlaan, Populierenlaan, Kastanjelaan, Vijverstraat, Mandelstraat, Leiestraat,
        Molenstraat, Rozenstraat, Tulpenstraat, Lelielaan, Margrietstraat, Vlaanderenstraat,
        Ter Borchtstraat, Zwingelaarsstraat, Vlasbloemstraat, Roterijstraat, Sint-Jozefsstraat,
        Kleine Kasteelstraat, Ooststraat, Zuidstraat, Noordstraat, Bellevuestraat,
        Ommegangstraat, Boterstraat, Pastoor Debrabanderestraat, Kruisstraat,
        Burgemeester Vandemoortelestraat, Kanunnik Ghesquièrestraat, Akkerstraat,
        Hovenierstraat, Weverstraat, Spinnerstraat, Sint-Elooisstraat
    """,
    "rural": """
        Heirweg, Kouterstraat, Meersstraat, Beekstraat, Bosstraat, Veldstraat, Hoevestraat,
        Processieweg, Wakkensteenweg, Koutermolenstraat, Neerbeekstraat, Gavermolenstraat,
        Vijfwegenstraat
    """,
    "industrial": """
        Nijverheidsstraat, Industrielaan, Ambachtenstraat, Textielstraat, Weverijstraat,
        Spinnerijstraat, Kanaalstraat
    """,
}
# How many homes a street of this kind has, relative to the others; none on the estate.
_HOMES_WEIGHT = {"centre": 3, "main": 6, "residential": 2, "rural": 1, "industrial": 0}
STREETS = [
    (" ".join(name.split()), kind)
    for kind, names in STREET_NAMES.items()
    for name in names.split(",")
]

DEMO_STREET_ID = 700_001  # the first street's id; not a real address register id


def demo_street_id(name: str) -> int:
    """The BeST-like id of a demo street."""
    return DEMO_STREET_ID + [street for street, _ in STREETS].index(name)


# Chance that a new home on a street of this kind is in an apartment building.
_APARTMENT_SHARE = {"centre": 0.35, "main": 0.12, "residential": 0.04, "rural": 0.0}
# How far from the church a street of this kind lies, in metres.
_DISTANCE_FROM_CENTRE = {
    "centre": (0, 350),
    "main": (300, 1500),
    "residential": (300, 1600),
    "rural": (1500, 3000),
    "industrial": (900, 2000),
}
_CENTRE = (50.9203, 3.2556)  # the church of Ingelmunster, roughly
_METRES_PER_DEGREE_LATITUDE = 111_320
_MICRO_DEGREE = Decimal("0.000001")


class _Street:
    def __init__(self, rng: random.Random, name: str, kind: str):
        self.name = name
        self.kind = kind
        self.row = Street(
            best_id=demo_street_id(name),
            name=name,
            name_nl=name,
            postcode=POSTCODE,
            nis_code=NIS_CODE,
            status=Street.Status.CURRENT,
            key=street_key(name, POSTCODE),
        )
        self.next_number = rng.randint(1, 3)
        self.building: tuple[str, int, int] | None = None  # number, boxes, next box
        distance = rng.uniform(*_DISTANCE_FROM_CENTRE[kind])
        bearing = rng.uniform(0, 2 * math.pi)
        self.start = _offset(_CENTRE, distance * math.cos(bearing), distance * math.sin(bearing))
        self.heading = rng.uniform(0, 2 * math.pi)

    def new_number(self, rng: random.Random) -> str:
        number = self.next_number
        self.next_number += rng.choice([1, 2, 2, 2, 2, 3, 4, 6])
        suffix = rng.choice("AB") if rng.random() < 0.03 else ""
        return f"{number}{suffix}"

    def position(self, house_number: str) -> tuple[Decimal, Decimal]:
        # Houses follow the street at about eight metres a number.
        along = 8 * int("".join(c for c in house_number if c.isdigit()))
        latitude, longitude = _offset(
            self.start, along * math.cos(self.heading), along * math.sin(self.heading)
        )
        return (
            Decimal(latitude).quantize(_MICRO_DEGREE),
            Decimal(longitude).quantize(_MICRO_DEGREE),
        )


def _offset(origin: tuple[float, float], north: float, east: float) -> tuple[float, float]:
    latitude, longitude = origin
    metres_per_degree_longitude = _METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude))
    return (
        latitude + north / _METRES_PER_DEGREE_LATITUDE,
        longitude + east / metres_per_degree_longitude,
    )


class StreetMap:
    """Hands out new addresses in the municipality, each place once."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._streets = [_Street(rng, name, kind) for name, kind in STREETS]
        self._home_weights = [_HOMES_WEIGHT[street.kind] for street in self._streets]
        self.addresses: list[Address] = []
        self.streets = [street.row for street in self._streets]
        self.town_hall = self._fixed("Bruggestraat", 1)

    def _fixed(self, street_name: str, number: int) -> Address:
        street = next(street for street in self._streets if street.name == street_name)
        street.next_number = max(street.next_number, number + 2)  # same side, next house
        return self._address(street, str(number))

    def home(self) -> Address:
        """A new home: a house, or a flat (with a box number) in an apartment building."""
        street = self._rng.choices(self._streets, self._home_weights)[0]
        if street.building is None and self._rng.random() < _APARTMENT_SHARE[street.kind]:
            street.building = (street.new_number(self._rng), self._rng.randint(4, 14), 1)
        if street.building is None:
            return self._address(street, street.new_number(self._rng))
        number, boxes, box = street.building
        street.building = (number, boxes, box + 1) if box < boxes else None
        return self._address(street, number, str(box))

    def premises(self, kinds: tuple[str, ...]) -> Address:
        """A new address for a shop, farm or firm on a street of one of ``kinds``."""
        streets = [street for street in self._streets if street.kind in kinds]
        street = self._rng.choice(streets)
        return self._address(street, street.new_number(self._rng))

    def _address(self, street: _Street, number: str, box: str = "") -> Address:
        latitude, longitude = street.position(number)
        address = Address(
            street=street.row,
            street_name=street.name,
            house_number=number,
            box_number=box,
            postcode=POSTCODE,
            municipality_name=MUNICIPALITY_NAME,
            nis_code=NIS_CODE,
            latitude=latitude,
            longitude=longitude,
        )
        address.normalise()
        self.addresses.append(address)
        return address


def addresses_write(addresses: list[Address], *, streets: list[Street], batch_size: int) -> None:
    """Save the planned streets and addresses in bulk, each with its first version in the
    register's history; their primary keys are set afterwards."""
    bulk_create_with_history(Street, streets, batch_size=batch_size)
    for address in addresses:
        address.street_id = address.street.pk  # the street's key, now that it has one
    bulk_create_with_history(Address, addresses, batch_size=batch_size)
