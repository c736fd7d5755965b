"""The masked national number, and what a page shows with it (issue 17, defect 3).

Rule (docs/standards.md, "Masked national numbers"): what a page shows together
must never narrow a person's number to fewer than a thousand candidates. The
counter below plays the one who reads the page: it enumerates every valid
national register number that agrees with what is shown (birth date or year,
sex, and any digit the mask shows in its place).
"""

import calendar
import datetime
import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse
from stdnum.be import nn

from townhall.registry import protection
from townhall.registry.models import Person
from townhall.registry.tests.factories import PersonFactory, person_number
from townhall.registry.tests.test_admin import give_search_purpose

pytestmark = pytest.mark.django_db

MINIMUM_CANDIDATES = 1000
# The written form of a number, 85.07.30-033.28: position in the mask -> digit index.
_LAYOUT = {i: d for d, i in enumerate(i for i, c in enumerate("00.00.00-000.00") if c == "0")}


def digits_shown(mask: str) -> dict[int, str]:
    """The digits a mask gives away, by their index in the number's 11 digits."""
    if len(mask) == 15 and all(mask[i] in ".-" for i in range(15) if i not in _LAYOUT):
        return {_LAYOUT[i]: c for i, c in enumerate(mask) if c.isdigit()}
    # Any other form must show no digit at all, or it gives away an unknown part.
    assert not any(c.isdigit() for c in mask), mask
    return {}


def candidates(*, year: int, sex: str, mask: str, month: int = 0, day: int = 0) -> int:
    """How many national register numbers agree with what a page shows.

    ``month`` and ``day`` are 0 when the page shows the year only; the unknown
    days 00 (and months 00) of the year count as well, as the register issues them.
    """
    shown = digits_shown(mask)
    if month and day:
        dates = [(month, day)]
    else:
        dates = [
            (m, d) for m in range(1, 13) for d in range(1, calendar.monthrange(year, m)[1] + 1)
        ]
        dates += [(m, 0) for m in range(1, 13)] + [(0, 0)]
    count = 0
    first_counter = 1 if sex == Person.Sex.MALE else 2
    for m, d in dates:
        for counter in range(first_counter, 999, 2):
            number = person_number(year, m, d, counter)
            if all(number[i] == digit for i, digit in shown.items()):
                count += 1
    return count


def test_the_mask_shows_no_digit_of_the_number():
    for counter in range(1, 200):
        number = person_number(1985, 7, 30, counter)
        mask = protection.national_number_mask(protection.national_number_hash(number))
        assert not any(character.isdigit() for character in mask), mask
        assert re.fullmatch(r"\*\*\*-[BCDFGHJKMNPRSTVWXZ]{4}", mask)


def test_the_same_number_gives_the_same_mask_in_every_written_form():
    masks = {
        protection.national_number_mask(protection.national_number_hash(written))
        for written in ("85073003328", "85.07.30-033.28", " 850730 033 28 ")
    }
    assert len(masks) == 1


def test_the_mask_depends_on_the_hash_key():
    # Without the key nobody can compute the mask of a number, so it narrows nothing.
    numbers = [person_number(1985, 7, 30, counter) for counter in range(1, 60, 2)]
    with override_settings(NATIONAL_NUMBER_HASH_KEY="first key " * 4):
        first = [
            protection.national_number_mask(protection.national_number_hash(n)) for n in numbers
        ]
    with override_settings(NATIONAL_NUMBER_HASH_KEY="second key " * 4):
        second = [
            protection.national_number_mask(protection.national_number_hash(n)) for n in numbers
        ]
    assert sum(a != b for a, b in zip(first, second, strict=True)) >= len(numbers) - 1


def test_the_mask_tells_numbers_of_the_same_birth_date_and_sex_apart():
    numbers = [person_number(1985, 7, 30, counter) for counter in range(1, 999, 2)]
    masks = {protection.national_number_mask(protection.national_number_hash(n)) for n in numbers}
    # 499 numbers in 104,976 fingerprints: a few may share one, most do not.
    assert len(masks) >= 490


def test_the_old_mask_with_birth_date_and_sex_left_about_five_candidates():
    # What the lists showed before: the check digits beside the birth date and the sex.
    number = "85073003328"
    old_mask = f"**.**.**-***.{number[-2:]}"
    assert candidates(year=1985, month=7, day=30, sex="m", mask=old_mask) < 10


def test_the_record_shows_the_birth_date_and_the_mask_which_adds_nothing():
    # The record opens only with a purpose, in the access log; there the birth date and
    # the sex leave the 499 counters of that day, and the mask narrows none of them.
    person = PersonFactory(birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE)
    shown = {
        "year": 1985,
        "month": 7,
        "day": 30,
        "sex": person.sex,
        "mask": person.national_number_masked,
    }
    assert candidates(**shown) == 499


@pytest.mark.parametrize("sex", [Person.Sex.MALE, Person.Sex.FEMALE])
def test_the_person_list_never_narrows_a_number_below_a_thousand(staff_client, sex):
    people = [
        PersonFactory(sex=sex, family_name="Vinck", given_names=name)
        for name in ("An", "Bo", "Cas")
    ]
    give_search_purpose(staff_client)  # the list shows nobody before a search
    # Filtered by sex, the list shows the sex of every row as well.
    response = staff_client.get(
        reverse("admin:registry_person_changelist"), {"sex__exact": sex, "q": "Vinck"}
    )
    html = unescape(response.content.decode())
    for person in people:
        # A row is found by its name cell: the page's random CSRF token or nonce may hold
        # "An" as well.
        row = next(r for r in html.split("<tr") if f">{person.full_name}</a>" in r)
        mask = re.search(r'class="field-national_number_masked">([^<]*)<', row).group(1)
        year = re.search(r'class="field-birth_year">([^<]*)<', row).group(1)
        assert mask == person.national_number_masked
        assert year == str(person.birth_date.year)
        number = person.reveal_national_number()
        assert nn.format(number)[:8] not in row  # no full birth date, no digit group
        assert candidates(year=int(year), sex=sex, mask=mask) >= MINIMUM_CANDIDATES


def test_the_migration_re_masks_existing_rows_from_the_hash():
    person = PersonFactory()
    number = person.reveal_national_number()
    Person.objects.filter(pk=person.pk).update(national_number_masked=f"**.**.**-***.{number[-2:]}")
    migration = importlib.import_module("townhall.registry.migrations.0004_mask_from_keyed_hash")
    migration.remask(apps, None)
    person.refresh_from_db()
    assert person.national_number_masked == protection.national_number_mask(
        person.national_number_hash
    )
