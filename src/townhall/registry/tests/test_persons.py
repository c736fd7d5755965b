"""Registering persons: what the number tells, what is refused, and that refusals save nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from townhall.registry import protection, services
from townhall.registry.models import Person
from townhall.registry.tests.factories import BIS_SEX_UNKNOWN, PersonFactory, person_number

pytestmark = pytest.mark.django_db


def rejected(**fields) -> dict[str, list[str]]:
    """Call person_create, expect a refusal, and check that nothing was saved."""
    before = Person.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.person_create(**{"given_names": "Jan", "family_name": "Peeters", **fields})
    assert Person.objects.count() == before
    return caught.value.message_dict


def test_birth_date_and_sex_come_from_the_number():
    person = services.person_create(
        given_names="Jan", family_name="Peeters", national_number="85.07.30-033.28"
    )
    person.refresh_from_db()
    assert person.birth_date == datetime.date(1985, 7, 30)
    assert person.birth_date_precision == Person.DatePrecision.DAY
    assert person.sex == Person.Sex.MALE
    assert person.number_kind == Person.NumberKind.NATIONAL_REGISTER
    assert person.state == Person.State.RESIDENT
    assert person.national_number_masked == protection.national_number_mask(
        protection.national_number_hash("85073003328")
    )


def test_names_are_tidied():
    person = services.person_create(given_names="  Jan   Maria ", family_name=" Peeters ")
    assert person.full_name == "Jan Maria Peeters"


def test_a_birth_date_that_matches_the_number_is_kept():
    person = services.person_create(
        given_names="Jan",
        family_name="Peeters",
        national_number="85073003328",
        birth_date=datetime.date(1985, 7, 30),
        sex=Person.Sex.MALE,
    )
    assert person.birth_date == datetime.date(1985, 7, 30)


def test_a_birth_date_that_contradicts_the_number_is_refused():
    errors = rejected(national_number="85073003328", birth_date=datetime.date(1985, 7, 31))
    assert errors == {"birth_date": ["The birth date does not match the national register number."]}


def test_a_2017_birth_date_with_the_1917_check_digits_is_refused():
    errors = rejected(national_number="17073003355", birth_date=datetime.date(2017, 7, 30))
    assert list(errors) == ["birth_date"]


def test_a_sex_that_contradicts_the_number_is_refused():
    errors = rejected(national_number="85073003328", sex=Person.Sex.FEMALE)
    assert list(errors) == ["sex"]
    assert "national register number" in errors["sex"][0]


def test_a_bis_number_without_sex_keeps_the_given_sex():
    number = person_number(1990, 4, 5, 12, month_offset=BIS_SEX_UNKNOWN)
    person = services.person_create(
        given_names="Ana", family_name="Silva", national_number=number, sex=Person.Sex.FEMALE
    )
    assert person.number_kind == Person.NumberKind.BIS
    assert person.sex == Person.Sex.FEMALE
    assert person.birth_date == datetime.date(1990, 4, 5)


def test_unknown_day_is_recorded_as_month_precision():
    person = services.person_create(
        given_names="Ali", family_name="Yilmaz", national_number=person_number(1960, 5, 0, 11)
    )
    person.refresh_from_db()
    assert person.birth_date_precision == Person.DatePrecision.MONTH
    assert (person.birth_date.year, person.birth_date.month) == (1960, 5)


def test_unknown_month_is_recorded_as_year_precision():
    person = services.person_create(
        given_names="Ali", family_name="Yilmaz", national_number=person_number(1960, 0, 0, 11)
    )
    person.refresh_from_db()
    assert person.birth_date_precision == Person.DatePrecision.YEAR
    assert person.birth_date.year == 1960


def test_an_impossible_date_in_the_number_is_refused():
    errors = rejected(national_number=person_number(1985, 2, 31, 33))
    assert list(errors) == ["national_number"]
    assert "does not exist" in errors["national_number"][0]


def test_a_duplicate_national_number_is_refused():
    PersonFactory(
        national_number="85073003328", birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE
    )
    errors = rejected(national_number="85.07.30-033.28")
    assert errors == {
        "national_number": ["A person with this national register number already exists."]
    }


def test_a_duplicate_registered_meanwhile_is_reported_as_a_duplicate(monkeypatch):
    PersonFactory(
        national_number="85073003328", birth_date=datetime.date(1985, 7, 30), sex=Person.Sex.MALE
    )
    check = services.person_check_number_unique
    calls = []

    def too_early(person):
        # The first check runs before the other registration was saved.
        calls.append(person)
        if len(calls) > 1:
            check(person)

    monkeypatch.setattr(services, "person_check_number_unique", too_early)
    errors = rejected(national_number="85073003328")
    assert "already exists" in errors["national_number"][0]
    assert len(calls) == 2


def test_a_birth_date_in_the_future_is_refused():
    errors = rejected(birth_date=datetime.date.today() + datetime.timedelta(days=1))
    assert list(errors) == ["birth_date"]


def test_a_visitor_has_no_number_and_is_not_a_resident():
    person = services.person_create(given_names="John", family_name="Smith", nationality="gb")
    assert person.number_kind == Person.NumberKind.NONE
    assert person.state == Person.State.NOT_RESIDENT
    assert person.national_number_hash is None
    assert person.national_number_masked == ""
    assert person.nationality == "GB"


def test_two_visitors_without_number_can_coexist():
    services.person_create(given_names="John", family_name="Smith")
    services.person_create(given_names="Jane", family_name="Smith")
    assert Person.objects.filter(number_kind=Person.NumberKind.NONE).count() == 2


@pytest.mark.parametrize(
    "mobile", ["0470 12 34 56", "0470/12.34.56", "+32 470 12 34 56", "0032470123456"]
)
def test_mobile_numbers_are_stored_in_e164(mobile):
    person = services.person_create(given_names="Jan", family_name="Peeters", mobile=mobile)
    assert person.mobile == "+32470123456"


@pytest.mark.parametrize("mobile", ["12345", "0470 12 34", "not a number"])
def test_an_invalid_mobile_number_is_refused(mobile):
    errors = rejected(national_number="85073003328", mobile=mobile)
    assert errors == {"mobile": ["This is not a valid telephone number."]}


def test_an_invalid_e_mail_is_refused():
    assert list(rejected(email="jan@")) == ["email"]


def test_an_invalid_number_saves_nothing():
    errors = rejected(national_number="85073003329")
    assert list(errors) == ["national_number"]


def test_the_factory_makes_valid_distinct_numbers():
    people = PersonFactory.create_batch(20)
    hashes = {person.national_number_hash for person in people}
    assert len(hashes) == 20
    for person in people:
        assert services.person_find_by_national_number(person.reveal_national_number()) == person


def test_a_visitor_from_the_factory():
    person = PersonFactory(visitor=True)
    assert person.number_kind == Person.NumberKind.NONE
    assert person.state == Person.State.NOT_RESIDENT
