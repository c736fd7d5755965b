"""Test databases copied from a migrated template instead of migrated on every run.

Running every migration costs a test process about twelve seconds of processor
time, each run, on each process. Instead, each process keeps a template of its
test database: migrated once, and named after a digest of everything that
decides the schema (the Django version, the installed apps and every file of
their migration packages). A run copies the template to the test database and
lets Django's set-up finish as with ``--reuse-db``: ``migrate`` finds nothing
to apply and sends ``post_migrate``, whose receivers (content types,
permissions, the staff roles, the demo identity provider's client) bring what
they keep up to date with the code, as they do after a migration. A changed,
added or removed migration changes the digest, and the next run migrates a new
template (and drops the old one). The template itself is never used by a test.

SQLite: the template is a file beside the test database, copied with SQLite's
backup API. PostgreSQL: a database beside it, copied with ``CREATE DATABASE
... TEMPLATE``. Other engines are migrated as before.
"""

import hashlib
import importlib.util
import os
import sqlite3
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader

SUPPORTED = {"sqlite", "postgresql"}


def migrations_digest() -> str:
    """A digest of what the migrated schema (and the data migrations) depend on."""
    digest = hashlib.sha256(django.get_version().encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        digest.update(f"\0app {config.label} {config.name}".encode())
        module, _explicit = MigrationLoader.migrations_module(config.label)
        spec = importlib.util.find_spec(module) if module else None
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"\0file {path.name}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _vendor(connection) -> str:
    return connection.vendor if connection.vendor in SUPPORTED else ""


def _sqlite_files(name: str) -> list[Path]:
    return [Path(name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def _migrate_template(connection, template: str, verbosity: int) -> None:
    """Migrate a new database under ``template``: built under another name, then moved
    there, so a run stopped halfway leaves no template that looks complete."""
    creation = connection.creation
    building = f"{template}_building"
    test_settings = connection.settings_dict["TEST"]
    old_test_name, old_name = test_settings.get("NAME"), connection.settings_dict["NAME"]
    test_settings["NAME"] = building
    try:
        creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = old_test_name
        # Restores the setting's NAME without dropping what was just migrated.
        creation.destroy_test_db(old_name, verbosity=0, keepdb=True)
    if _vendor(connection) == "sqlite":
        # The last connection closed has written the WAL back into the file.
        for path in _sqlite_files(template):
            path.unlink(missing_ok=True)
        os.replace(building, template)
        return
    quote = connection.ops.quote_name
    with creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")


def _drop_other_templates(connection, prefix: str, keep: str) -> None:
    if _vendor(connection) == "sqlite":
        for path in Path(prefix).parent.glob(Path(prefix).name + "*"):
            if not str(path).startswith(keep):
                path.unlink(missing_ok=True)
        return
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s",
            [prefix, keep],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")


def _template_exists(connection, template: str) -> bool:
    if _vendor(connection) == "sqlite":
        return Path(template).exists()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        return cursor.fetchone() is not None


def _copy(connection, template: str, target: str) -> None:
    if _vendor(connection) == "sqlite":
        for path in _sqlite_files(target):
            path.unlink(missing_ok=True)
        source, copy = sqlite3.connect(template), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        return
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")


def copy_from_template(connection, verbosity: int = 0) -> bool:
    """Put a migrated copy of the template under the connection's test database name
    (migrating the template first when there is none for today's migrations).
    False for an engine without templates here: Django's set-up then migrates."""
    vendor = _vendor(connection)
    target = connection.creation._get_test_db_name()
    if not vendor or (vendor == "sqlite" and connection.creation.is_in_memory_db(target)):
        return False
    prefix = f"{target}.template-" if vendor == "sqlite" else f"{target}_template_"
    template = prefix + migrations_digest()
    if not _template_exists(connection, template):
        _drop_other_templates(connection, prefix, keep=template)
        _migrate_template(connection, template, verbosity)
    _copy(connection, template, target)
    return True


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's set-up of the test databases, but copied from a migrated template
    rather than migrated each run (``townhall.tests.migrated_template``: about twelve
    seconds of processor time per test process). ``--reuse-db`` and ``--nomigrations``
    keep pytest-django's own way."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    verbosity = request.config.option.verbose
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if not django_db_use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock():
        # Every test database a copy, or none (another engine): then Django migrates.
        copied = bool(aliases) and (
            django_db_use_migrations
            and not django_db_keepdb
            and all(copy_from_template(connections[a], verbosity) for a in sorted(aliases))
        )
        # keepdb for the copies: Django then only runs the (empty) migrate and its
        # post_migrate on them, as with --reuse-db.
        config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=copied or (django_db_keepdb and not django_db_createdb),
        )
    yield
    if django_db_keepdb:
        return
    with django_db_blocker.unblock():
        try:
            teardown_databases(config, verbosity=verbosity)  # drops the copies too
        except Exception as exc:
            request.node.warn(pytest.PytestWarning(f"Could not drop the test databases: {exc!r}"))
