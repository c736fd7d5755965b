import datetime

import pytest

from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.eforms.services import form_examples_load
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.provenance import FieldGroup, Source, record_source_set
from townhall.registry.tests.factories import AddressFactory, PersonFactory

ON = datetime.date(2026, 1, 14)


@pytest.fixture
def forms(db):
    municipality_for_tests()
    return {version.form.slug: version for version in form_examples_load()}


@pytest.fixture
def home(db):
    return AddressFactory(street_name="Kerkstraat", house_number="12", postcode="8770")


@pytest.fixture
def resident(client, forms, home):
    """An, signed in, living at Kerkstraat 12 (from the population register)."""
    an = PersonFactory(
        given_names="An", family_name="Claeys", domicile=home, email="an@example.org"
    )
    for group in (FieldGroup.IDENTITY, FieldGroup.DOMICILE):
        record_source_set(person=an, group=group, source=Source.POPULATION_REGISTER, on=ON)
    sign_in_resident(client, resident_account(an))
    return an
