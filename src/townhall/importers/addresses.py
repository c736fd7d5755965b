"""Addresses as the importers write them: the address rules, in bulk, without model instances.

:func:`townhall.registry.services.address_get_or_create` validates one address
and finds or creates its row with two queries. An import of a million rows
cannot afford that per row, so:

1. :func:`address_parts` applies the same rules (``normalise_address`` for the
   spelling and the ``key``, ``address_errors`` for the postcode and house
   number, plus the column lengths) and returns plain values, or raises
   :class:`Rejected` with the reason. The common case (plain ASCII, no box) takes
   a shortcut that gives the same values in a third of the time;
2. :func:`addresses_get_or_create` finds the rows of a whole batch by ``key`` with
   one query and inserts the missing ones at once, each with its street
   (:func:`streets_get_or_create`: by name and postcode, as an importer that knows
   no register id of the street finds it; a new one is created without an id).
"""

from collections.abc import Iterable

from townhall.importers.base import Rejected
from townhall.importers.writing import insert_rows, rows_matching
from townhall.registry.models import (
    Address,
    Street,
    address_errors,
    normalise_address,
    street_key,
)

# The order of the tuples address_parts returns; the key comes last.
PARTS = ("street_name", "house_number", "box_number", "postcode", "municipality_name", "key")
KEY = 5
_LIMITS = [
    (index, Address._meta.get_field(name).verbose_name, Address._meta.get_field(name).max_length)
    for index, name in enumerate(PARTS[:5])
]


def address_parts(
    *,
    street_name: str,
    house_number: str,
    box_number: str,
    postcode: str,
    municipality_name: str,
) -> tuple[str, str, str, str, str, str]:
    """The normalised street, house number, box, postcode, municipality and key."""
    if (
        box_number.isspace() or not box_number
    ) and f"{street_name}{house_number}{postcode}{municipality_name}".isascii():
        # normalise_address for this case, without its calls per part (rows of an
        # import are mostly like this): squashed spaces, no box, key folded by lower().
        street_name = " ".join(street_name.split())
        house_number = "".join(house_number.split()).upper()
        postcode = " ".join(postcode.split())
        key = f"{postcode}|{street_name}|{house_number}|".lower()
        parts = (street_name, house_number, "", postcode, " ".join(municipality_name.split()), key)
    else:
        parts = normalise_address(
            street_name, house_number, box_number, postcode, municipality_name
        )
    errors = address_errors(parts[3], parts[1])
    if errors:
        raise Rejected(
            " ".join(str(message) for message in errors.values())
            + f" (postcode {parts[3]!r}, house number {parts[1]!r})"
        )
    for index, label, limit in _LIMITS:
        value = parts[index]
        if not value and index in (0, 4):
            raise Rejected(f"the {label} is empty")
        if len(value) > limit:
            raise Rejected(f"the {label} is longer than {limit} characters: {value[:40]!r}…")
    return parts


def address_text(parts: tuple) -> str:
    """``Bruggestraat 3 box 1, 8770 Ingelmunster``, as ``str(Address)`` writes it."""
    box = f" box {parts[2]}" if parts[2] else ""
    return f"{parts[0]} {parts[1]}{box}, {parts[3]} {parts[4]}"


def addresses_get_or_create(addresses: Iterable[tuple]) -> dict[str, int]:
    """The primary key of each address's row by key, inserting the rows that are new."""
    wanted = {parts[KEY]: parts for parts in addresses}
    if not wanted:
        return {}
    found = dict(rows_matching(Address, ["key", "id"], {"key": wanted}))
    new = [parts for key, parts in wanted.items() if key not in found]
    streets = streets_get_or_create((parts[0], parts[3], "") for parts in new)
    rows = []
    for parts in new:
        street_pk, street_name = streets[street_key(parts[0], parts[3])]
        # The street's spelling is the one its addresses copy; the key folds case alike.
        rows.append((street_name, *parts[1:], street_pk))
    pks = insert_rows(Address, (*PARTS, "street_id"), rows, returning_pks=True)
    found.update(zip((parts[KEY] for parts in new), pks, strict=True))
    return found


def streets_get_or_create(streets: Iterable[tuple[str, str, str]]) -> dict[str, tuple[int, str]]:
    """The primary key and name of each street, by :func:`street_key`, for (name, postcode,
    NIS code) triples; the streets not in the register yet are inserted (one query each way).

    Of two streets with the same key (the BeST import may know two), the oldest is taken.
    """
    wanted = {
        street_key(name, postcode): (name, postcode, nis_code)
        for name, postcode, nis_code in streets
    }
    if not wanted:
        return {}
    found: dict[str, tuple[int, str]] = {}
    for key, pk, name in sorted(
        rows_matching(Street, ["key", "id", "name"], {"key": wanted}),
        key=lambda row: row[1],
        reverse=True,
    ):
        found[key] = (pk, name)
    new = [(key, *values) for key, values in wanted.items() if key not in found]
    pks = insert_rows(
        Street,
        ("key", "name", "postcode", "nis_code", "status"),
        [
            (key, name, postcode, nis_code, Street.Status.CURRENT)
            for key, name, postcode, nis_code in new
        ],
        returning_pks=True,
    )
    for (key, name, _postcode, _nis_code), pk in zip(new, pks, strict=True):
        found[key] = (pk, name)
    return found
