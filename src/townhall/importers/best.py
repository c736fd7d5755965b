"""The BeST address importer: the federal open address file into :class:`Address`.

1. The file is ``openaddress-bevlg.csv`` (or a ZIP holding one CSV), UTF-8, with
   the 20 published columns; either Lambert 72 (``EPSG:31370_x/_y``) or Lambert
   2008 (``EPSG:3812_x/_y``) coordinates are accepted, and only the WGS84
   ``EPSG:4326_lat/_lon`` are kept.
2. By default only rows of the active municipality (``municipality_id`` = its NIS
   code) are read, and their postcode must be one of the municipality's;
   ``--all`` imports every row.
3. Status ``current`` and ``proposed`` are imported; ``retired`` and ``rejected``
   are skipped and counted (an address already in the register stays: persons
   may live there).
4. The natural key is ``address_id``, kept as the register URI
   ``https://data.vlaanderen.be/id/adres/{address_id}``. A row updates the address
   with that URI, else the address with the same street, number, box and postcode
   that has no URI yet (it gets the URI), else creates one. An address with the
   same street, number, box and postcode but another URI is a conflict: the row
   is rejected.
5. The same ``address_id`` twice in a file: the second row is rejected as a
   duplicate.
6. Each address gets its street (:mod:`.best_streets`): by ``street_id``, the
   address register's id of the street, renamed in place when the file names it
   otherwise; a ``street_id`` named two ways in one file has its later lines
   rejected. Retired rows are not imported as addresses but still count for their
   street's status (a street whose addresses are all retired is retired).
"""

import math
import operator
from dataclasses import dataclass
from pathlib import Path

from townhall.importers.addresses import address_parts, address_text
from townhall.importers.base import (
    Batch,
    CsvStep,
    Importer,
    Rejected,
    SeenNumbers,
    Skipped,
)
from townhall.importers.best_streets import RANKS, StreetNames, StreetRow, streets_apply
from townhall.importers.reading import ImportAbort, SourceFile, single_csv
from townhall.importers.registry import register
from townhall.importers.writing import index_lookups, insert_rows, rows_matching, update_rows
from townhall.languages import FALLBACK, OFFICIAL
from townhall.municipality.selectors import municipality_get_active
from townhall.registry.models import Address

URI = "https://data.vlaanderen.be/id/adres/{}"
HEADER = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,"
    "house_number,municipality_id,municipality_name_de,municipality_name_fr,"
    "municipality_name_nl,postcode,postname_fr,postname_nl,street_id,streetname_de,"
    "streetname_fr,streetname_nl,region_code,status"
)
COORDINATES = (("EPSG:31370_x", "EPSG:31370_y"), ("EPSG:3812_x", "EPSG:3812_y"))
IMPORTED, SKIPPED = ("current", "proposed"), ("retired", "rejected")
# Belgium lies within these WGS84 bounds, with a margin.
LATITUDES, LONGITUDES = (49.4, 51.6), (2.5, 6.5)
# The columns written, in the order of a record's values; the key comes last.
COLUMNS = (
    "street_name",
    "house_number",
    "box_number",
    "postcode",
    "municipality_name",
    "nis_code",
    "register_uri",
    "latitude",
    "longitude",
    "key",
    "street_id",  # set in apply(), once the batch's streets are found
)
URI_INDEX, KEY_INDEX, STREET_INDEX = 6, 9, 10


