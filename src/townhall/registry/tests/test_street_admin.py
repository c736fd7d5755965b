"""The streets' admin pages: list, a street with its addresses, and a rename that
takes the addresses along (or is refused on the form)."""

import pytest

from townhall.registry.models import Address, Street
from townhall.registry.tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    street = AddressFactory(street_name="Stationsstraat", house_number="10").street
    AddressFactory(street_name="Stationsstraat", house_number="12")
    return street


def form(street, **changes):
    return {
        "name": street.name,
        "name_nl": street.name_nl,
        "name_fr": "",
        "name_de": "",
        "postcode": street.postcode,
        "nis_code": street.nis_code,
        "section": "",
        "status": street.status,
        "valid_from": "",
        "valid_to": "",
        "addresses-TOTAL_FORMS": "2",
        "addresses-INITIAL_FORMS": "2",
        "addresses-MIN_NUM_FORMS": "0",
        "addresses-MAX_NUM_FORMS": "0",
        **{
            f"addresses-{n}-id": str(pk)
            for n, pk in enumerate(
                street.addresses.order_by("house_number").values_list("pk", flat=True)
            )
        },
        **{f"addresses-{n}-street": str(street.pk) for n in range(2)},
        **changes,
    }


def test_the_list_and_a_street_with_its_addresses(staff_client, station):
    listing = staff_client.get("/admin/registry/street/")
    assert listing.status_code == 200
    assert "Stationsstraat" in listing.content.decode()

    page = staff_client.get(f"/admin/registry/street/{station.pk}/change/")
    assert page.status_code == 200
    assert "Stationsstraat 12, 8770 Ingelmunster" in page.content.decode()


def test_a_rename_on_the_street_page_renames_its_addresses(staff_client, station):
    response = staff_client.post(
        f"/admin/registry/street/{station.pk}/change/",
        form(station, name="Koning Albertstraat", name_nl="Koning Albertstraat"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Street.objects.get(pk=station.pk).name == "Koning Albertstraat"
    assert set(station.addresses.values_list("street_name", flat=True)) == {"Koning Albertstraat"}


def test_a_rename_onto_another_streets_address_is_refused_on_the_form(staff_client, station):
    AddressFactory(street_name="Kerkstraat", house_number="10")

    response = staff_client.post(
        f"/admin/registry/street/{station.pk}/change/", form(station, name="Kerkstraat")
    )

    assert response.status_code == 200
    assert "already exists on another street" in response.content.decode()
    assert set(Address.objects.filter(street=station).values_list("street_name", flat=True)) == {
        "Stationsstraat"
    }
