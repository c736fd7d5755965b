"""What the later rows of a population file hold, for rules that depend on them.

A reference person may leave a household where others stay when a later row
names the new one; a household may get members before its reference person when
a later row names it (``population_batch.py`` has the rules). To answer that
while the file streams by, :class:`LaterRows` reads the file once before the
import:

1. only the record type, date, person (the keyed hash of the number), household
   and relation of each row are read; the rest of a row is checked when the
   import reaches it (a household whose promised row is then refused is named
   at the end of the import);
2. they are kept in flat arrays, sorted by person and by household, and found by
   bisection: about 50 bytes a row, instead of hundreds in dictionaries.

``on`` is the date a later row must have (the change rows of one day form one
change), or None for any later row (``person`` rows are a snapshot, without an
order of events).
"""

import datetime
from array import array
from bisect import bisect_left, bisect_right

from townhall.importers.population_rows import (
    JOINING,
    LEAVING,
    RECORD_TYPES,
    REFERENCE_PERSON,
    date_or_none,
    person_key,
)
from townhall.importers.reading import BadRow, CsvReader
from townhall.registry.protection import national_number_hash

KINDS = {kind: index for index, kind in enumerate(RECORD_TYPES)}
LEAVING_KINDS = {KINDS[kind] for kind in LEAVING}
JOINING_KINDS = {KINDS[kind] for kind in JOINING}


def _household_key(number: str) -> int:
    # str hashes are stable within one process, which is all the index lives in.
    return hash(number)


class LaterRows:
    """The rows of a file by person and by household, for "is there a later row that ..."."""

    def __init__(self):
        # One entry per row, in file order.
        self._lines = array("q")
        self._dates = array("l")  # proleptic ordinals
        self._kinds = array("b")
        self._persons = array("q")
        self._households = array("q")
        self._references = array("q")  # rows naming a reference person
        # Filled by _sort(): row indexes in person (household) order, and those keys.
        self._by_person = self._person_keys = array("q")
        self._reference_keys = array("q")

    @classmethod
    def read(cls, reader: CsvReader) -> "LaterRows":
        """A first pass over the file."""
        later = cls()
        try:
            for row in reader:
                if type(row) is BadRow:
                    continue
                values = row.values
                kind = values["record_type"].strip().lower()
                number = values["national_number"].strip()
                date = date_or_none(values["event_date"])
                if kind in KINDS and number and date is not None:
                    later.add(
                        row.line,
                        date,
                        kind,
                        person_key(national_number_hash(number)),
                        values["household_number"].strip(),
                        values["relation"].strip().lower() if kind in JOINING else "",
                    )
        finally:
            reader.close()
        later._sort()
        return later

    def add(
        self, line: int, date: datetime.date, kind: str, key: int, household: str, relation: str
    ) -> None:
        if relation == REFERENCE_PERSON:
            self._references.append(len(self._lines))
        self._lines.append(line)
        self._dates.append(date.toordinal())
        self._kinds.append(KINDS[kind])
        self._persons.append(key)
        self._households.append(_household_key(household))

    def _sort(self) -> None:
        persons, households = self._persons, self._households
        self._by_person = array("q", sorted(range(len(persons)), key=persons.__getitem__))
        self._person_keys = array("q", (persons[index] for index in self._by_person))
        self._references = array("q", sorted(self._references, key=households.__getitem__))
        self._reference_keys = array("q", (households[index] for index in self._references))

    def _later(self, keys: array, rows: array, key: int, after: int, on) -> list[int]:
        """The rows with ``key`` after line ``after`` (and on date ``on``)."""
        day = on.toordinal() if on is not None else None
        return [
            index
            for index in rows[bisect_left(keys, key) : bisect_right(keys, key)]
            if self._lines[index] > after and (day is None or self._dates[index] == day)
        ]

    def names_reference(self, household: str, after: int, on: datetime.date | None) -> bool:
        """Whether a row after line ``after`` names the reference person of ``household``."""
        key = _household_key(household)
        return bool(self._later(self._reference_keys, self._references, key, after, on))

    def has_row(self, key: int | None, after: int, on: datetime.date | None) -> bool:
        """Whether the person has a row after line ``after``."""
        return key is not None and bool(
            self._later(self._person_keys, self._by_person, key, after, on)
        )

    def leaves(self, key: int | None, household: str, after: int, on: datetime.date | None) -> bool:
        """Whether a row after line ``after`` takes the person out of ``household``."""
        if key is None:
            return False
        household_key = _household_key(household)
        return any(
            self._kinds[index] in LEAVING_KINDS
            or (self._kinds[index] in JOINING_KINDS and self._households[index] != household_key)
            for index in self._later(self._person_keys, self._by_person, key, after, on)
        )
