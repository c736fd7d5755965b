"""The demo plan: deterministic per seed, drawn without the database or the clock."""

import datetime
import hashlib
import random

import pytest
from stdnum.be import vat

from townhall.demo.numbers import EnterpriseNumbers, PersonNumbers
from townhall.demo.services import DemoSeedRefused, demo_plan
from townhall.registry.identifiers import parse_person_number


def plan_digest(plan) -> str:
    digest = hashlib.sha256()
    for household in plan.population.households:
        address = household.address
        for member in household.members:
            person = member.person
            row = (
                person.given_names,
                person.family_name,
                person.birth_date,
                person.sex,
                person.number,
                person.email,
                person.mobile,
                member.relation,
                member.since,
                address.street_name,
                address.house_number,
                address.box_number,
            )
            digest.update(repr(row).encode())
    for planned in plan.organisations:
        organisation = planned.organisation
        representatives = [
            (person.key, role, since) for person, role, since in planned.representatives
        ]
        row = (
            organisation.name,
            organisation.enterprise_number,
            organisation.vcode,
            representatives,
            planned.address.key if planned.address else None,
        )
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    first = plan_digest(demo_plan(seed=8770, scale=0.2))
    again = plan_digest(demo_plan(seed=8770, scale=0.2))
    other = plan_digest(demo_plan(seed=8771, scale=0.2))

    assert first == again
    assert first != other


def test_the_plan_does_not_depend_on_today(monkeypatch):
    first = plan_digest(demo_plan(seed=5, scale=0.05))

    class NextYear(datetime.date):
        @classmethod
        def today(cls):
            return cls(2031, 6, 15)

    monkeypatch.setattr(datetime, "date", NextYear)

    assert plan_digest(demo_plan(seed=5, scale=0.05)) == first


def test_the_scale_must_be_positive():
    with pytest.raises(DemoSeedRefused, match="scale must lie above 0"):
        demo_plan(seed=1, scale=0)


def test_national_register_numbers_carry_birth_date_sex_and_the_century_rule():
    numbers = PersonNumbers(random.Random(1))
    for birth_date, sex in [
        (datetime.date(1999, 12, 31), "m"),
        (datetime.date(2000, 1, 1), "f"),
        (datetime.date(2024, 2, 29), "m"),
        (datetime.date(1926, 7, 4), "f"),
    ]:
        number = numbers.national_register(birth_date, sex)
        parsed = parse_person_number(number)

        assert parsed.birth_date == birth_date
        assert parsed.sex == sex
        # People born in 2000 or later: the check digits are over "2" + the first nine.
        prefix = "2" if birth_date.year >= 2000 else ""
        assert 97 - int(prefix + number[:9]) % 97 == int(number[9:])


def test_enterprise_numbers_are_valid_and_unique():
    numbers = EnterpriseNumbers(random.Random(2))
    drawn = [numbers.enterprise_number() for _ in range(2_000)]

    assert len(set(drawn)) == len(drawn)
    assert all(vat.is_valid(number) and number[0] in "01" for number in drawn)