class AddressStep(CsvStep):
    """Rows of the BeST file, upserted into :class:`Address` by register URI."""

    name = "addresses"
    kind = "BeST address file (openaddress-*.csv)"
    required = tuple(
        column
        for column in HEADER.split(",")
        if not column.startswith(("EPSG:31370_", "postname_", "street_id", "region_code"))
    )
    one_of = (COORDINATES,)
    expected_header = (
        HEADER + f"  (or EPSG:3812_x,EPSG:3812_y instead of {'/'.join(COORDINATES[0])})"
    )

    by_position = True  # a dict per row cost more than the checks of the row

    def __init__(
        self,
        source: SourceFile,
        *,
        nis_code: str | None,
        postcodes: dict[str, str],
        municipality: str,
        languages: list[str],
    ):
        super().__init__(source)
        self.nis_code = nis_code
        self.postcodes = postcodes
        self.municipality = municipality
        self.languages = languages
        self.seen = SeenNumbers()
        self.street_names = StreetNames()
        self.refused: dict[int, str] = {}  # streets whose rename was refused (apply only)
        # The street of the last row, kept while the rows name the same one (the file
        # is grouped by street): the raw values it was made from, what they give.
        self._street_raw: tuple | None = None
        self._street_made: tuple = ()
        self._street_last: StreetRow | None = None

    def header_read(self, header: list[str]) -> None:
        """Each column's position; optional columns the file lacks read as empty."""
        position = {name: index for index, name in enumerate(header)}
        for attribute, column in (
            ("_nis", "municipality_id"),
            ("_status", "status"),
            ("_address_id", "address_id"),
            ("_postcode", "postcode"),
            ("_house_number", "house_number"),
            ("_box_number", "box_number"),
            ("_latitude", "EPSG:4326_lat"),
            ("_longitude", "EPSG:4326_lon"),
        ):
            setattr(self, attribute, position[column])  # required: the reader checked
        languages = self.languages
        self.street_columns = [position[f"streetname_{code}"] for code in languages]
        self.name_columns = [position[f"municipality_name_{code}"] for code in languages]
        self.postname_columns = [
            position[f"postname_{code}"] for code in languages if f"postname_{code}" in position
        ]
        self.official_columns = [position[f"streetname_{code}"] for code in OFFICIAL]
        # What a row's street is made of, in one tuple: when it equals the last row's,
        # the street's names, id and section are the last row's too.
        raw = [*self.official_columns, *self.postname_columns, *self.name_columns]
        raw += [position["postcode"], position["municipality_id"]]
        self._street_id = position.get("street_id")
        if self._street_id is not None:
            raw.append(self._street_id)
        self._street_of = operator.itemgetter(*raw)

    def parse(self, values: list[str], line: int) -> "Sighting | tuple[int, tuple, StreetRow]":
        """The line, the values of :data:`COLUMNS` and the street of one row; for a
        retired or rejected row only what it says about its street."""
        nis_code = values[self._nis].strip()
        if self.nis_code is not None and nis_code != self.nis_code:
            raise Skipped("other municipality")
        status = values[self._status].strip().lower()
        if status not in IMPORTED and status not in SKIPPED:
            raise Rejected(
                f"unknown status {status!r} (expected current, proposed, retired or rejected)"
            )
        if status in SKIPPED:
            street = self._street(values, line, nis_code, status, strict=False)
            if street is None or street.best_id is None:
                raise Skipped(f"status {status}")
            return Sighting(line, street, f"status {status}")
        address_id = values[self._address_id].strip()
        if not address_id.isdigit():
            raise Rejected(f"address_id {address_id!r} is not a number")
        if len(nis_code) != 5 or not nis_code.isdigit():
            raise Rejected(f"municipality_id {nis_code!r} is not a NIS code (five digits)")
        postcode = values[self._postcode].strip()
        if self.nis_code is not None and postcode not in self.postcodes:
            raise Rejected(
                f"postcode {postcode!r} is not a postcode of {self.municipality} "
                f"({', '.join(sorted(self.postcodes))})"
            )
        parts = address_parts(
            street_name=_first(values, self.street_columns),
            house_number=values[self._house_number],
            box_number=values[self._box_number],
            postcode=postcode,
            municipality_name=_first(values, self.name_columns),
        )
        latitude = _coordinate(values[self._latitude], "latitude", LATITUDES)
        longitude = _coordinate(values[self._longitude], "longitude", LONGITUDES)
        number = int(address_id)
        earlier = self.seen.add(number, line)
        if earlier is not None:
            raise Rejected(
                f"duplicate of line {earlier} (address_id {address_id})"
                if earlier
                else f"duplicate: address_id {address_id} occurs earlier in the file"
            )
        street = self._street(values, line, nis_code, status, strict=True, name=parts[0])
        record = (*parts[:5], nis_code, URI.format(number), latitude, longitude, parts[5], None)
        return line, record, street

    def _street(
        self, values, line: int, nis_code: str, status: str, *, strict: bool, name: str = ""
    ) -> StreetRow | None:
        """The row's street; None for a retired row whose street cannot be told."""
        raw = self._street_of(values)
        if raw != self._street_raw:
            self._street_raw, self._street_made = raw, self._street_make(values)
            self._street_last = None
        best_id, names, first_name, postcode, section, bad_id = self._street_made
        if bad_id:
            if not strict:
                return None
            raise Rejected(f"street_id {bad_id!r} is not a number")
        name = name or first_name
        rank = RANKS.get(status, -1)
        if best_id is not None:
            rank = self.street_names.see(best_id, names, line, rank)
        last = self._street_last
        if last is not None and last.rank == rank and last.name == name:
            return last  # the same street as the row before (StreetRow is frozen)
        street = StreetRow(best_id, name, names, postcode, nis_code, section, rank)
        self._street_last = street
        return street

    def _street_make(self, values: list[str]) -> tuple:
        """The register id, names (nl, fr, de), name, postcode and section of a row's
        street, and the ``street_id`` when it is not a number."""
        names = tuple(" ".join(values[index].split()) for index in self.official_columns)
        first_name = " ".join(_first(values, self.street_columns).split())
        text = values[self._street_id].strip() if self._street_id is not None else ""
        best_id, bad_id = None, ""
        if text:
            if text.isdigit():
                best_id = int(text)
            else:
                bad_id = text
        place = _first(values, self.postname_columns)
        municipality = _first(values, self.name_columns)
        postcode = values[self._postcode].strip()
        section = place if place and place.casefold() != municipality.casefold() else ""
        return best_id, names, first_name, postcode, section[:100], bad_id

    def apply(self, batch: Batch) -> None:
        with index_lookups():
            self._apply(batch)

    def _apply(self, batch: Batch) -> None:
        records: list[tuple[int, tuple]] = []
        streets: list[tuple[int, StreetRow]] = []
        for item in batch.items:
            if type(item) is Sighting:
                batch.skip(item.reason)
                streets.append((item.line, item.street))
            else:
                streets.append((item[0], item[2]))
                records.append(item)
        street_pks = streets_apply(batch, streets, self.refused)
        kept = []
        for line, values, street in records:
            ident = str(street.best_id) if street.best_id is not None else street.key
            if street.best_id in self.refused:
                batch.reject(self.source.name, line, self.refused[street.best_id])
                continue
            values = (*values[:STREET_INDEX], street_pks[ident])
            kept.append((line, values))
        self._apply_addresses(batch, kept)

    def _apply_addresses(self, batch: Batch, records: list[tuple[int, tuple]]) -> None:
        by_uri: dict[str, list] = {}
        by_key: dict[str, list] = {}
        for pk, *values in rows_matching(
            Address,
            ["id", *COLUMNS],
            {
                "register_uri": [values[URI_INDEX] for _, values in records],
                "key": [values[KEY_INDEX] for _, values in records],
            },
        ):
            values[7:9] = [None if value is None else str(value) for value in values[7:9]]
            row = [pk, tuple(values)]
            by_key[row[1][KEY_INDEX]] = row
            if row[1][URI_INDEX]:
                by_uri[row[1][URI_INDEX]] = row
        created: list[tuple] = []
        updated: dict[int, tuple] = {}
        for line, values in records:
            uri, key = values[URI_INDEX], values[KEY_INDEX]
            target = by_uri.get(uri)
            holder = by_key.get(key)
            if holder is not None and holder is not target:
                if target is None and not holder[1][URI_INDEX]:
                    target = holder  # the same place, known without its URI: fill it in
                else:
                    batch.reject(self.source.name, line, _conflict(values, holder))
                    continue
            if target is None:
                created.append(values)
                by_uri[uri] = by_key[key] = [None, values]
                batch.count("created")
            elif target[1] == values:
                batch.count("unchanged")
            else:
                by_key.pop(target[1][KEY_INDEX], None)
                target[1] = values
                by_uri[uri] = by_key[key] = target
                if target[0] is not None:
                    updated[target[0]] = (target[0], *values)
                batch.count("updated")
        insert_rows(Address, COLUMNS, created)
        update_rows(Address, COLUMNS, list(updated.values()))


