"""Pinned query counts of the administration's lists of the registers (the outbox's
list is counted in ``messaging/tests/test_query_counts.py``).

Each list is opened once before it is counted (the session, content types and
permissions warm up as for a staff member's second page), with more than one row
of what it lists, so a query per row fails here. Every page of the
administration runs the same three (``REQUEST``): the session, the user and the
second-factor device (which also shows the app is still set up; a superuser
needs no permission queries). The municipality's profile comes from the cache,
and the session is saved only when it changed or is a minute old.

No list counts its whole table ("N results (M total)"): the big ones count the
rows of the page's filter only, and PostgreSQL estimates an unfiltered count
from its statistics (``registry.admin.paging``).
"""

import pytest
from django.db import connection
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

REQUEST = 3


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
    # The persons found counted (for the pages), the page of them, their domiciles
    # (read for the page's rows, not joined to every row found: admin.paging), and
    # the search written to the access log of everyone shown.
    counted(searching_client, url, django_assert_num_queries, REQUEST + 4, {"q": "Peeters"})


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # Each: the rows counted for the pages, and the page of rows (with what
        # list_select_related joins); then what the list's filters read.
        ("registry_household", REQUEST + 2),
        # The filter's postcodes are the municipality's, from its (cached) profile.
        ("registry_address", REQUEST + 2),
        ("registry_organisation", REQUEST + 2),
        # The departments for the filter; the person of each row joined, not read per row.
        ("registry_correctionrequest", REQUEST + 3),
    ],
)
def test_register_lists(staff_client, registers, django_assert_num_queries, model, expected):
    url = reverse(f"admin:{model}_changelist")
    # The correction requests stay few: their list counts them exactly, as Django does.
    estimated = model != "registry_correctionrequest"
    counted(staff_client, url, django_assert_num_queries, expected + estimated * estimate_read())


def estimate_read() -> int:
    """PostgreSQL's lists first read the table's estimated size from its statistics
    (pg_class), and count exactly only a small table; SQLite has no estimate."""
    return 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def searching_client(staff_client):
    """A staff session that said why it searches the register."""
    staff_client.post(
        reverse("admin:registry_person_search_purpose"), {"purpose": "counter", "explanation": ""}
    )
    return staff_client


@pytest.mark.parametrize(
    ("model", "term"),
    [
        ("registry_household", "Kerkstraat"),
        ("registry_address", "Kerkstraat"),
        ("registry_organisation", "Bakkerij"),
    ],
)
def test_register_searches(searching_client, registers, django_assert_num_queries, model, term):
    kerkstraat = AddressFactory.create_batch(3, street_name="Kerkstraat")
    for address in kerkstraat:
        HouseholdFactory(address=address)
    OrganisationFactory.create_batch(3, name="Bakkerij Vandamme")
    url = reverse(f"admin:{model}_changelist")
    # The rows found counted (for the pages) and the page of them.
    counted(searching_client, url, django_assert_num_queries, REQUEST + 2, {"q": term})


def test_organisation_by_enterprise_number(staff_client, registers, django_assert_num_queries):
    organisation = OrganisationFactory()
    number = organisation.enterprise_number
    written = f"{number[:4]}.{number[4:7]}.{number[7:]}"
    url = reverse("admin:registry_organisation_changelist")
    staff_client.get(url, {"q": written})
    # The one organisation with that number, whole: counted and read.
    with django_assert_num_queries(REQUEST + 2):
        response = staff_client.get(url, {"q": written})
    assert list(response.context["cl"].result_list) == [organisation]


def test_person_by_national_number(searching_client, django_assert_num_queries):
    from townhall.registry.services import person_create
    from townhall.registry.tests.factories import person_number

    municipality_for_tests()
    number = person_number(1985, 7, 30, 123)
    person = person_create(given_names="Marie", family_name="Peeters", national_number=number)
    search = reverse("admin:registry_person_search")
    searching_client.post(search, {"q": number})
    # The person by the keyed hash, the look-up written to the access log, and the
    # session saved (savepoint, update, release): the record's purpose is remembered
    # for the page it opens.
    with django_assert_num_queries(REQUEST + 5):
        response = searching_client.post(search, {"q": f"{number[:6]}-{number[6:9]}.{number[9:]}"})
    assert response["Location"] == reverse("admin:registry_person_change", args=[person.pk])


def test_person_record(searching_client, registers, django_assert_num_queries):
    person = registers[0]
    url = reverse("admin:registry_person_change", args=[person.pk])
    searching_client.post(
        reverse("admin:registry_person_purpose", args=[person.pk]),
        {"purpose": "counter", "explanation": ""},
    )
    searching_client.get(url)
    # The person for the purpose gate and the look written to the access log; then
    # in the change form's transaction (a savepoint here, its release) the person
    # for the form, and the domicile its autocomplete shows; the person's household,
    # for the link to it among the person's pages.
    with django_assert_num_queries(REQUEST + 7):
        response = searching_client.get(url)
    assert response.status_code == 200
