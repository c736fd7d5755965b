"""Bulk reads and writes for the importers: plain tuples in, plain tuples out.

An import writes millions of rows; building a model instance per row and
letting the ORM render a statement with tens of thousands of parameters costs
more than the rest of the import together. So on PostgreSQL:

1. :func:`rows_matching` sends each list of wanted values as one text parameter
   split by the server (``= ANY(string_to_array(...))``), and makes sure the
   server looks them up through the indexes (see the comments there);
2. :func:`insert_rows` streams the rows with ``COPY ... FROM STDIN``; when the
   caller needs the new rows' primary keys, it takes them from the table's
   sequence first (one query) and copies them along, so nothing is read back;
3. :func:`update_rows` copies the new values into a temporary table and runs one
   ``UPDATE ... FROM`` it (updates are rare: a second import finds most rows unchanged);
4. :func:`delete_matching` deletes by a list of values sent the same way as in 1.

Other databases (SQLite for the demo and the tests) take the same calls through
the ORM (``filter``, ``bulk_create``, ``bulk_update``), so both paths give the
same rows. Columns are named by the model's attribute names (``organisation_id``
for a foreign key); a column left out gets the field's default, and
``auto_now``/``auto_now_add`` fields the time of the batch.

An update leaves a row whose values are already the new ones alone. For a model
whose history the register keeps (``registry.history``), every row inserted,
changed or deleted gets its version in the historical table, in the same
transaction, with the who and why of ``history_context`` (the import run): on
PostgreSQL one ``INSERT ... SELECT`` from the rows just copied in, and the
update and delete as ``WITH changed AS (UPDATE/DELETE ... RETURNING) INSERT``;
elsewhere simple-history's ``bulk_history_create``.
"""

import contextlib
import threading
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from townhall.registry.history import history_columns, history_current, history_model

_SEPARATOR = "\n"  # no key, URI or number the importers look up contains a line break


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _field(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


def _any_of(model: type[models.Model], name: str) -> str:
    """``column = ANY(...)`` for a list of values sent as one text parameter."""
    field = _field(model, name)
    db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    cast = db_type.split("(")[0]  # varchar(250) -> varchar
    column = connection.ops.quote_name(field.column)
    return f"{column} = ANY(string_to_array(%s, E'\\n')::{cast}[])"


def rows_matching(
    model: type[models.Model],
    columns: Sequence[str],
    any_of: dict[str, Iterable],
    only: dict[str, object] | None = None,
) -> list[tuple]:
    """The ``columns`` of the rows whose field is one of the values, for any of ``any_of``,
    restricted to the rows equal to ``only``."""
    any_of = {name: [str(value) for value in values] for name, values in any_of.items()}
    if not any(any_of.values()):
        return []
    only = only or {}
    if not _postgres():
        wanted = Q()
        for name, values in any_of.items():
            wanted |= Q(**{f"{name}__in": values})
        return list(model.objects.filter(wanted, **only).values_list(*columns))
    quote = connection.ops.quote_name
    conditions, parameters = [], []
    for name, values in any_of.items():
        condition = _any_of(model, name)
        field = _field(model, name)
        if isinstance(field, models.CharField) and "" not in values:
            # Saying that no empty value is wanted lets PostgreSQL use a partial index
            # on the non-empty values (the address register URI's): it cannot prove
            # that from a list of thousands of values itself.
            condition = f"({condition} AND {quote(field.column)} <> '')"
        conditions.append(condition)
        parameters.append(_SEPARATOR.join(values))
    restriction = ""
    for name, value in only.items():
        restriction += f" AND {quote(_field(model, name).column)} = %s"
        parameters.append(value)
    select = ", ".join(quote(_field(model, name).column) for name in columns)
    sql = (  # names from the model's metadata, quoted; values are parameters
        f"SELECT {select} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE ({' OR '.join(conditions)}){restriction}"
    )
    with connection.cursor() as cursor:
        # Every lookup is by an indexed column. During a long import the tables grow
        # from nothing faster than their statistics follow (or autovacuum is off), and
        # the planner would read the whole table for each batch: quadratic.
        own = _seqscan_off(cursor)
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
        if own:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
        return rows


def _seqscan_off(cursor) -> bool:
    """Turn sequential scans off for the transaction's next statement; True when it did so
    (and the caller turns them on again), False within :func:`index_lookups` or outside a
    transaction."""
    if not connection.in_atomic_block or getattr(connection, "_index_lookups", False):
        return False
    cursor.execute("SET LOCAL enable_seqscan = off")
    return True


# Whether this thread's connection (Django keeps one per thread) has sequential scans
# off already, inside an outer index_lookups() of the same transaction.
_index_lookups = threading.local()


@contextlib.contextmanager
def index_lookups():
    """The lookups of a batch by indexed columns, with sequential scans off once for all of
    them (a ``SET LOCAL`` before and after each was two round trips more per statement).

    Only for statements that find rows by indexed columns (those of this module): the
    planner then never reads a whole table for a batch (see :func:`rows_matching`).
    """
    if (
        not _postgres()
        or not connection.in_atomic_block
        or getattr(_index_lookups, "active", False)
    ):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    _index_lookups.active = True
    try:
        yield
    finally:
        _index_lookups.active = False
    # Not after an error: the transaction is rolled back, and the setting with it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def _defaults(model: type[models.Model], columns: Sequence[str]) -> tuple[list[str], tuple]:
    """The other columns to fill, and their values: default, or now for auto times."""
    now = timezone.now()
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in columns:
            continue
        names.append(field.attname)
        auto_time = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = now if auto_time else field.get_default()
        values.append(field.get_db_prep_save(value, connection))
    return names, tuple(values)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple],
    *,
    returning_pks: bool = False,
) -> list[int] | None:
    """Insert ``rows`` (tuples of ``columns``); with ``returning_pks``, return the new
    rows' primary keys in the order of ``rows``."""
    if not rows:
        return [] if returning_pks else None
    historical = _history_model(model)
    if not _postgres():
        created = model.objects.bulk_create(
            model(**dict(zip(columns, row, strict=True))) for row in rows
        )
        if historical is not None:
            _bulk_history(model, created, update=False)
        return [instance.pk for instance in created] if returning_pks else None
    pks = None
    if returning_pks or historical is not None:
        pks = _next_pks(model, len(rows))
        columns = (model._meta.pk.attname, *columns)
        rows = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
    names, defaults = _defaults(model, columns)
    quote = connection.ops.quote_name
    target = ", ".join(quote(_field(model, name).column) for name in (*columns, *names))
    sql = f"COPY {quote(model._meta.db_table)} ({target}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        write = copy.write_row
        if defaults:
            for row in rows:
                write(row + defaults)
        else:
            for row in rows:
                write(row)
    if historical is not None:
        _history_of(model, pks)
    return pks if returning_pks else None


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The historical twin to write the versions of ``model``'s rows to (None: none), off
    with ``SIMPLE_HISTORY_ENABLED = False`` as simple-history's own signals are."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return None
    return history_model(model)


