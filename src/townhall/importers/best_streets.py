"""The streets of a BeST file: found by their register id, renamed in place, split, retired.

The BeST file repeats a street on each of its addresses (``street_id``, the
address register's object id of the street, and ``streetname_nl/fr/de``). So:

1. :class:`StreetNames` remembers, while the file is parsed, the names each
   ``street_id`` has: a later line that gives the same street other names is
   rejected with the line that named it first (one street, one name per file).
   It also keeps the best status the street's addresses have had so far in the
   file (current, else proposed, else retired), carried on each row, so the row
   of a street read last knows what the whole file says about it.
2. :func:`streets_apply` (once per batch, before the addresses) finds each
   street by its register id, else a street of the same name and postcode that
   has no id yet (it gets the id), else creates it. A street whose names in the
   file differ from the register's is renamed in place: its row, its id and all
   that refers to it stay, and its addresses' copies of the name and their keys
   are rewritten in the same transaction (:mod:`townhall.registry.streets`).
3. A street is retired only when the file says so: every one of its addresses in
   the file is retired. A street missing from the file is left as it is (a file
   of another municipality, or a partial extract, says nothing about it).
4. A split needs nothing more: the addresses under a new ``street_id`` get the new
   street through their own rows, and the old street keeps the rest.
"""

from dataclasses import dataclass

from django.utils import timezone

from townhall.importers.base import Batch, Rejected
from townhall.importers.writing import insert_rows, rows_matching, update_rows
from townhall.registry.models import Address, Street, street_key
from townhall.registry.streets import rename_clash, renamed_addresses

# A street's status from the best status of its addresses in the file.
RANKS = {"retired": 0, "proposed": 1, "current": 2}
STATUS_OF_RANK = {0: Street.Status.RETIRED, 1: Street.Status.PROPOSED, 2: Street.Status.CURRENT}
STREET_COLUMNS = (
    "best_id",
    "name",
    "name_nl",
    "name_fr",
    "name_de",
    "postcode",
    "nis_code",
    "section",
    "status",
    "valid_to",
    "key",
)


@dataclass(slots=True, frozen=True)
class StreetRow:
    """What one line says about its street (one is shared by the lines that say the same)."""

    best_id: int | None
    name: str
    names: tuple[str, str, str]  # nl, fr, de
    postcode: str
    nis_code: str
    section: str
    rank: int  # the best status of the street's addresses up to this line

    @property
    def key(self) -> str:
        return street_key(self.name, self.postcode)


class StreetNames:
    """The names and best status of each ``street_id`` seen so far in the file."""

    def __init__(self):
        self._names: dict[int, tuple[tuple[str, str, str], int]] = {}
        self._ranks: dict[int, int] = {}

    def see(self, best_id: int, names: tuple[str, str, str], line: int, rank: int) -> int:
        """Remember the street's names on this line; return its best rank so far.

        Raises :class:`Rejected` when an earlier line named the same street otherwise.
        """
        earlier = self._names.setdefault(best_id, (names, line))
        if earlier[0] != names:
            raise Rejected(
                f"street_id {best_id} is named {_names_text(earlier[0])} on line {earlier[1]} "
                f"and {_names_text(names)} on this line: a street has one name in a file, "
                "so this line is left out (correct the file and import it again)"
            )
        best = max(self._ranks.get(best_id, -1), rank)
        self._ranks[best_id] = best
        return best


def _names_text(names: tuple[str, str, str]) -> str:
    return " / ".join(repr(name) for name in names if name) or "''"


def streets_apply(
    batch: Batch, rows: list[tuple[int, StreetRow]], refused: dict[int, str]
) -> dict[str, int]:
    """Create, adopt, rename and set the status of the batch's streets.

    ``rows`` are (line, street) pairs in file order. Returns the street's primary
    key by register id (as text) or, for a street without one, by its key. A street
    whose rename was refused goes into ``refused`` (register id: reason) and is left
    out of the result; the caller rejects its rows.
    """
    latest: dict[object, tuple[int, StreetRow]] = {}
    for line, street in rows:
        latest[street.best_id if street.best_id is not None else street.key] = (line, street)
    with_id = {ident: pair for ident, pair in latest.items() if isinstance(ident, int)}
    by_key = {ident: pair for ident, pair in latest.items() if isinstance(ident, str)}
    columns = ["id", *STREET_COLUMNS]
    known: dict[object, list] = {}
    for row in rows_matching(Street, columns, {"best_id": with_id}):
        known[row[1]] = list(row)
    # A street known without its register id (from the migration, or from a population
    # or KBO import) is adopted by name and postcode; a file without ids finds any.
    without_id: dict[str, list] = {}
    any_by_key: dict[str, list] = {}
    wanted_keys = [pair[1].key for ident, pair in with_id.items() if ident not in known]
    wanted_keys += list(by_key)
    for row in sorted(rows_matching(Street, columns, {"key": wanted_keys}), key=lambda r: -r[0]):
        any_by_key[row[11]] = list(row)  # in the end the oldest of that name and postcode
        if row[1] is None:
            without_id[row[11]] = list(row)
    today = timezone.localdate()
    created, changed = [], []
    found: dict[str, int] = {}
    for ident, (line, street) in latest.items():
        if ident in refused:
            continue
        if isinstance(ident, int):
            row = known.get(ident)
            if row is None and street.key in without_id:
                row = without_id.pop(street.key)
                batch.count("streets given their register id")
        else:
            row = any_by_key.get(ident)
            if row is not None:  # without an id the file names the street, nothing more
                found[ident] = row[0]
                continue
        if row is None:
            if street.rank < 1:
                continue  # only retired or rejected addresses: not made a street
            created.append((ident, _values(street, None, today)))
            batch.count("streets created")
            continue
        values = _values(street, row, today)
        if tuple(row[1:]) == values:
            found[str(ident)] = row[0]
            continue
        if values[1] != row[2]:  # renamed
            renamed = renamed_addresses(row[0], values[1])
            clash = rename_clash(row[0], renamed)
            if clash is not None:
                refused[ident] = (
                    f"street_id {ident} is renamed {values[1]!r} on line {line}, but {clash} "
                    "already exists on another street: the two would be the same place; "
                    "resolve that address first"
                )
                continue
            update_rows(Address, ("street_name", "key"), renamed)
            batch.count("streets renamed")
        if values[8] == Street.Status.RETIRED and row[9] != Street.Status.RETIRED:
            batch.count("streets retired")
        changed.append((row[0], *values))
        found[str(ident)] = row[0]
    pks = insert_rows(Street, STREET_COLUMNS, [values for _, values in created], returning_pks=True)
    for (ident, _), pk in zip(created, pks, strict=True):
        found[str(ident)] = pk
    update_rows(Street, STREET_COLUMNS, changed)
    return found


def _values(street: StreetRow, row: list | None, today) -> tuple:
    """The street's columns as the file gives them (keeping what the file does not say)."""
    status = STATUS_OF_RANK.get(street.rank)
    if status is None:  # only rejected addresses so far: the file says nothing of its status
        status = row[9] if row is not None else Street.Status.PROPOSED
    valid_to = row[10] if row is not None else None
    valid_to = (valid_to or today) if status == Street.Status.RETIRED else None
    return (
        street.best_id,
        street.name,
        *street.names,
        street.postcode if row is None else row[6],
        street.nis_code,
        street.section,
        status,
        valid_to,
        street.key if row is None else street_key(street.name, row[6]),
    )
