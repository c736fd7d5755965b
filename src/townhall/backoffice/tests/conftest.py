"""Staff of two departments with the second factor, and a street of residents to write to."""

import pytest

from townhall.accounts.roles import staff_role_assign
from townhall.accounts.tests.staff import department, sign_in_verified, staff_user
from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import AddressFactory, PersonFactory


@pytest.fixture
def municipality(db):
    return municipality_for_tests()


@pytest.fixture
def templates(municipality):
    return {t.code: t for t in templates_load()}


def staff_of(code: str, name: str, username: str):
    department(code, name)
    user = staff_user(username, department_code=code)
    staff_role_assign(user=user)
    return user


@pytest.fixture
def communication(client, municipality):
    """Sofie of the communication department, signed in with her second factor."""
    user = staff_of("communication", "Communicatie", "sofie")
    sign_in_verified(client, user)
    return user


@pytest.fixture
def citizens_affairs(client, municipality):
    """Katrien of citizens' affairs (Burgerzaken), signed in with her second factor."""
    user = staff_of("citizens_affairs", "Burgerzaken", "katrien")
    sign_in_verified(client, user)
    return user


@pytest.fixture
def kerkstraat(municipality):
    """Five residents of the Kerkstraat: two by e-mail (one French-speaking), one by
    SMS, two by letter (one of them 12 years old); one resident elsewhere."""

    def living_at(number, **fields):
        return PersonFactory(
            domicile=AddressFactory(street_name="Kerkstraat", house_number=str(number)), **fields
        )

    return {
        "an": living_at(1, given_names="An", family_name="Claeys", email="an@example.org"),
        "chloe": living_at(
            2, given_names="Chloé", family_name="Dubois", email="chloe@example.org", language="fr"
        ),
        "bart": living_at(3, given_names="Bart", family_name="Wouters", mobile="+32470123456"),
        # An adult whatever the factory's birth-date sequence has reached in this run.
        "jef": living_at(4, given_names="Jef", family_name="Maes", birth_date=_years_ago(40)),
        "lotte": living_at(5, given_names="Lotte", family_name="Maes", birth_date=_years_ago(12)),
        "elsewhere": PersonFactory(
            domicile=AddressFactory(street_name="Molenstraat"), email="els@example.org"
        ),
    }


def _years_ago(years: int):
    import datetime

    today = datetime.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))
