"""Writing many outbox rows at once: COPY on PostgreSQL, ``bulk_create`` elsewhere.

A broadcast to every resident writes tens of thousands of rows; the ORM's
``bulk_create`` spends more time preparing values than the database spends
storing them. On PostgreSQL the rows go through ``COPY`` instead, in the
caller's transaction, so the batch is still all or nothing.
"""

from enum import Enum

from django.db import connection
from django.utils import timezone

from townhall.messaging.models import Message

# Every column of the table, in the order COPY receives them.
COLUMNS = [field.column for field in Message._meta.concrete_fields if not field.primary_key]
ATTRIBUTES = [field.attname for field in Message._meta.concrete_fields if not field.primary_key]


def messages_insert(messages: list[Message]) -> None:
    """Store new messages (without primary keys; the caller looks them up again)."""
    if not messages:
        return
    if connection.vendor != "postgresql":
        Message.objects.bulk_create(messages, batch_size=500)
        return
    now = timezone.now()
    for message in messages:
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
    return value.value if isinstance(value, Enum) else value
