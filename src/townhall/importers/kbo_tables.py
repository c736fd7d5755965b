"""The tables of a KBO update, each applied as one step: deletes, then inserts.

1. :class:`TableStep` reads a table's ``<table>_delete.csv`` (entity numbers) and
   ``<table>_insert.csv`` (rows) into one :class:`TableChange`, which is one batch,
   so one transaction; a malformed entity number is rejected with file and line.
2. ``apply_change`` computes the fields of that table for each organisation the
   register holds, from its inserted rows, by the rules of the full file
   (:mod:`.kbo_rows`); rows of other entities are counted as skipped.
3. A table the register does not keep (establishment, branch) is only counted;
   the establishments are read once, before the steps, to find the enterprises
   of new establishment addresses (:class:`~townhall.importers.kbo_update.KboUpdateImporter`).
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError

from townhall.importers.base import Batch, Reject, Rejected, Step
from townhall.importers.kbo import (
    EstablishmentStep,
    KboImporter,
    _link_offices,
    _record_sources,
)
from townhall.importers.kbo_activities import activities_replace
from townhall.importers.kbo_files import kbo_reader
from townhall.importers.kbo_rows import (
    STOPPED,
    Rules,
    _contacts,
    _enterprise_number,
    _names,
    _office,
    activities_from_rows,
    enterprise_from_rows,
    is_establishment,
)
from townhall.importers.reading import BadRow, SourceFile
from townhall.importers.writing import index_lookups, insert_rows, rows_matching, update_rows
from townhall.registry.identifiers import format_enterprise_number
from townhall.registry.models import Organisation
from townhall.registry.provenance import FieldGroup

NOT_HELD = "not in the register"
LEFT = "enterprise no longer in the KBO: kept as it was"
ESTABLISHMENT_ROW = "row of an establishment"


def entity_parse(text: str, column: str) -> int:
    """An entity number of a KBO file as a number; :class:`Rejected` when malformed."""
    written = text.strip()
    digits = written.replace(".", "")
    if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
        raise Rejected(
            f"{column} {written!r} is not a KBO number (ten digits, written "
            "0123.456.789 for an enterprise or 2.123.456.789 for an establishment)"
        )
    number = int(digits)
    if not is_establishment(number):
        try:
            _enterprise_number(digits)
        except ValidationError as error:
            raise Rejected(f"{column} {written!r}: {error.messages[0]}") from None
    return number


@dataclass
class TableChange:
    """One table's delete and insert rows, by entity number."""

    deleted: set[int] = field(default_factory=set)
    inserted: dict[int, list] = field(default_factory=dict)

    def numbers(self) -> set[int]:
        return self.deleted | self.inserted.keys()


def key_column(reader) -> str:
    for column in ("EnterpriseNumber", "EstablishmentNumber", "Id", "EntityNumber"):
        if column in reader.header:
            return column
    return reader.header[0]


