"""The planned population: persons and households as plain data, before any write.

:mod:`townhall.demo.households` draws them; :mod:`townhall.demo.people` hands
out their numbers and writes them to the register.
"""

import datetime
from dataclasses import dataclass, field

from townhall.demo.timeline import age_on_reference_date
from townhall.registry.models import Address


@dataclass
class PlannedPerson:
    """A person to be registered (not saved yet); ``key`` is the position in the plan."""

    key: int
    given_names: str
    family_name: str
    birth_date: datetime.date
    sex: str
    nationality: str
    language: str
    origin: str
    number: str = ""
    number_kind: str = "none"
    email: str = ""
    mobile: str = ""

    @property
    def age(self) -> int:
        return age_on_reference_date(self.birth_date)


@dataclass
class PlannedMember:
    """A person's place in a household: relation to the reference person, and since when."""

    person: PlannedPerson
    relation: str
    since: datetime.date


@dataclass
class PlannedHousehold:
    """A household (gezin) with its reference person first among the members."""

    kind: str
    members: list[PlannedMember] = field(default_factory=list)
    address: Address | None = None

    @property
    def reference_person(self) -> PlannedPerson:
        return self.members[0].person


@dataclass
class Population:
    """Every household, and the visitors who are registered without living here."""

    households: list[PlannedHousehold]
    visitors: list[PlannedPerson]

    def residents(self) -> list[PlannedPerson]:
        return [member.person for household in self.households for member in household.members]


# Shares of household kinds; together they give about 2.29 persons per household.
