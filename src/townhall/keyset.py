"""Keyset pagination: lists that grow without bound, paged by (time, id), newest first
(or oldest first, as an inbox's deadlines, soonest first).

A page is read as "the ``size`` rows just older (or newer) than this row", by a
``WHERE (created_at, id) < (…)`` on an index, so the tenth page costs what the
first does: no OFFSET (which reads and throws away every row before the page)
and no COUNT(*) over the table. A page knows whether there are older or newer
rows by reading one row more than it shows. The links carry a cursor, the time
and id of the row at the edge of the page, as ``?older=…`` or ``?newer=…``; a
cursor that cannot be read starts again at the newest page.

In a list ordered oldest first (``descending=False``) the names keep their
place in the list rather than their meaning: ``older`` is the cursor of the
next page (later rows), ``newer`` of the page before it.
"""

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)

MAX_ID = 2**63
OLDER = "older"
NEWER = "newer"


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """One page of rows, newest first, and the cursors to the pages around it."""

    items: list[T]
    older: str | None  # the cursor of the next older page, or None when this is the oldest
    newer: str | None  # the cursor of the next newer page, or None when this is the newest

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def keyset_page(
    queryset: QuerySet[T],
    *,
    params,
    size: int,
    field: str = "created_at",
    descending: bool = True,
) -> KeysetPage[T]:
    """The page of ``queryset`` that ``params`` (a request's GET) asks for: the first
    ``size`` rows by (``field``, id), newest first (``descending=False``: oldest first),
    or those just past or before its cursor."""
    direction, key = _cursor_from(queryset.model, field, params)
    onward, back = ("lt", "gt") if descending else ("gt", "lt")
    order = (f"-{field}", "-pk") if descending else (field, "pk")
    if direction == NEWER:
        rows = list(
            queryset.filter(_past(field, back, key)).order_by(*_reversed(order))[: size + 1]
        )
        more_newer = len(rows) > size
        items = rows[:size][::-1]
        return KeysetPage(
            items=items,
            older=_cursor_of(items[-1], field) if items else None,
            newer=_cursor_of(items[0], field) if more_newer else None,
        )
    if direction == OLDER:
        queryset = queryset.filter(_past(field, onward, key))
    rows = list(queryset.order_by(*order)[: size + 1])
    items = rows[:size]
    return KeysetPage(
        items=items,
        older=_cursor_of(items[-1], field) if len(rows) > size else None,
        newer=_cursor_of(items[0], field) if direction == OLDER and items else None,
    )


def _past(field: str, lookup: str, key: tuple) -> Q:
    """Rows past the cursor ``key`` in the direction of ``lookup`` ("lt" or "gt").

    The plain range on ``field`` (``>=``/``<=``) says the same as the two branches
    together; it is there so that the database starts the index scan at the cursor
    instead of testing every row before it against the OR."""
    value, row_id = key
    edge = "lte" if lookup == "lt" else "gte"
    return Q(**{f"{field}__{edge}": value}) & (
        Q(**{f"{field}__{lookup}": value}) | Q(**{field: value, f"pk__{lookup}": row_id})
    )


def _reversed(order: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)


def _cursor_of(row: Model, field: str) -> str:
    return f"{getattr(row, field).isoformat()}~{row.pk}"


def _cursor_from(model: type[Model], field: str, params) -> tuple[str | None, tuple | None]:
    for direction in (OLDER, NEWER):
        raw = params.get(direction)
        if not raw:
            continue
        value, _sep, pk = str(raw).rpartition("~")
        try:
            parsed = model._meta.get_field(field).to_python(value)
            row_id = int(pk)
        except (ValidationError, ValueError, OverflowError, FieldDoesNotExist):
            return None, None
        # An id beyond a 64-bit column would make the database refuse the query.
        if parsed is None or not 0 < row_id < MAX_ID:
            return None, None
        return direction, (parsed, row_id)
    return None, None