class TableStep(Step):
    """One table of the update: its delete file, then its insert file, in one transaction."""

    table = ""
    insert_key = "EntityNumber"

    def __init__(self, importer: KboImporter):
        self.importer = importer
        self.files = importer.files
        self.rules: Rules = importer.rules
        self.name = self.table
        self.delete_name = f"{self.table}_delete.csv"
        self.insert_name = f"{self.table}_insert.csv"
        self._position: dict[str, int] = {}
        self._rows = 0
        self._bytes = 0

    def events(self, start: dict[str, int]):
        if start:  # committed whole by an earlier run of this file
            self._position = dict(start)
            return
        events: list = []
        change = TableChange()
        self._read(self.delete_name, events, lambda number, row: change.deleted.add(number))
        self._read(
            self.insert_name,
            events,
            lambda number, row: change.inserted.setdefault(number, []).append(row),
            column=self.insert_key,
        )
        events.append(change)
        yield events

    def _read(self, name: str, events: list, take, column: str | None = None) -> None:
        source: SourceFile | None = self.files.get(name)
        line = 0
        if source is not None:
            reader = kbo_reader(source)
            key = column or key_column(reader)
            try:
                for row in reader:
                    line = row.line
                    self._rows += 1
                    if type(row) is BadRow:
                        events.append(Reject(name, row.line, row.reason))
                        continue
                    try:
                        take(entity_parse(row.values[key], key), row)
                    except Rejected as rejected:
                        events.append(Reject(name, row.line, rejected.reason))
            finally:
                self._bytes += reader.bytes_read
                reader.close()
        self._position[name] = line

    def position(self) -> dict[str, int]:
        return dict(self._position)

    def rows_read(self) -> int:
        return self._rows

    def progress(self) -> tuple[int, int]:
        names = (self.delete_name, self.insert_name)
        return self._bytes, sum(self.files[name].size for name in names if name in self.files)

    def apply(self, batch: Batch) -> None:
        with index_lookups():  # every statement of the batch finds its rows by an index
            for change in batch.items:
                self.apply_change(batch, change)

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        """Count the rows: a table the register does not keep."""
        rows = len(change.deleted) + sum(len(rows) for rows in change.inserted.values())
        batch.skip(f"{self.table} (not kept in the register)", rows)

    def held(
        self, batch: Batch, change: TableChange, columns: list[str], count_missing: bool = True
    ) -> dict[int, tuple]:
        """The register's organisations among the change's enterprises, by number: their
        primary key and ``columns``. The other rows are counted as skipped (those of
        enterprises the register lacks only when ``count_missing``)."""
        enterprises = {n for n in change.numbers() if not is_establishment(n)}
        for number in change.numbers() - enterprises:
            batch.skip(ESTABLISHMENT_ROW, self._rows_of(change, number))
        found = {
            int(number): (pk, *values)
            for number, pk, *values in rows_matching(
                Organisation,
                ["enterprise_number", "id", *columns],
                {"enterprise_number": [f"{n:010d}" for n in enterprises]},
            )
        }
        for number in enterprises:
            if number not in found:
                if count_missing:
                    batch.skip(NOT_HELD, self._rows_of(change, number))
            elif number in self.importer.leaving and self.table != "enterprise":
                batch.skip(LEFT, self._rows_of(change, number))
                del found[number]
        return found

    @staticmethod
    def _rows_of(change: TableChange, number: int) -> int:
        return (number in change.deleted) + len(change.inserted.get(number, ()))

    @staticmethod
    def add_events(batch: Batch, events: list) -> None:
        for event in events:
            batch.add(event)


class EnterpriseTable(TableStep):
    """Status and legal form; new enterprises in scope are created; leavers stopped."""

    table = "enterprise"
    insert_key = "EnterpriseNumber"

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        held = self.held(batch, change, ["status", "legal_form"], count_missing=False)
        created, updated = [], []
        for number in sorted(change.numbers()):
            rows = change.inserted.get(number, [])
            current = held.get(number)
            if current is None and number in change.deleted:
                batch.skip(NOT_HELD)  # its delete row: nothing to delete here
            if not rows:
                if current is None:
                    continue
                if current[1] != STOPPED:  # deleted, not inserted again: left the KBO
                    updated.append((current[0], STOPPED, current[2]))
                    batch.count("stopped (no longer in the KBO)")
                else:
                    batch.count("unchanged")
                continue
            for duplicate in rows[1:]:
                batch.reject(self.insert_name, duplicate.line, f"duplicate of line {rows[0].line}")
            try:
                enterprise = enterprise_from_rows(rows[0].values, rows[0].line, {}, self.rules, [])
            except Rejected as rejected:
                batch.reject(self.insert_name, rows[0].line, rejected.reason)
                continue
            if current is None:
                if not self.importer.in_scope(number):
                    batch.skip("out of scope", len(rows))
                    continue
                created.append(
                    (
                        enterprise.number,
                        enterprise.kind,
                        format_enterprise_number(enterprise.number),
                        enterprise.status,
                        enterprise.legal_form,
                    )
                )
                batch.count("created")
            elif (current[1], current[2]) != (enterprise.status, enterprise.legal_form):
                updated.append((current[0], enterprise.status, enterprise.legal_form))
                batch.count("updated")
            else:
                batch.count("unchanged")
        new_pks = insert_rows(
            Organisation,
            ("enterprise_number", "kind", "name", "status", "legal_form"),
            created,
            returning_pks=True,
        )
        update_rows(Organisation, ("status", "legal_form"), updated)
        groups = {pk: [FieldGroup.ORGANISATION.value] for pk in new_pks}
        groups.update({row[0]: [FieldGroup.ORGANISATION.value] for row in updated})
        _record_sources(groups, self.importer.snapshot, replacing=[row[0] for row in updated])


