"""Organisations: enterprise number, vCode, or both; never require the number of an association."""

import pytest
from django.core.exceptions import ValidationError

from townhall.registry import services
from townhall.registry.models import Address, Organisation
from townhall.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def rejected(**fields) -> dict[str, list[str]]:
    before = Organisation.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(**{"name": "Bakkerij Vermeulen", **fields})
    assert Organisation.objects.count() == before
    return caught.value.message_dict


@pytest.mark.parametrize("written", ["0403019261", "0403.019.261", "BE 0403.019.261", "403019261"])
def test_the_enterprise_number_is_stored_in_ten_digits(written):
    organisation = services.organisation_create(
        name="Bakkerij Vermeulen", kind=Organisation.Kind.BUSINESS, enterprise_number=written
    )
    organisation.refresh_from_db()
    assert organisation.enterprise_number == "0403019261"
    assert organisation.enterprise_number_display == "0403.019.261"


def test_an_association_with_only_a_vcode():
    organisation = services.organisation_create(
        name="Chiro Ingelmunster", kind=Organisation.Kind.ASSOCIATION, vcode="v0001060"
    )
    assert (organisation.enterprise_number, organisation.vcode) == (None, "V0001060")


def test_an_association_with_neither_number_is_allowed():
    organisation = services.organisation_create(
        name="Buurtcomité", kind=Organisation.Kind.ASSOCIATION, enterprise_number=""
    )
    assert organisation.enterprise_number is None


def test_a_business_needs_its_enterprise_number():
    errors = rejected(kind=Organisation.Kind.BUSINESS)
    assert errors == {"enterprise_number": ["A business needs its enterprise number (KBO)."]}


def test_a_wrong_enterprise_number_and_vcode_are_both_reported():
    errors = rejected(
        kind=Organisation.Kind.ASSOCIATION, enterprise_number="0403019262", vcode="V12"
    )
    assert set(errors) == {"enterprise_number", "vcode"}


def test_a_duplicate_enterprise_number_is_refused():
    OrganisationFactory(enterprise_number="0403019261")
    errors = rejected(kind=Organisation.Kind.BUSINESS, enterprise_number="0403.019.261")
    assert list(errors) == ["enterprise_number"]
    assert "already exists" in errors["enterprise_number"][0]


def test_the_phone_is_stored_in_e164_and_checked():
    organisation = services.organisation_create(
        name="Chiro", kind=Organisation.Kind.ASSOCIATION, phone="051 30 12 34"
    )
    assert organisation.phone == "+3251301234"
    assert list(rejected(kind=Organisation.Kind.ASSOCIATION, phone="123")) == ["phone"]


def test_an_address_is_one_row_however_it_is_written():
    first = services.address_get_or_create(
        street_name="Stationsstraat",
        house_number="12a",
        box_number="bus 3",
        postcode="8770",
        municipality_name="Ingelmunster",
    )
    second = services.address_get_or_create(
        street_name=" stationsstraat ",
        house_number="12 A",
        box_number="3",
        postcode="8770",
        municipality_name="Ingelmunster",
    )
    assert first == second
    assert str(first) == "Stationsstraat 12A box 3, 8770 Ingelmunster"
    assert Address.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"postcode": "877"}, "postcode"),
        ({"postcode": "0770"}, "postcode"),
        ({"house_number": "A1"}, "house_number"),
    ],
)
def test_an_address_is_checked(fields, field):
    with pytest.raises(ValidationError) as caught:
        services.address_get_or_create(
            **{
                "street_name": "Stationsstraat",
                "house_number": "1",
                "postcode": "8770",
                "municipality_name": "Ingelmunster",
                **fields,
            }
        )
    assert field in caught.value.message_dict
    assert Address.objects.count() == 0
