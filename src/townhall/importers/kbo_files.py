"""The files of the KBO open data: finding them, reading their headers, a first pass.

1. :func:`kbo_files` finds the CSV files in a folder or a ZIP archive and refuses
   a daily update or a set without the required files;
2. :func:`kbo_reader` reads one of them, checking its published header;
3. :func:`municipality_scan` reads ``address.csv`` (and ``establishment.csv``)
   once to find the enterprises of the municipality and its establishments;
4. :func:`snapshot_date` reads the date of the data from ``meta.csv``.
"""

import contextlib
import datetime
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from townhall.importers.kbo_rows import (
    ADDRESS_COLUMNS,
    CONTACT_COLUMNS,
    DENOMINATION_COLUMNS,
    ENTERPRISE_COLUMNS,
    ESTABLISHMENT_COLUMNS,
    is_establishment,
)
from townhall.importers.merge import entity_number
from townhall.importers.reading import (
    CsvReader,
    ImportAbort,
    ImportFileError,
    SourceFile,
)

REQUIRED_FILES = ("enterprise.csv", "denomination.csv", "address.csv")
OPTIONAL_FILES = ("contact.csv", "establishment.csv")
INFORMATIVE_FILES = ("meta.csv",)  # its snapshot date dates the provenance
COLUMNS = {
    "enterprise.csv": ENTERPRISE_COLUMNS,
    "denomination.csv": DENOMINATION_COLUMNS,
    "address.csv": ADDRESS_COLUMNS,
    "contact.csv": CONTACT_COLUMNS,
    "establishment.csv": ESTABLISHMENT_COLUMNS,
}


def kbo_reader(source: SourceFile) -> CsvReader:
    """A reader for one KBO file, checking its header."""
    columns = COLUMNS[source.name.lower()]
    return CsvReader(
        source,
        kind=f"KBO {source.name.removesuffix('.csv')} file",
        required=columns,
        expected_header=",".join(columns),
    )


def kbo_files(path: Path) -> dict[str, SourceFile]:
    """The KBO files in a folder or ZIP archive, by lower-case name."""
    if path.is_dir():
        found = {
            child.name.lower(): SourceFile.from_path(child)
            for child in path.iterdir()
            if child.suffix.lower() == ".csv"
        }
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found = {
                Path(info.filename).name.lower(): SourceFile.from_zip(path, info)
                for info in archive.infolist()
                if info.filename.lower().endswith(".csv")
            }
    else:
        raise ImportFileError(
            f"{path.name} is neither a folder nor a ZIP archive of the KBO open data."
        )
    if any(name.endswith(("_insert.csv", "_delete.csv")) for name in found):
        raise ImportAbort(
            f"{path.name} is a daily update of the KBO open data (files *_delete.csv and "
            "*_insert.csv). Daily updates are not supported yet: import the monthly full file."
        )
    missing = [name for name in REQUIRED_FILES if name not in found]
    if missing:
        raise ImportFileError(
            f"{path.name} is not the KBO open data: {', '.join(missing)} not found. "
            f"Expected {', '.join(REQUIRED_FILES)} (and {', '.join(OPTIONAL_FILES)})."
        )
    wanted = (*REQUIRED_FILES, *OPTIONAL_FILES, *INFORMATIVE_FILES)
    return {name: found[name] for name in wanted if name in found}


@dataclass
class MunicipalityScan:
    """What one pass over the addresses found in the municipality's postcodes."""

    enterprises: set[int] = field(default_factory=set)  # registered office or establishment there
    establishments: list[tuple[int, dict]] = field(default_factory=list)  # (line, BAET row)
    enterprise_of: dict[int, int] = field(default_factory=dict)  # establishment -> enterprise


def municipality_scan(files: dict[str, SourceFile], postcodes: set[str]) -> MunicipalityScan:
    """The enterprises with their registered office or an establishment in ``postcodes``,
    and those establishments' address rows (kept in memory: a municipality has few)."""
    scan = MunicipalityScan()
    reader = kbo_reader(files["address.csv"])
    try:
        for row in reader:
            values = getattr(row, "values", None)
            if values is None or values["Zipcode"].strip() not in postcodes:
                continue  # unreadable rows are reported by the import itself
            if values["DateStrikingOff"].strip() or values["CountryNL"].strip():
                continue
            number = entity_number(values["EntityNumber"])
            kind = values["TypeOfAddress"].strip()
            if number is not None and kind == "REGO":
                scan.enterprises.add(number)
            elif number is not None and kind == "BAET" and is_establishment(number):
                scan.establishments.append((row.line, values))
    finally:
        reader.close()
    wanted = {entity_number(values["EntityNumber"]) for _, values in scan.establishments}
    if wanted and "establishment.csv" in files:
        reader = kbo_reader(files["establishment.csv"])
        try:
            for row in reader:
                values = getattr(row, "values", None)
                number = values and entity_number(values["EstablishmentNumber"])
                enterprise = number in wanted and entity_number(values["EnterpriseNumber"])
                if enterprise:
                    scan.enterprise_of[number] = enterprise
                    scan.enterprises.add(enterprise)
        finally:
            reader.close()
    return scan


def snapshot_date(meta: SourceFile | None) -> datetime.date:
    """The ``SnapshotDate`` of ``meta.csv`` (dd-mm-yyyy); today without a readable one."""
    if meta is not None:
        try:
            reader = CsvReader(meta, kind="KBO meta file", required=("Variable", "Value"))
        except ImportFileError:
            return timezone.localdate()
        try:
            for row in reader:
                values = getattr(row, "values", None)
                if values and values["Variable"].strip() == "SnapshotDate":
                    with contextlib.suppress(ValueError):
                        return datetime.datetime.strptime(
                            values["Value"].strip(), "%d-%m-%Y"
                        ).date()
        finally:
            reader.close()
    return timezone.localdate()
