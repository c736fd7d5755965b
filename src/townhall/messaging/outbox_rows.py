"""Writing many outbox rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

A broadcast to every resident writes tens of thousands of rows; the ORM's
``bulk_create`` spends more time preparing values than the database spends
storing them. On PostgreSQL the rows go through ``COPY`` instead, in the
caller's transaction, so the batch is still all or nothing.
"""

import json
from enum import Enum

from django.db import connection
from django.utils import timezone

from townhall.messaging.models import Message

# Every column of the table, in the order COPY receives them.
COLUMNS = [field.column for field in Message._meta.concrete_fields]
ATTRIBUTES = [field.attname for field in Message._meta.concrete_fields]


def messages_insert(messages: list[Message]) -> None:
    """Store new messages and give each its primary key."""
    if not messages:
        return
    if connection.vendor != "postgresql":
        Message.objects.bulk_create(messages, batch_size=500)  # sets the keys on SQLite too
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        # The keys come from the table's own sequence, so nothing is read back.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Message._meta.db_table, len(messages)],
        )
        keys = [row[0] for row in cursor.fetchall()]
    for message, key in zip(messages, keys, strict=True):
        message.pk = key
        message.created_at = now
    table = connection.ops.quote_name(Message._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for message in messages:
            copy.write_row([_plain(getattr(message, name)) for name in ATTRIBUTES])


def _plain(value):
    # psycopg writes an Enum by its member name; the column holds the choice's value.
    if isinstance(value, dict | list):
        return json.dumps(value)  # a JSON column takes its text
    return value.value if isinstance(value, Enum) else value
