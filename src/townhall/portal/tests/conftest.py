import pytest

from townhall.municipality.tests.factories import municipality_for_tests


@pytest.fixture
def municipality(db):
    """A small active municipality, unlike the demo one, so nothing leans on demo data."""
    return municipality_for_tests()
