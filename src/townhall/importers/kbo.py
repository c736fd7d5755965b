"""The KBO/BCE importer: the federal enterprise register's open data into :class:`Organisation`.

1. The input is the monthly full ZIP or a folder with its files: ``enterprise.csv``,
   ``denomination.csv`` and ``address.csv`` are required, ``contact.csv``,
   ``establishment.csv`` and ``activity.csv`` are read when present, ``meta.csv``
   for the date and number of the extract; ``code.csv`` and ``branch.csv`` are not
   read (see ``docs/imports.md``). A monthly update (``*_delete.csv`` and
   ``*_insert.csv``) is applied by :class:`~townhall.importers.kbo_update.KboUpdateImporter`,
   which ``KboImporter(path)`` becomes for one.
2. ``prepare()`` reads ``address.csv`` once: the enterprises whose registered
   office lies in one of the municipality's postcodes are in scope, and so are
   those with an establishment there (found through ``establishment.csv``);
   ``--all`` takes every enterprise. The establishments' addresses in the
   municipality are kept in memory for step 2.
3. Step ``enterprises`` reads ``enterprise.csv`` and, in step with it (every KBO
   file is sorted by entity number), the rows of the same enterprise in the other
   files, so each organisation is written whole, once: legal name, alternative
   name, legal form, kind, status, registered office, e-mail, phone, website and
   activities (:mod:`.kbo_rows` has the rules).
4. Step ``establishments`` links the establishment addresses in the municipality
   to their organisations.
5. Organisations are upserted by enterprise number; a second run of the same
   files changes nothing. What the KBO set is recorded as its source
   (:mod:`townhall.registry.provenance`), dated with the snapshot date.
6. A full file older than the last extract applied is refused; a completed import
   records its extract number (:mod:`.kbo_order`), which the next update follows.
"""

import datetime
import zipfile
import zlib
from pathlib import Path
from typing import ClassVar

from django.utils.translation import gettext_noop

from townhall.importers.addresses import KEY, addresses_get_or_create
from townhall.importers.base import (
    Batch,
    Importer,
    Reject,
    Rejected,
    Skip,
    Step,
    file_checksum,
)
from townhall.importers.kbo_activities import activities_replace
from townhall.importers.kbo_files import (
    COLUMNS,
    DAMAGED,
    OPTIONAL_FILES,
    ExtractMeta,
    is_update,
    kbo_files,
    kbo_found,
    kbo_reader,
    municipality_scan,
    read_meta,
    snapshot_date,
)
from townhall.importers.kbo_order import FULL, extract_record, order_check
from townhall.importers.kbo_rows import (
    ORGANISATION_COLUMNS,
    Enterprise,
    Rules,
    address_from_row,
    enterprise_from_rows,
    is_establishment,
)
from townhall.importers.merge import SortedCursor, entity_number
from townhall.importers.models import ImportRun
from townhall.importers.reading import (
    CsvReader,
    ImportAbort,
    ImportFileError,
    Row,
    SourceFile,
)
from townhall.importers.registry import register
from townhall.importers.writing import (
    delete_matching,
    index_lookups,
    insert_rows,
    rows_matching,
    update_rows,
)
from townhall.municipality.selectors import municipality_get_active
from townhall.registry.models import Organisation, OrganisationAddress
from townhall.registry.provenance import FieldGroup, RecordSource, Source

LINK_COLUMNS = ("organisation_id", "address_id", "kind")
# The provenance groups the KBO fills, and which of Enterprise.values() they hold.
SOURCED_GROUPS = (
    (FieldGroup.ORGANISATION.value, slice(0, 4)),
    (FieldGroup.ORGANISATION_CONTACT.value, slice(4, 7)),
)
KBO_DETAIL = gettext_noop("KBO open data")
REGISTERED_OFFICE = OrganisationAddress.Kind.REGISTERED_OFFICE
ESTABLISHMENT = OrganisationAddress.Kind.ESTABLISHMENT