class DenominationTable(TableStep):
    """The name and alternative name, from the enterprise's current denominations."""

    table = "denomination"

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        held = self.held(batch, change, ["name", "alternative_name"])
        updated = []
        for number, (pk, name, alternative) in held.items():
            events: list = []
            new_name, new_alternative, shortened = _names(
                change.inserted.get(number, ()), self.rules, events
            )
            self.add_events(batch, _renamed(events, self.insert_name))
            if shortened:
                batch.count("names shortened")
            new_name = new_name or format_enterprise_number(f"{number:010d}")
            if (new_name, new_alternative) != (name, alternative):
                updated.append((pk, new_name, new_alternative))
                batch.count("updated")
            else:
                batch.count("unchanged")
        update_rows(Organisation, ("name", "alternative_name"), updated)
        _record_sources(
            {row[0]: [FieldGroup.ORGANISATION.value] for row in updated},
            self.importer.snapshot,
            replacing=[row[0] for row in updated],
        )


class AddressTable(TableStep):
    """The registered office (``REGO``); establishment addresses (``BAET``) in the
    municipality are linked to their organisations, as in the full file."""

    table = "address"

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        held = self.held(batch, change, [])
        offices = {}
        for number, (pk,) in held.items():
            events: list = []
            office, rejected = _office(change.inserted.get(number, ()), self.rules, events)
            self.add_events(batch, _renamed(events, self.insert_name))
            if not rejected:
                offices[pk] = office
        _link_offices(batch, offices, new=set())
        self._establishments(batch)

    def _establishments(self, batch: Batch) -> None:
        step = EstablishmentStep(
            self.importer.establishments, self.importer.enterprise_of, self.rules
        )
        linked = Batch()
        for event in step.events({}):
            linked.add(event)
        if linked.items:
            step.apply(linked)
        for rejection in linked.rejections:
            batch.reject(self.insert_name, rejection.line, rejection.reason)
        for reason, number in linked.skipped.items():
            batch.skip(f"establishment: {reason}", number)
        batch.count("establishments linked", linked.counts["created"])


class ContactTable(TableStep):
    """E-mail, telephone and website; a contact the update lacks is kept."""

    table = "contact"

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        held = self.held(batch, change, ["email", "phone", "website"])
        updated = []
        for number, (pk, *current) in held.items():
            found = SimpleNamespace(email="", phone="", website="")
            events: list = []
            _contacts(found, change.inserted.get(number, ()), events)
            self.add_events(batch, _renamed(events, self.insert_name))
            values = [found.email or current[0], found.phone or current[1]]
            values.append(found.website or current[2])
            if values != current:
                updated.append((pk, *values))
                batch.count("updated")
            else:
                batch.count("unchanged")
        update_rows(Organisation, ("email", "phone", "website"), updated)
        _record_sources(
            {row[0]: [FieldGroup.ORGANISATION_CONTACT.value] for row in updated},
            self.importer.snapshot,
            replacing=[row[0] for row in updated],
        )


class ActivityTable(TableStep):
    """The organisation's activities become those of the inserted rows."""

    table = "activity"

    def apply_change(self, batch: Batch, change: TableChange) -> None:
        held = self.held(batch, change, [])
        wanted = {}
        for number, (pk,) in held.items():
            events: list = []
            rows = change.inserted.get(number, ())
            wanted[pk] = activities_from_rows(rows, self.insert_name, events)
            self.add_events(batch, events)
        activities_replace(batch, wanted, new=set())


def _renamed(events: list, file_name: str) -> list:
    """The rules of :mod:`.kbo_rows` name the full file's files; here the insert file."""
    return [
        Reject(file_name, event.line, event.reason) if type(event) is Reject else event
        for event in events
    ]


TABLE_STEPS = {
    "enterprise": EnterpriseTable,
    "establishment": type("EstablishmentTable", (TableStep,), {"table": "establishment"}),
    "denomination": DenominationTable,
    "address": AddressTable,
    "contact": ContactTable,
    "activity": ActivityTable,
    "branch": type("BranchTable", (TableStep,), {"table": "branch", "insert_key": "Id"}),
}
