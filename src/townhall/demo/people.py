"""The planned population, registered: numbers handed out, then persons and households written.

Numbers are stored as the register keeps them (:mod:`townhall.registry.protection`):
a keyed hash to look a person up, the number encrypted, and a masked form to show.
Rows go in with ``bulk_create`` in batches; the rules of
:mod:`townhall.registry.services` are kept by construction (one reference
person per household, one current household per person) and enforced by the
database constraints.
"""

import dataclasses
import random

from townhall.demo.numbers import PersonNumbers
from townhall.demo.population import PlannedPerson, Population
from townhall.registry import protection
from townhall.registry.history import bulk_create_with_history
from townhall.registry.identifiers import parse_person_number
from townhall.registry.models import Household, HouseholdMembership, Person
from townhall.registry.person_fields import COLUMNS

# The columns of Person a planned person has (names, birth, sex, nationality, language,
# kind of number, contact details); the number itself is stored by the register's rules.
PLANNED_COLUMNS = tuple(
    column for column in COLUMNS if column in {f.name for f in dataclasses.fields(PlannedPerson)}
)


def numbers_assign(rng: random.Random, population: Population, *, bis_count: int) -> None:
    """Give every resident a national register number, a few foreign adults a bis number.

    Visitors get none: they are registered without a Belgian number.
    """
    numbers = PersonNumbers(rng)
    residents = population.residents()
    foreign_adults = [p for p in residents if p.nationality != "BE" and p.age >= 18]
    bis_keys = {p.key for p in rng.sample(foreign_adults, min(bis_count, len(foreign_adults)))}
    for person in residents:
        if person.key in bis_keys:
            person.number = numbers.bis(person.birth_date, person.sex)
            person.number_kind = Person.NumberKind.BIS
        else:
            person.number = numbers.national_register(person.birth_date, person.sex)
            person.number_kind = Person.NumberKind.NATIONAL_REGISTER


def _person_row(planned: PlannedPerson, *, domicile, state, state_since) -> Person:
    person = Person(
        **{column: getattr(planned, column) for column in PLANNED_COLUMNS},
        domicile=domicile,
        state=state,
        state_since=state_since,
    )
    if planned.number:
        # The register's own parser reads every number once more, so a generator
        # bug stops the seed here instead of showing up in a form later.
        number = parse_person_number(planned.number)
        person.national_number_hash = protection.national_number_hash(number.number)
        person.national_number_encrypted = protection.encrypt(number.number)
        person.national_number_masked = protection.national_number_mask(person.national_number_hash)
    return person


def population_write(population: Population, *, batch_size: int) -> dict[int, Person]:
    """Write persons, households and memberships; return the saved persons by plan key.

    The households' addresses must be saved first.
    """
    rows: dict[int, Person] = {}
    for household in population.households:
        for member in household.members:
            rows[member.person.key] = _person_row(
                member.person,
                domicile=household.address,
                state=Person.State.RESIDENT,
                state_since=member.since,
            )
    for visitor in population.visitors:
        rows[visitor.key] = _person_row(
            visitor, domicile=None, state=Person.State.NOT_RESIDENT, state_since=None
        )
    bulk_create_with_history(Person, list(rows.values()), batch_size=batch_size)

    households = [
        Household(address=planned.address, register_number=f"{index:06d}")
        for index, planned in enumerate(population.households, start=1)
    ]
    bulk_create_with_history(Household, households, batch_size=batch_size)
    bulk_create_with_history(
        HouseholdMembership,
        [
            HouseholdMembership(
                household=household,
                person=rows[member.person.key],
                relation=member.relation,
                start_date=member.since,
            )
            for household, planned in zip(households, population.households, strict=True)
            for member in planned.members
        ],
        batch_size=batch_size,
    )
    return rows
