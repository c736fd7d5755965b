"""Keyset pagination: lists that grow without bound, paged by (time, id), newest first.

A page is read as "the ``size`` rows just older (or newer) than this row", by a
``WHERE (created_at, id) < (…)`` on an index, so the tenth page costs what the
first does: no OFFSET (which reads and throws away every row before the page)
and no COUNT(*) over the table. A page knows whether there are older or newer
rows by reading one row more than it shows. The links carry a cursor, the time
and id of the row at the edge of the page, as ``?older=…`` or ``?newer=…``; a
cursor that cannot be read starts again at the newest page.
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
) -> KeysetPage[T]:
    """The page of ``queryset`` that ``params`` (a request's GET) asks for: the newest
    ``size`` rows by (``field``, id), or those just older or newer than its cursor."""
    direction, key = _cursor_from(queryset.model, field, params)
    if direction == NEWER:
        after = Q(**{f"{field}__gt": key[0]}) | Q(**{field: key[0], "pk__gt": key[1]})
        rows = list(queryset.filter(after).order_by(field, "pk")[: size + 1])
        more_newer = len(rows) > size
        items = rows[:size][::-1]
        return KeysetPage(
            items=items,
            older=_cursor_of(items[-1], field) if items else None,
            newer=_cursor_of(items[0], field) if more_newer else None,
        )
    if direction == OLDER:
        queryset = queryset.filter(
            Q(**{f"{field}__lt": key[0]}) | Q(**{field: key[0], "pk__lt": key[1]})
        )
    rows = list(queryset.order_by(f"-{field}", "-pk")[: size + 1])
    items = rows[:size]
    return KeysetPage(
        items=items,
        older=_cursor_of(items[-1], field) if len(rows) > size else None,
        newer=_cursor_of(items[0], field) if direction == OLDER and items else None,
    )


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
