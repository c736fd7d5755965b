"""Shared test setup: browser tests drive Debian's Chromium, never a downloaded one."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

CHROMIUM = Path(os.environ.get("TOWNHALL_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NO_CHROMIUM = (
    f"browser tests skipped: Chromium not found at {CHROMIUM} "
    "(install it with: apt-get install -y --no-install-recommends chromium)"
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        # Playwright's sync API runs an event loop in the test thread; Django's
        # guard against async-unsafe calls would otherwise refuse the test's
        # own database set-up.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if not CHROMIUM.exists():
        terminalreporter.write_line(NO_CHROMIUM, yellow=True)


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Tests assert the English source strings. The interface's default is Dutch;
    tests about that default ask for the ``dutch`` fixture."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def dutch(settings):
    """The real default: Dutch unless the person chose another language."""
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the profile and pages kept there
    (townhall.page_cache) would otherwise outlive the rows a test rolled back."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Full-strength hashing costs about a second per user; tests do not need it."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        # Still checks hashes made outside a test (e.g. a module-scoped seed).
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-BE"}
