"""Organisations of the demo, planned then written: what associations and businesses share.

A :class:`PlannedOrganisation` is an unsaved :class:`Organisation` with its
address and the residents who represent it. :class:`Residents` picks those
representatives among adult residents, no one in more than a few roles.
:func:`institutions_plan` adds the schools and public bodies a municipality has.
"""

import datetime
import random
import re
import unicodedata
from dataclasses import dataclass, field

from townhall.demo.municipality import MAIL_DOMAIN, MUNICIPALITY_NAME
from townhall.demo.numbers import EnterpriseNumbers
from townhall.demo.population import PlannedPerson, Population
from townhall.demo.streets import StreetMap
from townhall.demo.timeline import REFERENCE_DATE, day_between, years_after
from townhall.registry.history import bulk_create_with_history
from townhall.registry.models import (
    Address,
    Organisation,
    OrganisationAddress,
    Person,
    Representative,
)

Kind = Organisation.Kind
Role = Representative.Role
VZW = "017"  # KBO juridical form: vereniging zonder winstoogmerk


@dataclass
class PlannedOrganisation:
    """An organisation to be saved, where it is, and who acts for it since when."""

    organisation: Organisation
    address: Address | None = None
    address_kind: str = OrganisationAddress.Kind.REGISTERED_OFFICE
    representatives: list[tuple[PlannedPerson, str, datetime.date]] = field(default_factory=list)


def slug(text: str) -> str:
    """``Bakkerij Vandenbroucke`` -> ``bakkerij-vandenbroucke``, for e-mail and web addresses."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(c for c in decomposed if c.isascii())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


class Residents:
    """Adult residents to draw representatives from, with their home addresses."""

    MAX_ROLES = 3

    def __init__(self, rng: random.Random, population: Population):
        self._rng = rng
        self._homes = {}
        for household in population.households:
            for member in household.members:
                self._homes[member.person.key] = household.address
        self._adults = [person for person in population.residents() if person.age >= 18]
        self._roles: dict[int, int] = {}

    def pick(self, *, youngest: int, oldest: int, exclude=()) -> PlannedPerson:
        """An adult of ``youngest`` to ``oldest`` years old who has few roles yet."""
        for _ in range(1_000):
            person = self._rng.choice(self._adults)
            if (
                youngest <= person.age <= oldest
                and person.key not in exclude
                and self._roles.get(person.key, 0) < self.MAX_ROLES
            ):
                break
        else:
            # A tiny test-sized population may run out of free adults; share roles then.
            person = self._rng.choice(
                [p for p in self._adults if youngest <= p.age <= oldest and p.key not in exclude]
            )
        self._roles[person.key] = self._roles.get(person.key, 0) + 1
        return person

    def home(self, person: PlannedPerson) -> Address:
        return self._homes[person.key]

    def since(self, person: PlannedPerson, *, at_most_years: int) -> datetime.date:
        """When someone took up a role: some years ago, but as an adult."""
        earliest = max(
            years_after(person.birth_date, 18),
            REFERENCE_DATE - datetime.timedelta(days=365 * at_most_years),
        )
        return day_between(self._rng, earliest, REFERENCE_DATE - datetime.timedelta(days=30))


# (name, kind, KBO juridical form or "", has a director among the residents)
_INSTITUTIONS = [
    ("Vrije Basisschool Sint-Amandus", Kind.SCHOOL, VZW, True),
    ("Vrije Basisschool De Zonnebloem", Kind.SCHOOL, VZW, True),
    ("Gemeentelijke Basisschool De Vlinder", Kind.SCHOOL, "", True),
    ("Sint-Jozefsinstituut", Kind.SCHOOL, VZW, True),
    ("Academie voor Muziek, Woord en Dans Ingelmunster", Kind.SCHOOL, "", False),
    (f"OCMW {MUNICIPALITY_NAME}", Kind.PUBLIC_BODY, "", False),
    ("Politiezone Mandel-Leie", Kind.PUBLIC_BODY, "", False),
    ("Brandweerzone Mandel-Leie", Kind.PUBLIC_BODY, "", False),
    ("Kerkfabriek Sint-Amandus", Kind.PUBLIC_BODY, "", False),
]


def institutions_plan(
    rng: random.Random,
    *,
    municipality_number: str,
    numbers: EnterpriseNumbers,
    streets: StreetMap,
    residents: Residents,
) -> list[PlannedOrganisation]:
    """The municipality itself, its schools and the public bodies around it.

    Public schools and the academy are part of the municipality and have no
    enterprise number of their own; the rest do.
    """
    planned = [
        PlannedOrganisation(
            Organisation(
                name=f"Gemeente {MUNICIPALITY_NAME}",
                kind=Kind.PUBLIC_BODY,
                enterprise_number=municipality_number,
                email=f"info@{MAIL_DOMAIN}",
            ),
            address=streets.town_hall,
        )
    ]
    for name, kind, legal_form, has_director in _INSTITUTIONS:
        own_number = legal_form == VZW or kind == Kind.PUBLIC_BODY
        organisation = Organisation(
            name=name,
            kind=kind,
            legal_form=legal_form,
            enterprise_number=numbers.enterprise_number() if own_number else None,
            email=f"{slug(name)}@example.org",
        )
        plan = PlannedOrganisation(organisation, address=streets.premises(("centre", "main")))
        if has_director:
            director = residents.pick(youngest=35, oldest=64)
            plan.representatives.append(
                (director, Role.DIRECTOR, residents.since(director, at_most_years=15))
            )
        planned.append(plan)
    return planned


def organisations_write(
    planned: list[PlannedOrganisation], persons: dict[int, Person], *, batch_size: int
) -> None:
    """Save the organisations, their addresses and representatives in bulk."""
    bulk_create_with_history(
        Organisation, [plan.organisation for plan in planned], batch_size=batch_size
    )
    bulk_create_with_history(
        OrganisationAddress,
        [
            OrganisationAddress(
                organisation=plan.organisation, address=plan.address, kind=plan.address_kind
            )
            for plan in planned
            if plan.address is not None
        ],
        batch_size=batch_size,
    )
    bulk_create_with_history(
        Representative,
        [
            Representative(
                organisation=plan.organisation,
                person=persons[person.key],
                role=role,
                start_date=since,
            )
            for plan in planned
            for person, role, since in plan.representatives
        ],
        batch_size=batch_size,
    )
