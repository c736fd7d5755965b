"""A monthly KBO update (``KboOpenData_NNNN_YYYY_MM_Update.zip``) applied to the register.

1. The update holds, per table, ``<table>_delete.csv`` (entity numbers: every row of
   those entities in that table is gone) and ``<table>_insert.csv`` (every current
   row of the entities that changed, and of new ones); an enterprise that changed
   appears in both. ``meta.csv`` numbers the extract: it must follow the last
   extract applied (:mod:`.kbo_order`); the same update applied again changes
   nothing and says so.
2. The register keeps what the KBO's rows mean (an organisation's name, status,
   office, contacts, activities), not the rows: so each table's delete and insert
   rows are applied together, the organisation's fields of that table computed
   from the inserted rows by the rules of the full file (:mod:`.kbo_rows`). An
   organisation after the update is the one the next full file would give.
3. One step per table, in the published order (enterprise, establishment,
   denomination, address, contact, activity, branch), each one transaction: a
   failure rolls that table back and stops; the next run of the same file goes
   on with that table.
4. Organisations are updated when the register has them; new enterprises are
   created when their registered office or an establishment is in the
   municipality's postcodes (or with ``--all``). An enterprise deleted and not
   inserted again has left the KBO's open data (which lists active entities): it
   becomes *stopped*, and what the register knows of it is kept.
5. Rows of entities the register does not have are counted ("not in the
   register"), not rejected; a malformed number is rejected with its file and line.
"""

from django.utils import timezone

from townhall.importers.base import Rejected, Step
from townhall.importers.kbo import KboImporter
from townhall.importers.kbo_files import (
    UPDATE_TABLES,
    archive_test,
    kbo_reader,
    municipality_scan,
    read_meta,
    update_files,
)
from townhall.importers.kbo_order import UPDATE, applied_already
from townhall.importers.kbo_rows import Rules
from townhall.importers.kbo_tables import TABLE_STEPS, entity_parse, key_column
from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportFileError, SourceFile


class KboUpdateImporter(KboImporter):
    """A KBO update, in order after the full file or update before it."""

    kind = UPDATE

    def extract_files(self, found: dict[str, SourceFile]) -> dict[str, SourceFile]:
        return update_files(self.path, found)

    def announce_missing(self) -> None:
        missing = [
            f"{table}_{action}.csv"
            for table in UPDATE_TABLES
            for action in ("delete", "insert")
            if f"{table}_{action}.csv" not in self.files
        ]
        if missing:
            self.notify(f"Not in this update (no changes there): {', '.join(missing)}.")

    def check(self) -> None:
        archive_test(self.path)
        super().check()
        if self.meta.kind and self.meta.kind != UPDATE:
            raise ImportFileError(
                f"{self.path.name}: meta.csv says ExtractType {self.meta.kind!r}, but the "
                "files are those of an update (*_delete.csv, *_insert.csv)."
            )

    def run(self) -> ImportRun:
        self.meta = read_meta(self.files["meta.csv"])
        previous = applied_already(
            source=self.source, scope=self.scope(), meta=self.meta, checksum=self.checksum()
        )
        if previous is not None:
            self.notify(
                f"{self.path.name} (extract {previous.number:04d}) was applied already, by "
                f"import run #{previous.run_id} on "
                f"{timezone.localtime(previous.applied_at):%Y-%m-%d %H:%M}: "
                "nothing to do, nothing changed."
            )
            run = previous.run
            run.applied_before = True  # the command prints no counts for it
            return run
        return super().run()

    def in_scope(self, number: int) -> bool:
        return self.new_scope is None or number in self.new_scope

    def prepare(self) -> None:
        self.rules = Rules.for_municipality(self.municipality, self.postcodes)
        self.snapshot = self.meta.snapshot or timezone.localdate()
        deleted = _numbers(self.files.get("enterprise_delete.csv"))
        self.leaving = deleted - _numbers(self.files.get("enterprise_insert.csv"))
        self.new_scope: set[int] | None = None
        if self.municipality is not None and "address_insert.csv" in self.files:
            files = {"address.csv": self.files["address_insert.csv"]}
            if "establishment_insert.csv" in self.files:
                files["establishment.csv"] = self.files["establishment_insert.csv"]
            scan = municipality_scan(files, self.postcodes)
            self.establishments, self.enterprise_of = scan.establishments, scan.enterprise_of
            if not self.everything:
                self.new_scope = scan.enterprises
        elif not self.everything:
            self.new_scope = set()

    def steps(self) -> list[Step]:
        return [TABLE_STEPS[table](self) for table in UPDATE_TABLES]


KboImporter.update_importer = KboUpdateImporter


def _numbers(source: SourceFile | None) -> set[int]:
    """The well-formed entity numbers of a file (the others are rejected by its step)."""
    numbers: set[int] = set()
    if source is None:
        return numbers
    reader = kbo_reader(source)
    column = key_column(reader)
    try:
        for row in reader:
            values = getattr(row, "values", None)
            if values is not None:
                try:
                    numbers.add(entity_parse(values[column], column))
                except Rejected:
                    continue
    finally:
        reader.close()
    return numbers
