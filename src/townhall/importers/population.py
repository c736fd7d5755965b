"""The population register importer: residents and households from the municipality's export.

The export is a CSV file in Townhall's own format (``population_rows.py``, and
``docs/imports.md`` for operators), made by the population software or from a
national register extract under the municipality's authorisation. It is personal
data: never open data, never in a log.

1. ``check()`` reads the header: a file of another kind stops here, naming the
   missing columns.
2. ``prepare()`` loads what depends on the municipality (postcodes, the streets of
   the address register) and reads the file once quickly (:class:`LaterRows`), so
   a row can know what the rows after it hold: that a later row names a
   household's new reference person, or takes its members out.
3. The step ``population`` parses each row (:class:`RowParser`: a bad row is
   rejected with a reason that never holds the national number) and applies the
   rows batch by batch, in file order (:class:`Register`): persons are upserted by
   the keyed hash of their national number, households by their number.
4. A row that breaks a rule is rejected and changes nothing; the rest of its batch
   is applied. A second run of the same file changes nothing; an interrupted run
   resumes after its last committed batch (the shared machinery in ``base.py``).
5. At the end, households left with members but no reference person are named
   (a row that was to name one may have been rejected).
"""

from pathlib import Path

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_noop

from townhall.importers.base import Batch, CsvStep, Importer, Rejected
from townhall.importers.models import ImportRun
from townhall.importers.population_batch import Register
from townhall.importers.population_lookahead import LaterRows
from townhall.importers.population_rows import (
    HEADER,
    REFERENCE_PERSON,
    REQUIRED_COLUMNS,
    PersonRow,
    PopulationRules,
    RowParser,
)
from townhall.importers.population_writing import register_write
from townhall.importers.reading import ImportAbort, SourceFile, single_csv
from townhall.importers.registry import register
from townhall.municipality.selectors import municipality_get_active
from townhall.registry.models import Household, HouseholdMembership

SHOWN = 10  # household numbers named in the closing warning


class PopulationStep(CsvStep):
    """The rows of the export, applied in file order."""

    name = "population"
    kind = "population register export"
    required = REQUIRED_COLUMNS
    expected_header = HEADER

    def __init__(self, source: SourceFile, rules: PopulationRules, later: LaterRows):
        super().__init__(source)
        self.parser = RowParser(rules)
        self.later = later

    def parse(self, values: dict[str, str], line: int) -> PersonRow:
        return self.parser.parse(values, line)

    def apply(self, batch: Batch) -> None:
        rows: list[PersonRow] = batch.items
        state = Register.load(rows, self.later)
        for row in rows:
            try:
                outcome = state.apply(row)
            except Rejected as rejected:
                batch.reject(self.source.name, row.line, rejected.reason)
            else:
                batch.count(outcome)
        register_write(state)
        for outcome, number in state.counts.items():
            batch.count(outcome, number)


@register("population")
class PopulationImporter(Importer):
    """The municipality's population register export (persons and households)."""

    label = gettext_noop("population register")  # the history's why reads it translated

    def __init__(self, path: Path | str, **options):
        super().__init__(path, **options)
        if self.everything:
            raise ImportAbort(
                "--all does not apply to the population register: it holds the active "
                "municipality's residents only."
            )
        self.source_file = single_csv(self.path)
        self.municipality = municipality_get_active()
        if self.municipality is None:
            raise ImportAbort(
                "There is no active municipality: set it up first; the population register "
                "holds its residents."
            )

    def check(self) -> None:
        PopulationStep.reader_for(self.source_file).close()

    def scope(self) -> str:
        return f"nis:{self.municipality.nis_code}"

    def prepare(self) -> None:
        self.rules = PopulationRules.for_municipality(self.municipality)
        without = self.rules.postcodes_without_streets
        if without:
            self.notify(
                f"The address register has no streets of {', '.join(without)} yet: street "
                "names are not checked there. Import the addresses first (import_addresses)."
            )
        self.later = LaterRows.read(PopulationStep.reader_for(self.source_file))

    def steps(self) -> list[PopulationStep]:
        return [PopulationStep(self.source_file, self.rules, self.later)]

    def run(self) -> ImportRun:
        run = super().run()
        self._warn_households_without_reference()
        return run

    def _warn_households_without_reference(self) -> None:
        current = HouseholdMembership.objects.filter(
            household=OuterRef("pk"), end_date__isnull=True
        )
        numbers = list(
            Household.objects.filter(Exists(current))
            .exclude(Exists(current.filter(relation=REFERENCE_PERSON)))
            .order_by("register_number")
            .values_list("register_number", flat=True)
        )
        if numbers:
            shown = ", ".join(number or "(no number)" for number in numbers[:SHOWN])
            more = f" and {len(numbers) - SHOWN:,} more" if len(numbers) > SHOWN else ""
            self.notify(
                f"{len(numbers):,} household{'s have' if len(numbers) > 1 else ' has'} members "
                f"but no reference person: {shown}{more}. Name their reference person with a "
                "household_change row (or by hand)."
            )
