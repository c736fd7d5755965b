"""The admin's big lists: counts estimated or capped, a search's own order, and the
search filters on both databases."""

import pytest
from django.db import connection
from django.urls import reverse

from townhall.registry import search
from townhall.registry.admin import paging
from townhall.registry.admin.paging import EstimatedCountPaginator
from townhall.registry.models import Address, Household, Organisation, Person
from townhall.registry.tests.factories import (
    AddressFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
PURPOSE = {"purpose": "counter", "explanation": ""}


def test_a_filtered_count_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_UP_TO", 3)
    AddressFactory.create_batch(5, street_name="Kerkstraat")
    capped = EstimatedCountPaginator(Address.objects.filter(street_name="Kerkstraat"), 2)
    assert (capped.count, capped.counted_up_to, capped.estimated) == (4, 3, False)
    assert EstimatedCountPaginator(Address.objects.none(), 2).count == 0
    few = EstimatedCountPaginator(Address.objects.filter(pk=Address.objects.first().pk), 2)
    assert (few.count, few.counted_up_to) == (1, None)


def test_a_small_table_is_counted_exactly():
    AddressFactory.create_batch(3)
    counted = EstimatedCountPaginator(Address.objects.all(), 2)
    assert (counted.count, counted.estimated) == (3, False)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_a_big_unfiltered_table_takes_the_planners_estimate(monkeypatch):
    monkeypatch.setattr(paging, "EXACT_BELOW", 10)
    AddressFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_address")
    estimated = EstimatedCountPaginator(Address.objects.all(), 10)
    assert estimated.count == 30  # ANALYZE of a table this small reads every row
    assert estimated.estimated
    filtered = EstimatedCountPaginator(Address.objects.filter(postcode="8770"), 10)
    assert (filtered.count, filtered.estimated) == (30, False)


def test_the_list_says_more_than_the_limit(staff_client, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_UP_TO", 2)
    AddressFactory.create_batch(4, street_name="Kerkstraat")
    html = staff_client.get(
        reverse("admin:registry_address_changelist"), {"q": "Kerkstraat"}
    ).content.decode()
    assert "more than 2 addresses" in html
    assert "more than 2 results" in html


def test_a_person_search_lists_what_it_found_in_name_order(staff_client):
    staff_client.post(reverse("admin:registry_person_search_purpose"), PURPOSE)
    for family in ("vandamme", "Vandamme", "de Vandamme"):
        PersonFactory(family_name=family, given_names="An")
    response = staff_client.get(reverse("admin:registry_person_changelist"), {"q": "vandamme"})
    found = [p.family_name for p in response.context["cl"].result_list]
    assert [name.upper() for name in found] == ["DE VANDAMME", "VANDAMME", "VANDAMME"]


def test_the_filters_match_every_word_in_its_columns():
    kerkstraat = AddressFactory(street_name="Kerkstraat", postcode="8770")
    molenstraat = AddressFactory(street_name="Molenstraat", postcode="8760")
    an = PersonFactory(given_names="An", family_name="Vandamme", domicile=kerkstraat)
    PersonFactory(given_names="Bart", family_name="Peeters", domicile=molenstraat)
    household = HouseholdFactory(address=kerkstraat, register_number="H-0042")
    bakery = OrganisationFactory(name="Bakkerij Peeters", alternative_name="De Krakeling")

    def persons(term):
        return set(Person.objects.filter(search.person_filter(term)))

    assert persons("kerk vandamme") == {an}
    assert persons("Molenstraat Vandamme") == set()
    assert set(Household.objects.filter(search.household_filter("H-0042"))) == {household}
    assert set(Household.objects.filter(search.household_filter("kerkstraat"))) == {household}
    assert set(Address.objects.filter(search.address_filter("8770"))) == {kerkstraat}
    assert set(Organisation.objects.filter(search.organisation_filter("krakeling"))) == {bakery}
    number = bakery.enterprise_number
    written = f"BE {number[:4]}.{number[4:7]}.{number[7:]}"
    assert set(Organisation.objects.filter(search.organisation_filter(written))) == {bakery}
    assert search.person_filter("   ") is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_answers_a_name_search_from_the_trigram_indexes():
    PersonFactory.create_batch(3, family_name="Vandamme")
    query = Person.objects.filter(search.person_filter("Vandamme")).order_by().values("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: show the index is usable
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_family_name_trgm" in plan
    assert "person_given_names_trgm" in plan
    assert "= ANY ($" in plan or "= ANY (" in plan
