"""The register's selectors: what they find, and in how many queries."""

import pytest

from townhall.registry.models import Street
from townhall.registry.selectors import person_list_by_name, streets_of_residents
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents():
    for street in ("molenstraat", "Kerkstraat", "Abdijstraat", "Kerkstraat"):
        PersonFactory(family_name="Peeters", domicile=AddressFactory(street_name=street))
    PersonFactory(family_name="Peeters", domicile=None)


def test_streets_of_residents_in_one_query(residents, django_assert_num_queries):
    with django_assert_num_queries(1):
        streets = streets_of_residents()
    # The two Kerkstraat addresses share their street: one choice, by the street's row.
    assert [name for _, name in streets] == ["Abdijstraat", "Kerkstraat", "molenstraat"]
    assert {pk for pk, _ in streets} == set(Street.objects.values_list("pk", flat=True))


def test_persons_by_name_with_their_domicile_in_one_query(residents, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = person_list_by_name(term="peet")
        assert {p.domicile.street_name for p in found if p.domicile} == {
            "molenstraat",
            "Kerkstraat",
            "Abdijstraat",
        }
    assert len(found) == 5


def test_a_national_number_finds_nobody_and_asks_nothing(residents, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert person_list_by_name(term="85.07.30-033.28") == []
