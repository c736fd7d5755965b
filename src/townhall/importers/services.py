"""Starting an import from the back office (the command line runs the importer directly).

1. :func:`import_start` checks the input: an upload, or one of the server paths
   configured for the source (never a path the browser sends).
2. In one durable transaction it records a run waiting to start (``queued``),
   which takes the source's lock (:mod:`.locking`: refused with
   :class:`~.locking.ImportRunning` while another run is active), stores the
   upload in the storage under a folder of its own and with its own name (the
   name the run and its rejected rows show), and enqueues the worker's task when
   the transaction commits (:mod:`.tasks`, :mod:`.queued`).
3. Staff then follow the run on its page; the worker removes the upload when the
   run ends (:mod:`.queued`), or the stale rule when its worker died.
"""

import uuid
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from townhall.importers.locking import run_claim
from townhall.importers.models import ImportRun
from townhall.importers.queued import configured_paths
from townhall.importers.reading import ImportAbort
from townhall.importers.registry import registry
from townhall.importers.sources import SOURCES
from townhall.importers.tasks import import_run_task
from townhall.tasks import enqueue_after_commit

UPLOAD_FOLDER = "imports"


def upload_name(name: str) -> str:
    """A file name safe for the storage, close to the one staff gave."""
    try:
        safe = get_valid_filename(Path(str(name or "")).name)
    except SuspiciousFileOperation:
        safe = ""
    return safe[-150:] or "import.csv"


def import_start(*, source: str, started_by, upload=None, server_path: str = "") -> ImportRun:
    """Record a back-office import of ``source`` and hand it to the worker.

    ``upload`` is an uploaded file; else ``server_path`` must be one of the paths
    configured for the source. Raises :class:`ImportAbort` with a message for staff.
    """
    if source not in SOURCES or source not in registry:
        raise ImportAbort(_("There is no such import."))
    if not started_by.has_perm(SOURCES[source].permission):
        raise ImportAbort(_("You may not start this import."))
    if (upload is None) == (not server_path):
        raise ImportAbort(_("Choose a file to upload or one of the files on the server."))
    if server_path and server_path not in configured_paths(source):
        raise ImportAbort(_("This file is not one of the files on the server for this import."))
    name = Path(server_path).name if server_path else upload_name(upload.name)
    stored = ""
    try:
        with transaction.atomic(durable=True):
            run = run_claim(
                source=source,
                claim=lambda: ImportRun.objects.create(
                    source=source,
                    file_name=name[:255],
                    status=ImportRun.Status.QUEUED,
                    started_from=ImportRun.Origin.BACK_OFFICE,
                    started_by=started_by,
                    server_path=server_path,
                ),
            )
            if upload is not None:
                stored = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}/{name}", upload)
                run.upload = stored
                run.save(update_fields=["upload"])
            enqueue_after_commit(import_run_task, run.pk)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return run
