import datetime

import pytest
from django.conf import settings

from townhall.accounts.tests.residents import resident
from townhall.accounts.tests.staff import staff_user
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.models import AccessLogEntry, HouseholdMembership, Representative
from townhall.registry.provenance import FieldGroup, Source, record_source_set
from townhall.registry.services import (
    access_log_record,
    household_add_member,
    household_create,
    organisation_create,
)
from townhall.registry.tests.factories import AddressFactory


@pytest.fixture
def municipality(db):
    """A small active municipality, unlike the demo one, so nothing leans on demo data."""
    return municipality_for_tests()


# --- My data: a family and a neighbour ------------------------------------------

ON = datetime.date(2026, 1, 14)
Relation = HouseholdMembership.Relation


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def family(english, municipality):
    """An (reference person), her partner Pieter and their daughter Lotte at Kerkstraat 12;
    Bart lives elsewhere and chairs an association."""
    home = AddressFactory(street_name="Kerkstraat", house_number="12")
    an, an_user, an_number = resident(
        "An", "Claeys", "800101002", domicile=home, email="an@example.org"
    )
    pieter, _pieter_user, pieter_number = resident("Pieter", "Maes", "790202003", domicile=home)
    lotte, _lotte_user, lotte_number = resident(
        "Lotte", "Maes", "100303004", born_2000_or_later=True, domicile=home
    )
    household = household_create(address=home, reference_person=an, start_date=ON)
    household_add_member(
        household=household, person=pieter, relation=Relation.PARTNER, start_date=ON
    )
    household_add_member(household=household, person=lotte, relation=Relation.CHILD, start_date=ON)
    for group in (FieldGroup.IDENTITY, FieldGroup.DOMICILE, FieldGroup.HOUSEHOLD):
        record_source_set(person=an, group=group, source=Source.POPULATION_REGISTER, on=ON)
    bart, bart_user, bart_number = resident(
        "Bart", "Wouters", "750505005", domicile=AddressFactory(street_name="Molenstraat")
    )
    club = organisation_create(name="Wielerclub De Spurters", kind="association", vcode="V0001060")
    bart_chair = Representative.objects.create(
        organisation=club, person=bart, role=Representative.Role.CHAIR, start_date=ON
    )
    staff = staff_user()  # Katrien Vanhoutte, citizens' affairs (Burgerzaken)
    access_log_record(
        actor=staff, person=an, action=AccessLogEntry.Action.VIEW, purpose="Attest aangevraagd"
    )
    return {
        "an": an,
        "an_user": an_user,
        "an_number": an_number,
        "other_numbers": [pieter_number, lotte_number, bart_number],
        "bart": bart,
        "bart_user": bart_user,
        "bart_chair": bart_chair,
        "staff": staff,
    }
