"""Reading the open-data CSV files: by column name, one line at a time, in constant memory.

The rules every importer shares (``docs/imports.md`` explains them to operators):

1. The first line is the header. Columns are found by name, never by position;
   a missing column stops the import at once with :class:`ImportFileError`,
   naming the column and showing the header that was expected.
2. Every later line is one row. A line that is not valid UTF-8, has unbalanced
   quotes, or has more or fewer values than the header becomes a :class:`BadRow`
   with a reason; reading goes on with the next line.
3. A quoted value never runs over the end of its line (neither source writes
   line breaks inside values), so one broken quote spoils one row, not the rest
   of the file.
4. The file is read as bytes through a large buffer, and each line is decoded on
   its own; ``bytes_read`` tells the progress bar how far along it is.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

BUFFER = 1 << 20
UNCLOSED = "a quoted value is not closed on its line (bad quoting)"


class ImportAbort(Exception):
    """The import cannot start or go on (no active municipality, missing files, ...)."""


class ImportFileError(ImportAbort):
    """The file cannot be imported at all (wrong kind, missing column, unreadable header)."""


@dataclass(frozen=True)
class SourceFile:
    """One CSV file of a source: a file on disk or a member of a ZIP archive."""

    name: str
    size: int
    opener: Callable[[], BinaryIO]

    @classmethod
    def from_path(cls, path: Path) -> "SourceFile":
        return cls(path.name, path.stat().st_size, lambda: open(path, "rb", buffering=BUFFER))

    @classmethod
    def from_zip(cls, archive: Path, member: zipfile.ZipInfo) -> "SourceFile":
        def opener() -> BinaryIO:
            # The archive stays open as long as the member stream; zipfile streams the
            # member, decompressing as it goes. BufferedReader gives a fast readline.
            zf = zipfile.ZipFile(archive)
            return io.BufferedReader(zf.open(member), BUFFER)

        return cls(Path(member.filename).name, member.file_size, opener)


@dataclass(slots=True)
class Row:
    line: int
    values: dict[str, str] | list[str]  # by column name; a list for a reader not ``mapped``


@dataclass(slots=True)
class BadRow:
    line: int
    reason: str


class _RunsOver(Exception):
    """Raised to the csv reader when a quoted value would continue on the next line."""


class _Lines:
    """The decoded lines of a binary stream, handed to ``csv.reader`` one at a time.

    When the reader asks for a second line for the same row (an unclosed quote),
    the line is kept back and handed out again as the start of the next row.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self.line = 0  # number of the line handed out last
        self._next_number = 1
        self.bytes_read = 0
        self.undecodable: tuple[int, str] | None = None
        self._kept: tuple[int, str] | None = None
        self._in_row = False

    def start_row(self) -> None:
        self._in_row = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._in_row:
            # The reader wants a continuation line: refuse, and keep the line.
            self._kept = self._read()
            raise _RunsOver
        self._in_row = True
        if self._kept is not None:
            self.line, text = self._kept
            self._kept = None
            return text
        self.line, text = self._read()
        return text

    def _read(self) -> tuple[int, str]:
        raw = self._stream.readline()
        if not raw:
            raise StopIteration
        number = self._next_number
        self._next_number += 1
        self.bytes_read += len(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self.undecodable = (
                number,
                f"the line is not valid UTF-8 (byte 0x{raw[error.start]:02X} at position "
                f"{error.start + 1}); save the file as UTF-8",
            )
            text = raw.decode("utf-8", "replace")
        if number == 1:
            text = text.removeprefix("\ufeff")
        return number, text


class CsvReader:
    """Rows of one CSV file, mapped by the header's column names.

    ``required`` columns must all be present; of each group in ``one_of`` at least
    one complete set must be present (e.g. either Lambert 72 or Lambert 2008
    coordinates). ``kind`` and ``expected_header`` make the error message.
    With ``mapped=False`` a row's values are the list in the file's order, for a
    caller that finds its columns once in :attr:`header` (a dict per row costs more
    than the rest of reading the row).
    """

    def __init__(
        self,
        source: SourceFile,
        *,
        kind: str,
        required: Sequence[str],
        one_of: Sequence[Sequence[Sequence[str]]] = (),
        expected_header: str = "",
        mapped: bool = True,
    ):
        self.source = source
        self.mapped = mapped
        self._stream = source.opener()
        self._lines = _Lines(self._stream)
        self._reader = csv.reader(self._lines, strict=True)
        self.header = self._read_header(kind, required, one_of, expected_header)

    @property
    def bytes_read(self) -> int:
        return self._lines.bytes_read

    def close(self) -> None:
        self._stream.close()

    def _read_header(self, kind, required, one_of, expected_header) -> list[str]:
        name = self.source.name
        self._lines.start_row()
        try:
            header = next(self._reader)
        except StopIteration:
            raise ImportFileError(
                f"{name} is empty; expected a {kind} with a header line."
            ) from None
        except (csv.Error, _RunsOver) as error:
            raise ImportFileError(f"{name}: the header line cannot be read ({error}).") from None
        header = [column.strip() for column in header]
        missing = [column for column in required if column not in header]
        for choices in one_of:
            if not any(all(column in header for column in choice) for choice in choices):
                missing.append(" or ".join("/".join(choice) for choice in choices))
        if missing:
            raise ImportFileError(
                f"{name} is not a {kind}: the header lacks the column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}.\n"
                f"Expected header: {expected_header or ','.join(required)}\n"
                f"Found header:    {','.join(header)[:300]}"
            )
        return header

    def __iter__(self) -> Iterator[Row | BadRow]:
        header = self.header
        width = len(header)
        mapped = self.mapped
        lines = self._lines
        reader = self._reader
        while True:
            lines.start_row()
            lines.undecodable = None
            try:
                values = next(reader)
            except StopIteration:
                return
            except _RunsOver:
                yield BadRow(lines.line, UNCLOSED)
                continue
            except csv.Error as error:
                unclosed = "unexpected end of data" in str(error)  # an open quote on the last line
                yield BadRow(lines.line, UNCLOSED if unclosed else f"bad quoting: {error}")
                continue
            line = lines.line
            if lines.undecodable is not None and lines.undecodable[0] == line:
                yield BadRow(line, lines.undecodable[1])
            elif not values:
                continue  # an empty line
            elif len(values) != width:
                yield BadRow(line, f"expected {width} values as in the header, found {len(values)}")
            elif mapped:
                yield Row(line, dict(zip(header, values, strict=True)))
            else:
                yield Row(line, values)


def single_csv(path: Path) -> SourceFile:
    """The CSV file at ``path``, or the one CSV file inside the ZIP archive at ``path``."""
    if not zipfile.is_zipfile(path):
        return SourceFile.from_path(path)
    with zipfile.ZipFile(path) as archive:
        members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
    if len(members) != 1:
        names = ", ".join(info.filename for info in members) or "none"
        raise ImportFileError(f"{path.name} should hold exactly one CSV file; it holds {names}.")
    return SourceFile.from_zip(path, members[0])