class EnterpriseStep(Step):
    """``enterprise.csv`` with the other files read in step: one organisation per item."""

    name = "enterprises"

    def __init__(
        self,
        files: dict[str, SourceFile],
        rules: Rules,
        scope: set[int] | None,
        snapshot: datetime.date,
    ):
        self.files = files
        self.rules = rules
        self.scope = scope
        self.snapshot = snapshot  # the date of the KBO's data, for the provenance
        self._position: dict[str, int] = {}
        self._readers: list[CsvReader] = []
        self._cursors: list[SortedCursor] = []

    def events(self, start: dict[str, int]):
        self._position = dict(start)
        driver = self._cursor("enterprise.csv", "EnterpriseNumber", start)
        cursors = {
            name: self._cursor(name, "EntityNumber", start)
            for name in ("denomination.csv", "address.csv", "contact.csv", "activity.csv")
            if name in self.files
        }
        previous, previous_line = driver.replayed
        while True:
            events: list = []
            found = driver.next(events)
            if found is None:
                break
            number, row = found
            if number == previous:
                events.append(
                    Reject("enterprise.csv", row.line, f"duplicate of line {previous_line}")
                )
            else:
                previous, previous_line = number, row.line
                related = {name: cursor.take(number, events) for name, cursor in cursors.items()}
                events.extend(self._enterprise(row, number, related))
            self._remember_position()
            yield events
        for cursor in cursors.values():
            cursor.drain(events)
        self._remember_position()
        yield events

    def _cursor(self, name: str, column: str, start: dict[str, int]) -> SortedCursor:
        reader = kbo_reader(self.files[name])
        self._readers.append(reader)
        cursor = SortedCursor(reader, column, resume_at=start.get(name, 0), orphan=_orphan)
        self._cursors.append(cursor)
        return cursor

    def _remember_position(self) -> None:
        for cursor in self._cursors:
            self._position[cursor.name] = cursor.consumed

    def _enterprise(self, row: Row, number: int, related: dict) -> list:
        """The events of one enterprise: its rows' rejections and skips, then the item."""
        taken = sum(len(rows) for rows in related.values())
        if self.scope is not None and number not in self.scope:
            return [Skip("out of scope")] * (1 + taken)
        events: list = []
        try:
            enterprise = enterprise_from_rows(row.values, row.line, related, self.rules, events)
        except Rejected as rejected:
            events.append(Reject("enterprise.csv", row.line, rejected.reason))
            events.extend([Skip("enterprise rejected")] * taken)
            return events
        events.append(enterprise)
        return events

    def position(self) -> dict[str, int]:
        return dict(self._position)

    def rows_read(self) -> int:
        return sum(cursor.rows_read for cursor in self._cursors)

    def progress(self) -> tuple[int, int]:
        done = sum(reader.bytes_read for reader in self._readers)
        return done, sum(
            self.files[name].size
            for name in self.files
            if name in COLUMNS and name != "establishment.csv"
        )

    def close(self) -> None:
        for reader in self._readers:
            reader.close()

    def apply(self, batch: Batch) -> None:
        with index_lookups():  # every statement of the batch finds its rows by an index
            self._apply(batch)

    def _apply(self, batch: Batch) -> None:
        enterprises: list[Enterprise] = batch.items
        existing = {
            number: (pk, tuple(values))
            for number, pk, *values in rows_matching(
                Organisation,
                ["enterprise_number", "id", *ORGANISATION_COLUMNS],
                {"enterprise_number": [enterprise.number for enterprise in enterprises]},
            )
        }
        created, updated = [], []
        sourced: dict[str, list[str]] = {}  # enterprise number -> field groups the KBO set
        for enterprise in enterprises:
            if enterprise.shortened:
                batch.count("names shortened")
            pk, current = existing.get(enterprise.number, (None, None))
            values = enterprise.values(current)
            if pk is None:
                created.append((enterprise.number, enterprise.kind, *values))
                batch.count("created")
            elif values != current:
                updated.append((pk, *values))
                batch.count("updated")
            else:
                batch.count("unchanged")
                continue
            sourced[enterprise.number] = _sourced_groups(values, current)
        new_pks = insert_rows(
            Organisation,
            ("enterprise_number", "kind", *ORGANISATION_COLUMNS),
            created,
            returning_pks=True,
        )
        update_rows(Organisation, ORGANISATION_COLUMNS, updated)
        pks = {number: pk for number, (pk, _) in existing.items()}
        pks.update(zip((row[0] for row in created), new_pks, strict=True))
        _record_sources(
            {pks[number]: groups for number, groups in sourced.items() if groups},
            self.snapshot,
            replacing=[pk for _, (pk, _) in existing.items()],
        )
        offices = {
            pks[enterprise.number]: enterprise.office
            for enterprise in enterprises
            if not enterprise.office_rejected
        }
        _link_offices(batch, offices, new=set(new_pks))
        activities = {
            pks[enterprise.number]: enterprise.activities
            for enterprise in enterprises
            if enterprise.activities is not None
        }
        if activities:
            activities_replace(batch, activities, new=set(new_pks))


