"""Reading several files sorted by the same number in step, like a merge join.

The KBO publishes every file sorted by entity number, so the rows of one
enterprise in ``denomination.csv``, ``address.csv`` and ``contact.csv`` can be
gathered while ``enterprise.csv`` is read, holding one row of each file in
memory. A row out of that order is rejected rather than silently misplaced.
"""

from collections.abc import Callable

from townhall.importers.base import Reject, Skip
from townhall.importers.reading import BadRow, CsvReader, Row

END = float("inf")


def entity_number(text: str) -> int | None:
    """``0123.456.789`` or ``2.123.456.789`` as a number; None when it is not one."""
    digits = text.strip().replace(".", "")
    return int(digits) if digits.isdigit() else None


class SortedCursor:
    """The rows of one file sorted by ``column``, taken number by number.

    ``take(n)`` returns the rows numbered ``n``; rows with a smaller number that
    nobody asked for become :class:`Skip` events with the reason ``orphan(n)``,
    unreadable or out-of-order rows become :class:`Reject` events. Events go to
    the list passed in, in line order. ``consumed`` is the last line dealt with.
    ``next()`` walks the file row by row instead (for the file that leads).
    """

    def __init__(
        self,
        reader: CsvReader,
        column: str,
        *,
        resume_at: int = 0,
        orphan: Callable[[int], str],
    ):
        self.reader = reader
        self.name = reader.source.name
        self.column = column
        self.orphan = orphan
        self.consumed = resume_at
        self.rows_read = 0
        self._rows = iter(reader)
        self._previous = -1
        self.replayed: tuple[int, int] = (-1, 0)  # number and line of the last row replayed
        self._pending = self._read()
        while self._pending is not None and self._pending[0] <= resume_at:
            # Replayed rows were applied by an earlier run: only their order counts.
            if self._pending[1] is not None:
                self.replayed = (self._pending[1], self._pending[0])
            self._pending = self._read()

    def _read(self) -> tuple[int, int | None, Row | str] | None:
        for row in self._rows:
            if type(row) is BadRow:
                return row.line, None, row.reason
            text = row.values[self.column]
            number = entity_number(text)
            if number is None:
                return row.line, None, f"{self.column} {text!r} is not a KBO number"
            if number < self._previous:
                return (
                    row.line,
                    None,
                    f"out of order: {text.strip()} comes after a higher {self.column} "
                    "(the KBO publishes its files sorted by number)",
                )
            self._previous = number
            return row.line, number, row
        return None

    def next(self, events: list) -> tuple[int, Row] | None:
        """The next readable row and its number (None at the end)."""
        while (pending := self._pending) is not None:
            line, key, payload = pending
            self.consumed = line
            self.rows_read += 1
            self._pending = self._read()
            if key is not None:
                return key, payload
            events.append(Reject(self.name, line, payload))
        return None

    def take(self, number: float, events: list) -> list[Row]:
        taken = []
        while (pending := self._pending) is not None:
            line, key, payload = pending
            if key is None:
                events.append(Reject(self.name, line, payload))
            elif key < number:
                events.append(Skip(self.orphan(key)))
            elif key == number:
                taken.append(payload)
            else:
                break
            self.consumed = line
            self.rows_read += 1
            self._pending = self._read()
        return taken

    def drain(self, events: list) -> None:
        """Deal with the rest of the file (rows after the last number asked for)."""
        self.take(END, events)