def _history_targets(model: type[models.Model]) -> tuple[str, str, list]:
    """The historical table's columns to fill, the select list, and its parameters."""
    quote = connection.ops.quote_name
    historical = history_model(model)
    shared = history_columns(model)
    meta = historical._meta
    extra = [
        meta.get_field(name).column
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    ]
    target = ", ".join(quote(column) for column in (*shared, *extra))
    select = ", ".join(quote(column) for column in shared) + ", %s, %s, %s, %s"
    context = history_current()
    user = getattr(context.user, "pk", None)
    return target, select, [timezone.now(), context.reason or None, user]


def _history_of(model: type[models.Model], pks: list[int]) -> None:
    """The "created" versions of the rows just inserted (PostgreSQL)."""
    quote = connection.ops.quote_name
    target, select, (date, reason, user) = _history_targets(model)
    historical = quote(history_model(model)._meta.db_table)
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        own = _seqscan_off(cursor)  # see rows_matching
        cursor.execute(
            f"INSERT INTO {historical} ({target}) SELECT {select} FROM {table} "  # noqa: S608
            f"WHERE {pk} = ANY(%s::bigint[])",
            [date, reason, "+", user, pks],
        )
        if own:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def _bulk_history(model: type[models.Model], instances: list, *, update: bool) -> None:
    """Versions of ``instances`` through simple-history (other databases than PostgreSQL)."""
    context = history_current()
    getattr(model, model._meta.simple_history_manager_attribute).bulk_history_create(
        instances,
        update=update,
        default_user=context.user,
        default_change_reason=context.reason or None,
        default_date=timezone.now(),
        batch_size=500,
    )


_sequences: dict[tuple[str, str], str] = {}


