"""Full-text and trigram search of the catalogue (catalog.search).

PostgreSQL: the ``pg_trgm`` extension, a GIN index on
``to_tsvector('dutch', search_text)`` for prefix queries, and a GIN trigram index
on ``search_words`` for typos. SQLite (the demo): an FTS5 table with diacritics
removed, kept in step by the services. Both are made by SQL and kept out of the
models' state, so neither database sees what it cannot build.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX IF NOT EXISTS "product_search_dutch" ON "catalog_product" '
    "USING gin (to_tsvector('dutch'::regconfig, search_text))",
    'CREATE INDEX IF NOT EXISTS "product_search_words_trgm" ON "catalog_product" '
    "USING gin (search_words gin_trgm_ops)",
]
POSTGRESQL_DROP = [
    'DROP INDEX IF EXISTS "product_search_dutch"',
    'DROP INDEX IF EXISTS "product_search_words_trgm"',
]
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_product_fts USING fts5("
    "body, tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS catalog_product_fts"]


def search_create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, []):
        schema_editor.execute(statement)


def search_drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(search_create, search_drop)]
