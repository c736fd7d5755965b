"""Bulk reads and writes for the importers: plain tuples in, plain tuples out.

An import writes millions of rows; building a model instance per row and
letting the ORM render a statement with tens of thousands of parameters costs
more than the rest of the import together. So on PostgreSQL:

1. :func:`rows_matching` sends each list of wanted values as one text parameter
   split by the server (``= ANY(string_to_array(...))``);
2. :func:`insert_rows` streams the rows with ``COPY ... FROM STDIN``;
3. :func:`update_rows` copies the new values into a temporary table and runs one
   ``UPDATE ... FROM`` it (updates are rare: a second import finds most rows unchanged).

Other databases (SQLite for the demo and the tests) take the same calls through
the ORM (``filter``, ``bulk_create``, ``bulk_update``), so both paths give the
same rows. Columns are named by the model's attribute names (``organisation_id``
for a foreign key); a column left out gets the field's default, and
``auto_now``/``auto_now_add`` fields the time of the batch.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

_SEPARATOR = "\n"  # no key, URI or number the importers look up contains a line break


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _field(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


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
        field = _field(model, name)
        db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
        cast = db_type.split("(")[0]  # varchar(250) -> varchar
        conditions.append(f"{quote(field.column)} = ANY(string_to_array(%s, E'\\n')::{cast}[])")
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
        cursor.execute(sql, parameters)
        return cursor.fetchall()


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


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``columns``) without returning their keys."""
    if not rows:
        return
    if not _postgres():
        model.objects.bulk_create(model(**dict(zip(columns, row, strict=True))) for row in rows)
        return
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


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Set ``columns`` of existing rows; each row is the primary key, then the values."""
    if not rows:
        return
    if not _postgres():
        instances = [model(pk=row[0], **dict(zip(columns, row[1:], strict=True))) for row in rows]
        model.objects.bulk_update(instances, list(columns), batch_size=500)
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
    with connection.cursor() as cursor:
        # A bare copy of the columns (no constraints), dropped again at once.
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} AS SELECT {pk}, {names} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.copy(f"COPY {staging} ({pk}, {names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staging} AS staging "  # noqa: S608
            f"WHERE {table}.{pk} = staging.{pk}"
        )
        cursor.execute(f"DROP TABLE {staging}")
