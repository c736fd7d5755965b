"""At most one active import run per source, enforced by the database; dead runs given up.

1. :class:`~.models.ImportRun` has a partial unique index on ``source`` over the
   active runs (waiting to start or running). Making a run active (creating it,
   resuming a failed one, or the worker taking a waiting one) happens in
   :func:`run_claim`, in a transaction: two starts at once, from two processes or
   machines, the command line and the back office, cannot both succeed. PostgreSQL
   makes the second insert wait for the first transaction, then refuses it; SQLite
   refuses it under its write lock (taken at the transaction's start,
   ``transaction_mode`` IMMEDIATE). A check in Python alone could not do this: both
   would look, find nothing and start. The index works the same on both databases,
   which an advisory lock (PostgreSQL only) would not, and it cannot be forgotten
   as a lock row could: it holds for every write of the table.
2. The refused start raises :class:`ImportRunning`, whose message names the run in
   the way: "An import of the addresses (BeST) is running since 14:05 (run 12)."
3. A run whose process died (a killed worker, a power cut) would stay "running"
   and block its source for ever. Each batch commit moves its ``updated_at`` (its
   heartbeat); a running run without a commit for ``STALE_MINUTES``
   (``TOWNHALL_IMPORTS``) is taken for dead: the next start of its source marks it
   failed ("stopped: its process ended without finishing") in the same transaction
   and goes on. When the new start is of the same file, the usual resume continues
   after the dead run's last committed batch. A batch is one transaction, so a dead
   run never leaves half a batch behind. A run waiting to start that no worker took
   within ``QUEUED_MINUTES`` is given up the same way.
"""

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportAbort
from townhall.importers.sources import source_label

T = TypeVar("T")

DEAD = "stopped: its process ended without finishing"
NEVER_TAKEN = "stopped: no worker started it"


class ImportRunning(ImportAbort):
    """Another run of the same source is active: this start is refused."""

    def __init__(self, run: ImportRun):
        self.run = run
        started = timezone.localtime(run.started_at)
        when = started.strftime("%H:%M")
        if started.date() != timezone.localdate():
            when = started.strftime("%d/%m/%Y %H:%M")
        values = {"source": source_label(run.source), "time": when, "number": run.pk}
        if run.status == ImportRun.Status.QUEUED:
            text = _("An import of %(source)s is waiting to start since %(time)s (run %(number)s).")
        else:
            text = _("An import of %(source)s is running since %(time)s (run %(number)s).")
        super().__init__(text % values)


def _limits() -> tuple[datetime.timedelta, datetime.timedelta]:
    imports = settings.TOWNHALL_IMPORTS
    return (
        datetime.timedelta(minutes=imports["STALE_MINUTES"]),
        datetime.timedelta(minutes=imports["QUEUED_MINUTES"]),
    )


def stale_runs_give_up(*, source: str) -> list[ImportRun]:
    """Mark the dead active runs of ``source`` failed; their uploads go when this commits.

    In the caller's transaction. A resume of the same file then finds them as any
    failed run, at their last committed position.
    """
    stale, queued = _limits()
    now = timezone.now()
    dead = list(
        ImportRun.objects.select_for_update().filter(
            Q(status=ImportRun.Status.RUNNING, updated_at__lt=now - stale)
            | Q(status=ImportRun.Status.QUEUED, updated_at__lt=now - queued),
            source=source,
        )
    )
    for run in dead:
        run.error = DEAD if run.status == ImportRun.Status.RUNNING else NEVER_TAKEN
        run.status = ImportRun.Status.FAILED
        ImportRun.objects.filter(pk=run.pk).update(status=run.status, error=run.error, upload="")
        if run.upload:
            transaction.on_commit(lambda name=run.upload: default_storage.delete(name))
    return dead


def run_claim(*, source: str, claim: Callable[[], T]) -> T:
    """Give up the dead runs of ``source``, then ``claim()``, which makes a run of it
    active, in one transaction. Refused with :class:`ImportRunning` when another run
    of ``source`` is active."""
    try:
        with transaction.atomic():
            stale_runs_give_up(source=source)
            return claim()
    except IntegrityError:
        active = ImportRun.objects.filter(source=source, status__in=ImportRun.ACTIVE).first()
        if active is None:  # another constraint than the one-active-run index
            raise
        raise ImportRunning(active) from None
