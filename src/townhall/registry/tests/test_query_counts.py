"""Pinned query counts of the administration's lists of the registers (the outbox's
list is counted in ``messaging/tests/test_query_counts.py``).

Each list is opened once before it is counted (the session, content types and
permissions warm up as for a staff member's second page), with more than one row
of what it lists, so a query per row fails here. Every page of the
administration runs the same eleven (``REQUEST``): the session, the user, the
second-factor device and whether the user has a confirmed one (a superuser
needs no permission queries), the active
municipality with its postcodes, departments and opening hours, and the session
saved again (savepoint, update, release).
"""

import pytest
from django.urls import reverse

from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.corrections import correction_request_create
from townhall.registry.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

REQUEST = 11


@pytest.fixture
def registers(db):
    """Three of everything the lists show."""
    municipality_for_tests()
    persons = PersonFactory.create_batch(3, family_name="Peeters", email="p@example.org")
    HouseholdFactory.create_batch(3)
    AddressFactory.create_batch(3)
    OrganisationFactory.create_batch(3)
    for person in persons:
        correction_request_create(
            person=person, item_key="family_name", remark="Written wrong.", reported_by=None
        )
    return persons


def counted(client, url, django_assert_num_queries, expected, query=None):
    client.get(url, query)  # warm the caches, as a second page would
    with django_assert_num_queries(expected):
        response = client.get(url, query)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 3
    return response


def test_person_search(searching_client, registers, django_assert_num_queries):
    url = reverse("admin:registry_person_changelist")
    # The persons found counted (for the pages) and the page of them with their
    # domicile, and the search written to the access log of everyone shown.
    counted(searching_client, url, django_assert_num_queries, REQUEST + 3, {"q": "Peeters"})


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # Each: the rows counted for the pages, and the page of rows (with what
        # list_select_related joins); then what the list's filters read.
        ("registry_household", REQUEST + 2),
        # The postcodes for the filter.
        ("registry_address", REQUEST + 3),
        # A small table: the total is counted too ("3 results (3 total)").
        ("registry_organisation", REQUEST + 3),
        # The departments for the filter; the person of each row joined, not read per row.
        ("registry_correctionrequest", REQUEST + 3),
    ],
)
def test_register_lists(staff_client, registers, django_assert_num_queries, model, expected):
    url = reverse(f"admin:{model}_changelist")
    counted(staff_client, url, django_assert_num_queries, expected)


@pytest.fixture
def searching_client(staff_client):
    """A staff session that said why it searches the register."""
    staff_client.post(
        reverse("admin:registry_person_search_purpose"), {"purpose": "counter", "explanation": ""}
    )
    return staff_client
