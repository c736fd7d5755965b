"""Shared test setup: browser tests drive Debian's Chromium, never a downloaded one;
long tests start first; an xdist_group stays on one test process."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

# pytest-django's set-up of the test databases, copied from a migrated template.
from townhall.tests.migrated_template import django_db_setup  # noqa: F401

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


class XdistGroups:
    """Keep the tests of one ``xdist_group`` on one test process, as ``--dist loadgroup``
    promises. pytest-xdist 3.8 tells its scheduler a test's group by appending
    ``@<group>`` to the test's id through ``item._nodeid``, which pytest 9.2 no longer
    reads (it keeps the id in ``item._id``), so the groups were silently ignored. This
    appends it where pytest 9.2 keeps it, after xdist's own hook, and does nothing once
    xdist's suffix shows in the id. Only in a test process of a loadgroup run."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        if not getattr(config.option, "loadgroup", False):
            return
        from _pytest.nodeid import NodeId

        for item in items:
            names = {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
            if names and "@" not in item.nodeid and hasattr(item, "_id"):
                item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")


def pytest_configure(config):
    config.pluginmanager.register(XdistGroups(), "townhall-xdist-groups")


def _start_order(item) -> int:
    if item.get_closest_marker("slow"):
        return 0
    return 1 if item.get_closest_marker("browser") else 2


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Tests marked slow first, browser tests next: the test processes (pytest-xdist,
    # ``--dist loadgroup``) take the next test as they finish one, so the long ones
    # start early instead of leaving one process working alone at the end. This runs
    # before pytest-django's own (stable) sort, which keeps Django's order: database
    # tests, then transactional ones, then the rest; the slow ones lead each group.
    items.sort(key=_start_order)
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


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Full-strength hashing costs about a second per hash; tests do not need it.

    For the whole session, not per test: the test database's own set-up and every
    flush after a ``transaction=True`` test run ``post_migrate``, which saves the
    demo identity provider's client with a hashed secret (a second of PBKDF2 each
    time, and a second more for each test that checks that secret)."""
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            # Still checks hashes made outside the tests (e.g. a demo database's).
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the profile and pages kept there
    (townhall.page_cache) would otherwise outlive the rows a test rolled back."""
    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-BE"}


@pytest.fixture(autouse=True, scope="session")
def _demo_seal_of_the_tests(tmp_path_factory):
    """Every test process seals with its own demo chain, made in a temporary folder
    (never the one in ``var/`` that ``make demo`` uses); made here, once, so that a
    test without the database can seal (the chain otherwise names the active
    municipality, which needs a query)."""
    from django.conf import settings

    from townhall.documents.seal_demo import demo_chain

    directory = tmp_path_factory.mktemp("seal-demo")
    demo_chain(directory)
    with override_settings(TOWNHALL_SEAL={**settings.TOWNHALL_SEAL, "DEMO_DIR": str(directory)}):
        yield directory
