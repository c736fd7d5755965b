import pytest

from townhall.demo.catalogue import demo_catalogue_create
from townhall.demo.municipality import municipality_create
from townhall.registry.tests.factories import enterprise_number


@pytest.fixture
def municipality(db):
    active, _departments = municipality_create(enterprise_number=enterprise_number(2074361))
    return active


@pytest.fixture
def catalogue(municipality):
    """The demo catalogue, imported and published from its LPDC JSON-LD."""
    demo_catalogue_create()
    return municipality
