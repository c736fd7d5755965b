"""Belgian identifiers: national register, bis and enterprise numbers, vCodes.

python-stdnum does the arithmetic (both century rules of the check digits, the
bis month offsets, unknown day or month); this module turns its verdicts into
messages a person can act on and refuses dates that cannot exist.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import bis, nn, ssn, vat

NATIONAL_REGISTER = "national_register"
BIS = "bis"
# How much of the birth date a number gives; the values of Person.DatePrecision.
DAY = "day"
MONTH = "month"
YEAR = "year"


@dataclass(frozen=True)
class PersonNumber:
    """A validated national register number (rijksregisternummer) or bis number."""

    number: str
    kind: str
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    sex: str | None  # "m", "f" or None when a bis number leaves it unknown

    @property
    def formatted(self) -> str:
        return nn.format(self.number)

    @property
    def birth_date(self) -> datetime.date | None:
        if self.birth_year and self.birth_month and self.birth_day:
            return datetime.date(self.birth_year, self.birth_month, self.birth_day)
        return None

    @property
    def birth_date_precision(self) -> str | None:
        """``day``, ``month`` or ``year``: what the number tells of the birth date (a day
        or month written 00 is unknown); None when it tells not even the year."""
        if not self.birth_year:
            return None
        if not self.birth_month:
            return YEAR
        return DAY if self.birth_day else MONTH

    @property
    def earliest_birth_date(self) -> datetime.date | None:
        """The first day of the period the number gives (1 January of the year when only
        the year is known); stored together with :attr:`birth_date_precision`."""
        if not self.birth_year:
            return None
        return datetime.date(self.birth_year, self.birth_month or 1, self.birth_day or 1)


def compact_person_number(value: str) -> str:
    return nn.compact(str(value or ""))


# What a resident reads when the number is wrong although it has its 11 digits: a
# typo, most likely. The arithmetic of the check is for staff (``for_staff``).
NOT_RIGHT = _("This national register number is not right. Check it on the identity card.")


def parse_person_number(
    value: str, *, field: str = "national_number", for_staff: bool = False
) -> PersonNumber:
    """Validate a national register or bis number; raise ValidationError naming ``field``.

    A number of 11 digits that is still wrong gets a plain message
    (:data:`NOT_RIGHT`); ``for_staff`` (the register's admin, the counter, the
    importers) adds what exactly is wrong: the check digits or the birth date.
    """
    number = compact_person_number(value)

    def fail(message):
        raise ValidationError({field: message})

    def wrong(detail):
        # Eleven digits, but not a number anyone has: the resident checks the card.
        fail(f"{NOT_RIGHT} {detail}" if for_staff else NOT_RIGHT)

    if number and not number.isdigit():
        fail(_("A national register or bis number has only digits (dots and dashes allowed)."))
    if len(number) != 11:
        fail(
            _("A national register or bis number has 11 digits; this one has %(n)d.")
            % {"n": len(number)}
        )
    try:
        kind = ssn.guess_type(number)
        ssn.validate(number)
    except stdnum_errors.InvalidChecksum:
        wrong(
            _(
                "The check digits do not match: 97 minus the first nine digits modulo 97 "
                "(with a 2 in front for people born in 2000 or later) must give the last two."
            )
        )
    except stdnum_errors.ValidationError:
        wrong(
            _(
                "The first six digits do not form a possible birth date (YYMMDD, month 00-12, "
                "plus 20 or 40 for a bis number)."
            )
        )
    # python-stdnum's public readers pick the century from the check digits and read
    # a day written 00, or one the month does not have, as "day unknown".
    scheme = nn if kind == "nn" else bis
    year, month = scheme.get_birth_year(number), scheme.get_birth_month(number)
    known_date = scheme.get_birth_date(number)
    day = known_date.day if known_date else None
    raw_day = int(number[4:6])
    if month and raw_day and raw_day > calendar.monthrange(year, month)[1]:
        wrong(
            _("The birth date in this number does not exist: day %(day)d of month %(month)d.")
            % {"day": raw_day, "month": month},
        )
    earliest_birth = datetime.date(year, month or 1, day or 1) if year else None
    if earliest_birth and earliest_birth > datetime.date.today():
        wrong(_("The birth date in this number lies in the future."))
    # A bis number tells the sex only when its month was raised by 40.
    gender = scheme.get_gender(number)
    sex = gender.lower() if gender else None
    return PersonNumber(
        number=number,
        kind=NATIONAL_REGISTER if kind == "nn" else BIS,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=sex,
    )


def compact_enterprise_number(value: str) -> str:
    """``BE 0403.019.261`` -> ``0403019261``; nine digits get a leading 0. Does not validate."""
    return vat.compact(str(value or ""))


def parse_enterprise_number(value: str, *, field: str = "enterprise_number") -> str:
    """Validate an enterprise number (KBO/BCE) and return its ten digits.

    Accepts the written forms ``0403.019.261`` and ``BE0403019261`` and the old
    nine-digit numbers, which get a leading 0.
    """
    number = compact_enterprise_number(value)

    def fail(message):
        raise ValidationError({field: message})

    if number and not number.isdigit():
        fail(_("An enterprise number has only digits (dots and spaces allowed)."))
    if len(number) != 10:
        fail(_("An enterprise number has 10 digits (9 digits get a leading 0)."))
    if number[0] not in "01":
        fail(_("An enterprise number starts with 0 or 1."))
    if int(number) == 0 or vat.checksum(number) != 0:
        fail(
            _(
                "The check digits of this enterprise number do not match "
                "(first 8 digits plus last 2 must be divisible by 97)."
            )
        )
    return number


def format_enterprise_number(number: str) -> str:
    """``0403019261`` -> ``0403.019.261``, as the KBO writes it."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


VCODE_PATTERN = re.compile(r"^V\d{7}$")


def compact_vcode(value: str) -> str:
    return str(value or "").strip().upper()


def parse_vcode(value: str, *, field: str = "vcode") -> str:
    """Validate a vCode of the Flemish association register (V + 7 digits)."""
    code = compact_vcode(value)
    if not VCODE_PATTERN.match(code):
        raise ValidationError(
            {field: _("A vCode is the letter V followed by seven digits, e.g. V0001060.")}
        )
    return code
