from pathlib import Path

import pytest

from townhall.catalog.lpdc.importer import lpdc_import
from townhall.municipality.tests.factories import municipality_for_tests

# The demo catalogue the demo seed imports (townhall.demo.catalogue).
DEMO_CATALOGUE = Path(__file__).parent.parent / "data" / "demo-catalogue.jsonld"


@pytest.fixture
def municipality(db):
    return municipality_for_tests()


@pytest.fixture
def catalogue(municipality):
    """The demo catalogue, imported and published from its LPDC JSON-LD."""
    lpdc_import(data=DEMO_CATALOGUE.read_bytes(), publish=True)
    return municipality