def _sourced_groups(values: tuple, current: tuple | None) -> list[str]:
    """The provenance groups whose values the KBO has just set."""
    before = current or ("",) * len(values)
    return [
        group
        for group, fields in SOURCED_GROUPS
        if values[fields] != before[fields] and any(values[fields])
    ]


def _record_sources(groups_of: dict[int, list[str]], on: datetime.date, replacing: list[int]):
    """Record that the KBO gave these groups of fields (provenance, see registry/provenance.py).

    Only the organisations in ``replacing`` (those that existed before the batch) can
    have a source recorded already, which the new one replaces.
    """
    existed = set(replacing)
    for group in {group for groups in groups_of.values() for group in groups}:
        delete_matching(
            RecordSource,
            "organisation_id",
            [pk for pk, groups in groups_of.items() if group in groups and pk in existed],
            only={"group": group},
        )
    insert_rows(
        RecordSource,
        ("organisation_id", "group", "source", "detail", "recorded_on"),
        [
            (pk, group, Source.ENTERPRISE_REGISTER.value, KBO_DETAIL, on)
            for pk, groups in groups_of.items()
            for group in groups
        ],
    )


def _link_offices(batch: Batch, offices: dict[int, tuple | None], new: set[int]) -> None:
    """Make each organisation's registered office the one in the file (none when it has none).

    Organisations created in this batch (``new``) have no address yet: only the others
    are looked up.
    """
    address_pks = addresses_get_or_create(office for office in offices.values() if office)
    wanted = {pk: address_pks[office[KEY]] for pk, office in offices.items() if office}
    stale, present = [], set()
    for pk, organisation, address in rows_matching(
        OrganisationAddress,
        ["id", "organisation_id", "address_id"],
        {"organisation_id": [pk for pk in offices if pk not in new]},
        only={"kind": REGISTERED_OFFICE},
    ):
        if wanted.get(organisation) == address:
            present.add(organisation)
        else:
            stale.append(pk)
    if stale:
        delete_matching(OrganisationAddress, "id", stale)
        batch.count("offices removed", len(stale))
    links = [
        (organisation, address, REGISTERED_OFFICE)
        for organisation, address in wanted.items()
        if organisation not in present
    ]
    insert_rows(OrganisationAddress, LINK_COLUMNS, links)
    batch.count("offices linked", len(links))


class EstablishmentStep(Step):
    """The establishment addresses in the municipality, linked to their organisations."""

    name = "establishments"

    def __init__(
        self, establishments: list[tuple[int, dict]], enterprise_of: dict[int, int], rules: Rules
    ):
        self.establishments = establishments  # (line in address.csv, row values), by line
        self.enterprise_of = enterprise_of
        self.rules = rules
        self._line = 0
        self._rows = 0

    def events(self, start: dict[str, int]):
        self._line = start.get("address.csv", 0)
        for line, values in self.establishments:
            if line <= self._line:
                continue
            self._line = line
            self._rows += 1
            enterprise = self.enterprise_of.get(entity_number(values["EntityNumber"]))
            if enterprise is None:
                yield Skip("establishment not in establishment.csv")
                continue
            try:
                address = address_from_row(values, self.rules)
            except Rejected as rejected:
                yield Reject("address.csv", line, rejected.reason)
                continue
            yield (line, f"{enterprise:010d}", address)

    def position(self) -> dict[str, int]:
        return {"address.csv": self._line}

    def rows_read(self) -> int:
        return self._rows

    def apply(self, batch: Batch) -> None:
        organisations = dict(
            rows_matching(
                Organisation,
                ["enterprise_number", "id"],
                {"enterprise_number": [number for _, number, _ in batch.items]},
            )
        )
        found = [
            (organisation, address)
            for _, number, address in batch.items
            if (organisation := organisations.get(number))
        ]
        batch.skip("enterprise not imported", len(batch.items) - len(found))
        address_pks = addresses_get_or_create(address for _, address in found)
        wanted = {(organisation, address_pks[address[KEY]]) for organisation, address in found}
        present = set(
            rows_matching(
                OrganisationAddress,
                ["organisation_id", "address_id"],
                {"organisation_id": {organisation for organisation, _ in wanted}},
                only={"kind": ESTABLISHMENT},
            )
        )
        insert_rows(
            OrganisationAddress,
            LINK_COLUMNS,
            [(organisation, address, ESTABLISHMENT) for organisation, address in wanted - present],
        )
        batch.count("created", len(wanted - present))
        batch.count("unchanged", len(wanted & present))


