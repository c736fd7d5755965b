import pytest
from django.core.cache import cache

from townhall.messaging.templates import templates_load
from townhall.municipality.tests.factories import municipality_for_tests


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the local-memory cache of this process: start each test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def account_mail(settings):
    """The outbox's account templates, a municipality, and links on the test server."""
    settings.TOWNHALL_PUBLIC_URL = "http://testserver"
    municipality_for_tests()
    templates_load()
