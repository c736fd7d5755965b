"""Valid, unique Belgian identifiers for synthetic people and organisations.

The numbers follow the real rules (check digits, sex in the counter, bis month
offset, enterprise number modulo 97), so every form and lookup of Townhall
accepts them; they are drawn at random and belong to no one we know of.
"""

import datetime
import random

# The daily counter of a national register number runs from 001 to 997:
# odd for men, even for women.
_COUNTER_MAX = 997
# A bis number adds 40 to the birth month when the sex is known.
_BIS_MONTH_OFFSET = 40


def _person_check_digits(first_nine: str, birth_year: int) -> str:
    # People born in 2000 or later get a 2 in front before the modulo.
    base = int(("2" + first_nine) if birth_year >= 2000 else first_nine)
    return f"{97 - base % 97:02d}"


class PersonNumbers:
    """Hands out national register and bis numbers, never the same one twice."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[str] = set()

    def national_register(self, birth_date: datetime.date, sex: str) -> str:
        """A national register number (rijksregisternummer) for this birth date and sex."""
        return self._number(birth_date, sex, month_offset=0)

    def bis(self, birth_date: datetime.date, sex: str) -> str:
        """A bis number, for someone known to social security but not in the register."""
        return self._number(birth_date, sex, month_offset=_BIS_MONTH_OFFSET)

    def _number(self, birth_date: datetime.date, sex: str, *, month_offset: int) -> str:
        date_part = (
            f"{birth_date.year % 100:02d}{birth_date.month + month_offset:02d}{birth_date.day:02d}"
        )
        parity = 1 if sex == "m" else 0
        while True:
            counter = self._rng.randrange(1 + (1 - parity), _COUNTER_MAX + 1, 2)
            first_nine = f"{date_part}{counter:03d}"
            number = first_nine + _person_check_digits(first_nine, birth_date.year)
            if number not in self._used:
                self._used.add(number)
                return number


# Ranges of the first eight digits, roughly by era: 04… for companies of the
# last century, 05…-08… since 2003, 1… for the newest numbers.
_ENTERPRISE_RANGES = [
    ((4_000_000, 4_799_999), 3),
    ((5_000_000, 8_999_999), 6),
    ((10_000_000, 10_299_999), 1),
]


class EnterpriseNumbers:
    """Hands out enterprise numbers (ondernemingsnummers, KBO) and vCodes, each once."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[str] = set()

    def enterprise_number(self) -> str:
        """Ten digits: the first eight, then 97 minus their remainder modulo 97."""
        ranges, weights = zip(*_ENTERPRISE_RANGES, strict=True)
        while True:
            low, high = self._rng.choices(ranges, weights)[0]
            first_eight = self._rng.randint(low, high)
            number = f"{first_eight:08d}{97 - first_eight % 97:02d}"
            if number not in self._used:
                self._used.add(number)
                return number

    def vcode(self) -> str:
        """A vCode of the Flemish association register: V and seven digits."""
        while True:
            code = f"V{self._rng.randint(1_000, 1_500_000):07d}"
            if code not in self._used:
                self._used.add(code)
                return code