def _orphan(number: int) -> str:
    return "row of an establishment" if is_establishment(number) else "no enterprise row"


@register("kbo")
class KboImporter(Importer):
    """KBO/BCE open data (FPS Economy): the monthly full file, or an update
    (:class:`~townhall.importers.kbo_update.KboUpdateImporter`, chosen by the files)."""

    kind = FULL
    # Set by kbo_update (imported by the app's ready()), which builds on this module.
    update_importer: ClassVar[type["KboImporter"] | None] = None

    def __new__(cls, path: Path | str, **options):
        update = KboImporter.update_importer
        if (
            cls is KboImporter
            and update
            and Path(path).exists()
            and is_update(kbo_found(Path(path)))
        ):
            cls = update
        return super().__new__(cls)

    label = "KBO"

    def __init__(self, path: Path | str, **options):
        super().__init__(path, **options)
        self.files = self.extract_files(kbo_found(self.path))
        self.municipality = municipality_get_active()
        if self.municipality is None and not self.everything:
            raise ImportAbort(
                "There is no active municipality to filter on: set one up first, "
                "or import every enterprise with --all."
            )
        self.postcodes: set[str] = set()
        if self.municipality is not None:
            self.postcodes = {postcode.code for postcode in self.municipality.postcodes.all()}
            self.postcodes = self.postcodes or {self.municipality.postcode}
        self.announce_missing()
        self.scope_numbers: set[int] | None = None
        self.establishments: list[tuple[int, dict]] = []
        self.enterprise_of: dict[int, int] = {}
        self.meta = ExtractMeta()
        self._checksum = ""

    def extract_files(self, found: dict[str, SourceFile]) -> dict[str, SourceFile]:
        return kbo_files(self.path, found)

    def announce_missing(self) -> None:
        for name in OPTIONAL_FILES:
            if name not in self.files:
                self.notify(f"{name} not found: {_WITHOUT[name]}")

    def check(self) -> None:
        for name, source in self.files.items():
            if name != "meta.csv":
                kbo_reader(source).close()
        try:
            self.meta = read_meta(self.files.get("meta.csv"))
        except ImportFileError:
            self.meta = ExtractMeta()  # the snapshot date falls back to today
        order_check(
            source=self.source,
            scope=self.scope(),
            kind=self.kind,
            meta=self.meta,
            file_name=self.path.name,
        )

    def checksum(self) -> str:
        if not self._checksum:
            if self.path.is_dir():
                self._checksum = file_checksum(*(self.path / name for name in sorted(self.files)))
            else:
                self._checksum = file_checksum(self.path)
        return self._checksum

    def scope(self) -> str:
        if self.everything:
            return "all"
        return f"postcodes:{','.join(sorted(self.postcodes))}"

    def run(self) -> ImportRun:
        try:
            run = super().run()
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            # A member found damaged while it was read: its batch was rolled back.
            raise ImportFileError(DAMAGED.format(name=self.path.name, error=error)) from None
        extract_record(run=run, kind=self.kind, meta=self.meta, checksum=self.checksum())
        return run

    def prepare(self) -> None:
        self.rules = Rules.for_municipality(self.municipality, self.postcodes)
        self.snapshot = self.meta.snapshot or snapshot_date(None)
        if self.municipality is not None:
            scan = municipality_scan(self.files, self.postcodes)
            self.establishments, self.enterprise_of = scan.establishments, scan.enterprise_of
            if not self.everything:
                self.scope_numbers = scan.enterprises

    def steps(self) -> list[Step]:
        return [
            EnterpriseStep(self.files, self.rules, self.scope_numbers, self.snapshot),
            EstablishmentStep(self.establishments, self.enterprise_of, self.rules),
        ]


_WITHOUT = {
    "contact.csv": "organisations are imported without e-mail, telephone and website.",
    "establishment.csv": "establishment addresses are not imported.",
    "activity.csv": "organisations are imported without their activities (NACE codes).",
}
