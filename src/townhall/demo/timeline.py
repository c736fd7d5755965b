"""The fixed day the demo is generated for, so the data is the same on every day it is seeded.

Ages, move-in dates and mandates are all counted back from :data:`REFERENCE_DATE`,
never from today: a seed run next year gives byte-for-byte the same register.
"""

import datetime
import random

REFERENCE_DATE = datetime.date(2026, 1, 1)


def age_on_reference_date(birth_date: datetime.date) -> int:
    """Age in whole years on the reference date."""
    before_birthday = (REFERENCE_DATE.month, REFERENCE_DATE.day) < (
        birth_date.month,
        birth_date.day,
    )
    return REFERENCE_DATE.year - birth_date.year - before_birthday


def birth_date_for_age(rng: random.Random, age: int) -> datetime.date:
    """A birth date at which someone is exactly ``age`` on the reference date."""
    latest = _years_before(REFERENCE_DATE, age)
    return latest - datetime.timedelta(days=rng.randrange(0, 365))


def day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day from ``first`` to ``last`` (both included); ``first`` when the span is empty."""
    span = (last - first).days
    return first + datetime.timedelta(days=rng.randint(0, span)) if span > 0 else first


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (28 February for someone born on 29 February)."""
    return _years_before(day, -years)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
