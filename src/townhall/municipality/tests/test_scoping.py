"""The department scoping rule: own department, everything for a superuser, nothing
without a department; by a foreign key to the department or by its code."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from townhall.municipality.models import Department, OpeningHours
from townhall.municipality.scoping import for_department
from townhall.municipality.tests.factories import municipality_for_tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    """Two departments, each with its own opening hours (OpeningHours.department)."""
    municipality = municipality_for_tests()
    OpeningHours.objects.all().delete()
    made = {}
    for code, name in (("citizens_affairs", "Burgerzaken"), ("ict", "ICT")):
        made[code] = Department.objects.get_or_create(
            municipality=municipality, code=code, defaults={"name": name}
        )[0]
        OpeningHours.objects.create(
            municipality=municipality,
            department=made[code],
            weekday=0,
            opens="09:00",
            closes="12:00",
        )
    return made


def staff(username, department=None, **extra):
    # The rule reads the user model's own fields; no role is needed for it.
    return get_user_model().objects.create(
        username=username, kind="staff", is_staff=True, department=department, **extra
    )


def test_a_staff_member_sees_their_own_departments_objects_only(departments):
    katrien = staff("katrien", departments["citizens_affairs"])
    jens = staff("jens", departments["ict"])
    hours = OpeningHours.objects.all()
    assert [h.department.code for h in for_department(hours, user=katrien)] == ["citizens_affairs"]
    assert [h.department.code for h in for_department(hours, user=jens)] == ["ict"]


def test_a_superuser_sees_all_and_an_account_without_department_sees_none(departments):
    hours = OpeningHours.objects.all()
    assert for_department(hours, user=staff("root", is_superuser=True)).count() == 2
    assert for_department(hours, user=staff("nieuw")).count() == 0
    assert for_department(hours, user=AnonymousUser()).count() == 0


def test_a_code_field_is_compared_with_the_departments_code(departments):
    # Department has a "code" field itself: scoping departments by code is the
    # same rule as a request's department_code.
    katrien = staff("katrien", departments["citizens_affairs"])
    scoped = for_department(Department.objects.all(), user=katrien, field="code")
    assert list(scoped) == [departments["citizens_affairs"]]


def test_a_field_that_does_not_exist_is_a_clear_error(departments):
    katrien = staff("katrien", departments["citizens_affairs"])
    with pytest.raises(ValueError, match="OpeningHours has no field 'dept'"):
        for_department(OpeningHours.objects.all(), user=katrien, field="dept")