def _next_pks(model: type[models.Model], number: int) -> list[int]:
    """``number`` values of the primary key's sequence (a rolled-back batch leaves a gap)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        sequence = _sequences.get((table, column))
        if sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            (sequence,) = cursor.fetchone()
            _sequences[table, column] = sequence
        # The sequence as a constant: with its name looked up in the same statement,
        # PostgreSQL looked it up again for every value (a third of the statement's time).
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, number]
        )
        return [pk for (pk,) in cursor.fetchall()]


def delete_matching(
    model: type[models.Model], name: str, values: Iterable, only: dict[str, object] | None = None
) -> None:
    """Delete the rows whose field ``name`` is one of ``values`` and that equal ``only``."""
    values = [str(value) for value in values]
    if not values:
        return
    only = only or {}
    if not _postgres():
        model.objects.filter(**{f"{name}__in": values}, **only).delete()
        return
    quote = connection.ops.quote_name
    restriction = "".join(f" AND {quote(_field(model, key).column)} = %s" for key in only)
    delete = (
        f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608 - quoted names
        f"WHERE {_any_of(model, name)}{restriction}"
    )
    parameters = [_SEPARATOR.join(values), *only.values()]
    if _history_model(model) is not None:
        # The "deleted" versions of the rows deleted, from what the DELETE returns.
        target, select, (date, reason, user) = _history_targets(model)
        historical = quote(history_model(model)._meta.db_table)
        delete = (
            f"WITH gone AS ({delete} RETURNING *) "  # noqa: S608 - quoted names
            f"INSERT INTO {historical} ({target}) SELECT {select} FROM gone"
        )
        parameters += [date, reason, "-", user]
    with connection.cursor() as cursor:
        cursor.execute(delete, parameters)


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Set ``columns`` of existing rows; each row is the primary key, then the values.

    A row whose values (but for the ``auto_now`` times) are already these is left
    alone, and gets no version in the register's history."""
    if not rows:
        return
    compared = [name for name in columns if not getattr(_field(model, name), "auto_now", False)]
    historical = _history_model(model)
    if not _postgres():
        rows = _changed(model, columns, compared, rows)
        instances = [model(pk=row[0], **dict(zip(columns, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(instances, list(columns), batch_size=500)
        if historical is not None and rows:
            changed = model.objects.filter(pk__in=[row[0] for row in rows]).order_by("pk")
            _bulk_history(model, list(changed), update=True)
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    staging = quote(f"import_update_{model._meta.db_table}")
    pk = quote(model._meta.pk.column)
    names = ", ".join(quote(_field(model, name).column) for name in columns)
    assignments = ", ".join(
        f"{quote(_field(model, name).column)} = staging.{quote(_field(model, name).column)}"
        for name in columns
    )
    update = (
        f"UPDATE {table} SET {assignments} FROM {staging} AS staging "  # noqa: S608
        f"WHERE {table}.{pk} = staging.{pk}"
    )
    if compared:
        old = ", ".join(f"{table}.{quote(_field(model, name).column)}" for name in compared)
        new = ", ".join(f"staging.{quote(_field(model, name).column)}" for name in compared)
        update += f" AND ROW({old}) IS DISTINCT FROM ROW({new})"
    parameters = []
    if historical is not None:
        # The "changed" versions, from what the UPDATE returns: only the rows it changed.
        target, select, (date, reason, user) = _history_targets(model)
        update = (
            f"WITH changed AS ({update} RETURNING {table}.*) "  # noqa: S608
            f"INSERT INTO {quote(historical._meta.db_table)} ({target}) "
            f"SELECT {select} FROM changed"
        )
        parameters = [date, reason, "~", user]
    with connection.cursor() as cursor:
        # A bare copy of the columns (no constraints), dropped again at once.
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {pk}, {names} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.copy(f"COPY {staging} ({pk}, {names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(update, parameters)
        cursor.execute(f"DROP TABLE {staging}")


def _changed(model, columns: Sequence[str], compared: list[str], rows: list[tuple]) -> list[tuple]:
    """The ``rows`` whose ``compared`` values differ from the database's (other databases)."""
    if not compared:
        return rows
    indexes = [columns.index(name) + 1 for name in compared]
    fields = [_field(model, name) for name in compared]
    saved = {
        pk: values
        for pk, *values in model.objects.filter(pk__in=[row[0] for row in rows]).values_list(
            "pk", *compared
        )
    }
    return [
        row
        for row in rows
        if saved.get(row[0])
        != [field.to_python(row[index]) for field, index in zip(fields, indexes, strict=True)]
    ]
