"""Reads of the import runs for staff: the history, one run, its rejected rows.

A staff member sees the runs of the sources they may start
(:func:`~.sources.sources_allowed`), whoever started them and from where; a run
of another source is not found, as one that does not exist.
"""

from collections.abc import Iterator

from townhall.importers.models import ImportRejection, ImportRun
from townhall.importers.sources import sources_allowed
from townhall.keyset import KeysetPage, keyset_page

PAGE_SIZE = 50
STATUSES = [value for value, _label in ImportRun.Status.choices]


def _runs_for(user):
    return ImportRun.objects.filter(source__in=[s.code for s in sources_allowed(user)])


def run_page_for_staff(*, user, params, source: str = "", status: str = "") -> KeysetPage:
    """A page of the runs ``user`` may read, newest first; by source and status."""
    runs = _runs_for(user).select_related("started_by")
    if source:
        runs = runs.filter(source=source)
    if status:
        runs = runs.filter(status=status)
    return keyset_page(runs, params=params, size=PAGE_SIZE, field="started_at")


def run_for_staff(*, user, pk: int) -> ImportRun | None:
    return _runs_for(user).select_related("started_by").filter(pk=pk).first()


def active_runs_for_staff(*, user) -> dict[str, ImportRun]:
    """The active run of each source ``user`` may start, by source (at most one each)."""
    runs = _runs_for(user).filter(status__in=ImportRun.ACTIVE)
    return {run.source: run for run in runs}


def rejections_of(run: ImportRun) -> Iterator[ImportRejection]:
    """Every rejected row of ``run``, in the order they were found, in chunks."""
    return run.rejections.order_by("pk").iterator(chunk_size=2000)
