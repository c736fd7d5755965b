import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the local-memory cache of this process: start each test at zero."""
    cache.clear()
    yield
    cache.clear()