@dataclass(slots=True)
class Sighting:
    """A retired or rejected row: not an address to import, but a word on its street."""

    line: int
    street: StreetRow
    reason: str


def _first(values: list[str], columns: list[int]) -> str:
    """The value in the first language that has one."""
    for column in columns:
        value = values[column].strip()
        if value:
            return value
    return ""


def _coordinate(text: str, label: str, bounds: tuple[float, float]) -> str | None:
    """The coordinate with six decimals (a tenth of a metre), as the database keeps it."""
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise Rejected(f"the {label} {text!r} is not a number") from None
    if not bounds[0] <= value <= bounds[1] or math.isnan(value):
        raise Rejected(f"the {label} {text} lies outside Belgium")
    return f"{value:.6f}"


def _conflict(values: tuple, holder: list) -> str:
    pk, existing = holder
    where = existing[URI_INDEX] or (f"address #{pk}" if pk else "a row before it")
    return (
        f"{values[URI_INDEX]} has the same street, house number, box and postcode "
        f"({address_text(values)}) as {where}, which is already in the register; "
        "resolve the two by hand"
    )


@register("best")
class BestImporter(Importer):
    """BeST open address data (FPS BOSA), one CSV per region."""

    label = "BeST"

    def __init__(self, path: Path | str, **options):
        super().__init__(path, **options)
        self.source_file = single_csv(self.path)
        municipality = municipality_get_active()
        if municipality is None and not self.everything:
            raise ImportAbort(
                "There is no active municipality to filter on: set one up first, "
                "or import the whole file with --all."
            )
        self.municipality = municipality
        postcodes = {}
        if municipality is not None:
            postcodes = {
                postcode.code: postcode.place_name for postcode in municipality.postcodes.all()
            }
            postcodes = postcodes or {municipality.postcode: municipality.name}
        self.postcodes = postcodes

    def check(self) -> None:
        AddressStep.reader_for(self.source_file).close()

    def scope(self) -> str:
        if self.everything:
            return "all"
        return f"nis:{self.municipality.nis_code} postcodes:{','.join(sorted(self.postcodes))}"

    def steps(self) -> list[AddressStep]:
        languages = list((self.municipality.languages if self.municipality else None) or [FALLBACK])
        # BeST names streets in the official languages only; the municipality's come first.
        languages += [language for language in OFFICIAL if language not in languages]
        return [
            AddressStep(
                self.source_file,
                nis_code=None if self.everything else self.municipality.nis_code,
                postcodes=self.postcodes,
                municipality=str(self.municipality or ""),
                languages=[language for language in languages if language in OFFICIAL],
            )
        ]
