"""The files of the KBO open data: finding them, reading their headers, a first pass.

1. :func:`kbo_found` finds the CSV files in a folder or a ZIP archive (a damaged
   archive is refused); :func:`is_update` tells a monthly update (``*_delete.csv``
   and ``*_insert.csv``) from a full file; :func:`kbo_files` and
   :func:`update_files` pick the files of each, refusing a set that lacks some;
2. :func:`kbo_reader` reads one of them, checking its published header;
3. :func:`municipality_scan` reads ``address.csv`` (and ``establishment.csv``)
   once to find the enterprises of the municipality and its establishments;
4. :func:`read_meta` reads ``meta.csv``: the snapshot date, the extract's number
   and kind (:func:`snapshot_date` the date alone).
"""

import contextlib
import datetime
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from townhall.importers.kbo_rows import (
    ACTIVITY_COLUMNS,
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
OPTIONAL_FILES = ("contact.csv", "establishment.csv", "activity.csv")
INFORMATIVE_FILES = ("meta.csv",)  # its snapshot date dates the provenance
COLUMNS = {
    "enterprise.csv": ENTERPRISE_COLUMNS,
    "denomination.csv": DENOMINATION_COLUMNS,
    "address.csv": ADDRESS_COLUMNS,
    "contact.csv": CONTACT_COLUMNS,
    "establishment.csv": ESTABLISHMENT_COLUMNS,
    "activity.csv": ACTIVITY_COLUMNS,
}


# The files of a monthly update, in the order they are applied: each table's
# ``<table>_delete.csv`` (the entity numbers whose rows go), then its
# ``<table>_insert.csv`` (every current row of those entities, and of new ones).
UPDATE_TABLES = (
    "enterprise",
    "establishment",
    "denomination",
    "address",
    "contact",
    "activity",
    "branch",
)
# The number column of a delete file: its table's own, or EntityNumber.
DELETE_KEYS = {"enterprise": "EnterpriseNumber", "establishment": "EstablishmentNumber"}
DAMAGED = (
    "{name} is damaged ({error}): the download was cut short or the file was changed. "
    "Download it again."
)


def kbo_reader(source: SourceFile) -> CsvReader:
    """A reader for one KBO file (of a full file or an update), checking its header."""
    name = source.name.lower()
    table = name.removesuffix(".csv").removesuffix("_insert").removesuffix("_delete")
    if name.endswith("_delete.csv"):
        key = DELETE_KEYS.get(table, "EntityNumber")
        choices = ((key,), ("EntityNumber",)) if key != "EntityNumber" else ((key,),)
        return CsvReader(
            source,
            kind=f"KBO {table} delete file",
            required=(),
            one_of=(choices,) if table != "branch" else (),
            expected_header=key if table != "branch" else "Id",
        )
    columns = COLUMNS.get(f"{table}.csv")
    if columns is None:  # branch_insert.csv: counted, not kept
        return CsvReader(source, kind=f"KBO {table} file", required=())
    return CsvReader(
        source,
        kind=f"KBO {table} file",
        required=columns,
        expected_header=",".join(columns),
    )


def kbo_found(path: Path) -> dict[str, SourceFile]:
    """Every CSV file in a folder or ZIP archive of the KBO open data, by lower-case name."""
    if path.is_dir():
        return {
            child.name.lower(): SourceFile.from_path(child)
            for child in path.iterdir()
            if child.suffix.lower() == ".csv"
        }
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                return {
                    Path(info.filename).name.lower(): SourceFile.from_zip(path, info)
                    for info in archive.infolist()
                    if info.filename.lower().endswith(".csv")
                }
        except (zipfile.BadZipFile, OSError) as error:
            raise ImportFileError(DAMAGED.format(name=path.name, error=error)) from None
    with open(path, "rb") as stream:
        start = stream.read(4)
    if start.startswith(b"PK") or path.suffix.lower() == ".zip":
        raise ImportFileError(
            f"{path.name} is not a complete ZIP archive: the download was cut short or the "
            "file is damaged. Download it again."
        )
    raise ImportFileError(
        f"{path.name} is neither a folder nor a ZIP archive of the KBO open data."
    )


def is_update(found: dict[str, SourceFile]) -> bool:
    """Whether the files are a KBO update (``*_delete.csv`` and ``*_insert.csv``)."""
    return any(name.endswith(("_insert.csv", "_delete.csv")) for name in found)


def archive_test(path: Path) -> None:
    """Read every member of a ZIP archive once, checking its CRC (an update is small)."""
    if path.is_dir():
        return
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ImportFileError(DAMAGED.format(name=path.name, error=error)) from None
    if damaged is not None:
        raise ImportFileError(DAMAGED.format(name=path.name, error=f"bad CRC-32 for {damaged}"))


def kbo_files(path: Path, found: dict[str, SourceFile] | None = None) -> dict[str, SourceFile]:
    """The files of a full KBO extract, by lower-case name."""
    found = kbo_found(path) if found is None else found
    if is_update(found):
        raise ImportAbort(
            f"{path.name} is an update of the KBO open data (files *_delete.csv and "
            "*_insert.csv), not a full file."
        )
    missing = [name for name in REQUIRED_FILES if name not in found]
    if missing:
        raise ImportFileError(
            f"{path.name} is not the KBO open data: {', '.join(missing)} not found. "
            f"Expected {', '.join(REQUIRED_FILES)} (and {', '.join(OPTIONAL_FILES)})."
        )
    wanted = (*REQUIRED_FILES, *OPTIONAL_FILES, *INFORMATIVE_FILES)
    return {name: found[name] for name in wanted if name in found}


def update_files(path: Path, found: dict[str, SourceFile]) -> dict[str, SourceFile]:
    """The files of a KBO update, by lower-case name; ``meta.csv`` is required (its
    extract number puts the update in order)."""
    if "meta.csv" not in found:
        raise ImportFileError(
            f"{path.name} is a KBO update without meta.csv: its extract number is needed "
            "to apply the updates in order."
        )
    wanted = ["meta.csv"] + [
        f"{table}_{action}.csv" for table in UPDATE_TABLES for action in ("delete", "insert")
    ]
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


@dataclass(frozen=True)
class ExtractMeta:
    """What ``meta.csv`` says about an extract (each part None or empty when absent)."""

    snapshot: datetime.date | None = None
    number: int | None = None
    kind: str = ""  # ExtractType: "full" or "update"
    timestamp: str = ""  # ExtractTimestamp, as written


def read_meta(meta: SourceFile | None) -> ExtractMeta:
    """The ``Variable,Value`` rows of ``meta.csv``: SnapshotDate (dd-mm-yyyy),
    ExtractNumber, ExtractType and ExtractTimestamp."""
    if meta is None:
        return ExtractMeta()
    values: dict[str, str] = {}
    reader = CsvReader(meta, kind="KBO meta file", required=("Variable", "Value"))
    try:
        for row in reader:
            found = getattr(row, "values", None)
            if found:
                values[found["Variable"].strip()] = found["Value"].strip()
    finally:
        reader.close()
    snapshot = None
    with contextlib.suppress(ValueError):
        snapshot = datetime.datetime.strptime(values.get("SnapshotDate", ""), "%d-%m-%Y").date()
    number = values.get("ExtractNumber", "")
    return ExtractMeta(
        snapshot=snapshot,
        number=int(number) if number.isascii() and number.isdigit() else None,
        kind=values.get("ExtractType", "").lower(),
        timestamp=values.get("ExtractTimestamp", "")[:30],
    )


def snapshot_date(meta: SourceFile | None) -> datetime.date:
    """The ``SnapshotDate`` of ``meta.csv`` (dd-mm-yyyy); today without a readable one."""
    try:
        return read_meta(meta).snapshot or timezone.localdate()
    except ImportFileError:
        return timezone.localdate()
