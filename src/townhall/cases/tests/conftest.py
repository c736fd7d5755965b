import pytest

from townhall.accounts.tests.staff import resident_account, sign_in_resident
from townhall.catalog.lpdc.importer import lpdc_import
from townhall.catalog.models import Product
from townhall.catalog.tests.conftest import DEMO_CATALOGUE
from townhall.eforms.services import form_examples_load
from townhall.municipality.models import Department
from townhall.municipality.tests.factories import municipality_for_tests
from townhall.registry.tests.factories import AddressFactory, PersonFactory


@pytest.fixture
def departments(db):
    municipality = municipality_for_tests()
    for code, name in (
        ("finance", "Financiën"),
        ("environment", "Omgeving"),
        ("leisure_library", "Vrije tijd"),
    ):
        Department.objects.get_or_create(
            municipality=municipality, code=code, defaults={"name": name}
        )
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def parking_product(departments):
    """The demo catalogue (as the demo imports it); the parking card is finance's."""
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    return Product.objects.get(slug="bewonersparkeerkaart")


@pytest.fixture
def forms(parking_product):
    return {version.form.slug: version for version in form_examples_load()}


@pytest.fixture
def resident(client, forms):
    home = AddressFactory(street_name="Kerkstraat", house_number="12", postcode="9999")
    an = PersonFactory(
        given_names="An", family_name="Claeys", domicile=home, email="an@example.org"
    )
    sign_in_resident(client, resident_account(an))
    return an


@pytest.fixture
def handed_in(client, resident, django_capture_on_commit_callbacks):
    """A's parking card request, handed in at the counter: its case."""
    from townhall.cases.models import Case
    from townhall.eforms.tests.test_step_view import PARKING

    client.post(PARKING.format(1), {})
    client.post(PARKING.format(2), {"number_plate": "1-ABC-234", "is_owner": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PARKING.format(3))
    return Case.objects.get(applicant_person=resident)


def staff_of(code: str, username: str):
    from townhall.accounts.roles import staff_role_assign
    from townhall.accounts.tests.staff import staff_user

    user = staff_user(username, department_code=code)
    staff_role_assign(user=user)
    return user
