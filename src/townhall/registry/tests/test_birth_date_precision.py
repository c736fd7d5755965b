"""A birth date is stored as precisely as the national number gives it (issue 17, defect 9).

A day or month written 00 in the number is unknown: the date is the first day of
the known month or year with precision "month" or "year", whichever way the
number arrives (admin form, service, importer), and a day the number leaves
unknown is never stored as if the register knew it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from townhall.registry import services
from townhall.registry.models import Person
from townhall.registry.tests.factories import PersonFactory, person_number
from townhall.registry.tests.test_admin import change_url, give_purpose, person_form

pytestmark = pytest.mark.django_db

Precision = Person.DatePrecision
DAY_UNKNOWN = person_number(1960, 7, 0, 11)
MONTH_AND_DAY_UNKNOWN = person_number(1960, 0, 0, 11)


@pytest.mark.parametrize(
    ("number", "typed", "stored", "precision"),
    [
        # The form's precision field says "day" by default; the number decides.
        (DAY_UNKNOWN, "1960-07-01", datetime.date(1960, 7, 1), Precision.MONTH),
        (MONTH_AND_DAY_UNKNOWN, "1960-01-01", datetime.date(1960, 1, 1), Precision.YEAR),
        (DAY_UNKNOWN, "", datetime.date(1960, 7, 1), Precision.MONTH),
        (MONTH_AND_DAY_UNKNOWN, "", datetime.date(1960, 1, 1), Precision.YEAR),
    ],
)
def test_the_admin_form_stores_the_precision_the_number_gives(
    staff_client, number, typed, stored, precision
):
    response = staff_client.post(
        reverse("admin:registry_person_add"),
        person_form(national_number=number, birth_date=typed, birth_date_precision="day"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get()
    assert (person.birth_date, person.birth_date_precision) == (stored, precision)


def test_a_record_given_a_number_with_day_00_loses_its_invented_day(staff_client):
    # Registered without a number on 1 July "to the day"; then the number arrives.
    person = PersonFactory(national_number=None, birth_date=datetime.date(1960, 7, 1))
    assert person.birth_date_precision == Precision.DAY
    give_purpose(staff_client, person)
    response = staff_client.post(
        change_url(person),
        person_form(national_number=DAY_UNKNOWN, birth_date="1960-07-01"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert (person.birth_date, person.birth_date_precision) == (
        datetime.date(1960, 7, 1),
        Precision.MONTH,
    )


def test_a_day_the_number_leaves_unknown_is_refused_with_a_reason(staff_client):
    response = staff_client.post(
        reverse("admin:registry_person_add"),
        person_form(national_number=DAY_UNKNOWN, birth_date="1960-07-15"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "leaves the day of birth unknown" in " ".join(errors["birth_date"])
    assert Person.objects.count() == 0


def test_the_service_refuses_an_invented_month_and_keeps_the_person_untouched():
    person = Person(given_names="Jan", family_name="Peeters", birth_date=datetime.date(1960, 3, 1))
    with pytest.raises(ValidationError) as caught:
        services.person_apply_national_number(person, MONTH_AND_DAY_UNKNOWN)
    assert "month and day of birth unknown" in caught.value.message_dict["birth_date"][0]
    assert person.birth_date == datetime.date(1960, 3, 1)
    assert person.national_number_hash is None


def test_a_full_number_gives_precision_day_whatever_the_form_said():
    person = services.person_create(
        given_names="Jan",
        family_name="Peeters",
        national_number="85073003328",
        birth_date=datetime.date(1985, 7, 30),
    )
    assert person.birth_date_precision == Precision.DAY
