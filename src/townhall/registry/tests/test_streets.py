"""Streets as register objects: a rename keeps the row, and the addresses' copies follow."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from townhall.registry.models import Address, Street
from townhall.registry.services import address_get_or_create
from townhall.registry.streets import street_rename
from townhall.registry.tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db


def diverging() -> list[str]:
    """Addresses whose copy of the street's name is not their street's name."""
    return [
        str(address)
        for address in Address.objects.exclude(street_name=F("street__name")).select_related(
            "street"
        )
    ] + [str(address) for address in Address.objects.filter(street__isnull=True)]


def test_every_address_gets_its_street_by_name_and_postcode():
    first = AddressFactory(street_name="Kerkstraat", house_number="1")
    second = address_get_or_create(
        street_name=" kerkstraat ", house_number="3", postcode="8770", municipality_name="X"
    )
    elsewhere = AddressFactory(street_name="Kerkstraat", postcode="8780")

    assert first.street == second.street  # the same street, whatever the spelling's case
    assert elsewhere.street != first.street  # another postcode, another street
    assert first.street.best_id is None
    assert first.street.uri == ""
    assert diverging() == []


def test_a_renamed_street_keeps_its_row_and_its_addresses_follow_in_one_go():
    street = AddressFactory(street_name="Stationsstraat", house_number="2").street
    AddressFactory(street=street, street_name="Stationsstraat", house_number="4", box_number="1")
    resident = PersonFactory(domicile=AddressFactory(street_name="Stationsstraat"))

    renamed = street_rename(
        street=street, name="Koning  Albertstraat", name_nl="Koning Albertstraat"
    )

    assert renamed.pk == street.pk
    assert renamed.name == "Koning Albertstraat"
    assert renamed.names() == {"nl": "Koning Albertstraat"}
    assert set(street.addresses.values_list("street_name", flat=True)) == {"Koning Albertstraat"}
    # The keys follow, so the renamed address is found again under its new name.
    found = address_get_or_create(
        street_name="Koning Albertstraat",
        house_number="4",
        box_number="1",
        postcode="8770",
        municipality_name="Ingelmunster",
    )
    assert found.street_id == street.pk
    resident.refresh_from_db()
    assert str(resident.domicile).startswith("Koning Albertstraat ")
    assert diverging() == []


def test_a_rename_onto_an_address_of_another_street_is_refused_and_changes_nothing():
    street = AddressFactory(street_name="Stationsstraat", house_number="2").street
    AddressFactory(street_name="Kerkstraat", house_number="2")

    with pytest.raises(ValidationError) as error:
        street_rename(street=street, name="Kerkstraat")

    assert "Kerkstraat 2, 8770 Ingelmunster already exists on another street" in str(error.value)
    street.refresh_from_db()
    assert street.name == "Stationsstraat"
    assert street.addresses.get().street_name == "Stationsstraat"
    assert diverging() == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_street_needs_a_name_of_a_sensible_length(name):
    street = AddressFactory(street_name="Stationsstraat").street
    with pytest.raises(ValidationError):
        street_rename(street=street, name=name)
    street.refresh_from_db()
    assert street.name == "Stationsstraat"


def test_the_register_uri_is_the_address_registers():
    street = Street(name="Bruggestraat", postcode="8770", best_id=101)
    assert street.uri == "https://data.vlaanderen.be/id/straatnaam/101"


def test_a_rename_is_a_version_of_the_street_and_of_each_of_its_addresses():
    from townhall.registry.history import history_context
    from townhall.registry.selectors import register_as_of

    one = AddressFactory(street_name="Stationsstraat", house_number="1", postcode="8770")
    two = AddressFactory(street_name="Stationsstraat", house_number="2", postcode="8770")
    street = one.street
    before = Address.history.filter(id=one.pk).latest().history_date
    with history_context(reason="street renamed by the council"):
        street_rename(street=street, name="Koning Albertstraat")
    for address in (one, two):
        latest = Address.history.filter(id=address.pk).latest()
        assert (latest.history_type, latest.street_name) == ("~", "Koning Albertstraat")
        assert latest.history_change_reason == "street renamed by the council"
    assert Street.history.filter(id=street.pk).latest().name == "Koning Albertstraat"
    assert register_as_of(one, before).street_name == "Stationsstraat"


def test_the_kept_whys_of_the_history_read_in_the_readers_language():
    from django.utils import translation

    from townhall.registry.history import DEMO_SEED, history_reason_text

    with translation.override("nl"):
        assert history_reason_text(DEMO_SEED) == "demoseed"
        assert (
            history_reason_text("import run 12: population register file persons.csv")
            == "importrun 12: bevolkingsregister bestand persons.csv"
        )
        assert history_reason_text("correction case ING-2026-000004") == (
            "verbeteringszaak ING-2026-000004"
        )
        assert history_reason_text("a reason typed by hand") == "a reason typed by hand"
    assert history_reason_text("") == ""
