"""A small register with one person for each persona, made through the registry services."""

import datetime
from dataclasses import dataclass

from townhall.registry.models import Person, Representative
from townhall.registry.services import (
    address_get_or_create,
    household_add_member,
    household_create,
    organisation_create,
    person_create,
)


def national_number(birth: datetime.date, sequence: int) -> str:
    """A valid national register number for ``birth`` (odd sequence: male, even: female)."""
    nine = f"{birth:%y%m%d}{sequence:03d}"
    base = int(("2" if birth.year >= 2000 else "") + nine)
    return f"{nine}{97 - base % 97:02d}"


@dataclass
class PersonaPeople:
    resident: Person
    resident_partner: Person
    senior: Person
    visitor: Person
    chair: Person
    manager: Person
    numbers: dict  # persona slug -> the number in clear (compact)

    def persona(self, slug: str) -> Person:
        return getattr(self, slug)


def _person(given, family, birth, sequence, **extra) -> tuple[Person, str]:
    number = national_number(birth, sequence)
    return person_create(given_names=given, family_name=family, national_number=number, **extra), (
        number
    )


def persona_people(*, with_visitor: bool = True) -> PersonaPeople:
    """An, 40-ish, with e-mail, lives with Tom; Godelieve, 85+, no e-mail or mobile; a
    visitor without a Belgian number; Jan, chair of an association; Els, manager of a
    business."""
    address = address_get_or_create(
        street_name="Kerkstraat",
        house_number="12",
        postcode="8770",
        municipality_name="Ingelmunster",
    )
    resident, resident_number = _person(
        "An",
        "Peeters",
        datetime.date(1985, 3, 12),
        124,
        email="an.peeters@example.org",
        domicile=address,
        mobile="+32470123456",
    )
    partner, _ = _person("Tom", "Peeters", datetime.date(1983, 7, 1), 133, domicile=address)
    household = household_create(
        address=address, reference_person=resident, start_date=datetime.date(2015, 1, 1)
    )
    household_add_member(
        household=household,
        person=partner,
        relation="partner",
        start_date=datetime.date(2015, 1, 1),
    )
    today = datetime.date.today()
    senior, senior_number = _person(
        "Godelieve", "Claes", datetime.date(today.year - 86, 2, 11), 62, language="nl"
    )
    visitor = (
        person_create(
            given_names="Sophie",
            family_name="Martin",
            nationality="FR",
            language="fr",
            email="sophie.martin@example.fr",
        )
        if with_visitor
        else None
    )
    chair, chair_number = _person(
        "Jan", "Janssens", datetime.date(1970, 5, 5), 51, email="jan@planken.example.org"
    )
    club = organisation_create(name="Toneelkring De Planken", kind="association", vcode="V0001060")
    Representative.objects.create(
        organisation=club, person=chair, role="chair", start_date=datetime.date(2019, 9, 1)
    )
    manager, manager_number = _person(
        "Els", "Maes", datetime.date(1978, 9, 30), 82, email="els@bakkerijmaes.example.org"
    )
    bakery = organisation_create(
        name="Bakkerij Maes", kind="business", enterprise_number="0403019261"
    )
    Representative.objects.create(
        organisation=bakery, person=manager, role="manager", start_date=datetime.date(2010, 4, 1)
    )
    return PersonaPeople(
        resident=resident,
        resident_partner=partner,
        senior=senior,
        visitor=visitor,
        chair=chair,
        manager=manager,
        numbers={
            "resident": resident_number,
            "senior": senior_number,
            "chair": chair_number,
            "manager": manager_number,
        },
    )
