"""The admin's markup, as the project corrects it: names for inline inputs, underlined
breadcrumbs (the full axe-core run is in ``test_staff_pages_browser``)."""

import datetime

import pytest

from townhall.accounts.tests.staff import sign_in_verified, staff_user
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.models import HouseholdMembership
from townhall.registry.services import household_add_member, household_create
from townhall.registry.tests.factories import AddressFactory, PersonFactory
from townhall.registry.tests.test_admin import give_record_purpose

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(client):
    municipality_for_tests()
    sign_in_verified(client, staff_user("root", is_superuser=True, department_code=None))
    home = AddressFactory()
    on = datetime.date(2026, 1, 1)
    household = household_create(address=home, reference_person=PersonFactory(), start_date=on)
    partner = HouseholdMembership.Relation.PARTNER
    household_add_member(
        household=household, person=PersonFactory(), relation=partner, start_date=on
    )
    return household


def test_each_inline_input_of_a_household_has_a_label(client, household):
    give_record_purpose(client, household)  # a household page shows persons: it asks why
    page = client.get(f"/admin/registry/household/{household.pk}/change/").content.decode()
    for row in (0, 1):
        for field, label in (
            ("person", "Person"),
            ("relation", "Relation to the reference person"),
            ("start_date", "Since"),
            ("end_date", "Until"),
        ):
            assert (
                f'<label class="visually-hidden" for="id_memberships-{row}-{field}">{label}</label>'
            ) in page
        assert f'for="id_memberships-{row}-DELETE">Delete?</label>' in page


def test_admin_pages_load_the_corrections_to_the_admin_styles(client, household):
    page = client.get("/admin/registry/household/").content.decode()
    assert "townhall/css/admin.css" in page
    assert "townhall/js/admin-accessibility.js" in page
