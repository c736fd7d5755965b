"""Carrying out an import started in the back office, in the worker.

1. The back office records a run waiting to start (``queued``, which already holds
   the source's lock) with its input: an uploaded file in the storage, or one of
   the server paths configured for the source (:mod:`.services`).
2. The worker's task (:mod:`.tasks`) calls :func:`queued_run_carry_out`: a run no
   longer waiting (given up meanwhile) is left alone. The importer is built on the
   input and runs as from the command line, through the same batches and resume;
   what it says (notices) goes to the run, for its page.
3. An input that cannot be imported (not a CSV, a wrong header, no active
   municipality) fails the run with the importer's message before anything is
   written. Any other error fails it too and is raised again, so the worker logs it.
4. Whatever the end, the uploaded file is removed from the storage: the data is
   in the registers, the rejected rows in the run. A file imported again is
   uploaded again (the same file resumes where a failed run stopped).
"""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from townhall.importers.models import ImportRun
from townhall.importers.reading import ImportAbort
from townhall.importers.registry import registry

GONE = "The file to import is no longer there."


def configured_paths(source: str) -> list[str]:
    """The server files staff may import for ``source`` (``TOWNHALL_IMPORTS["PATHS"]``)."""
    paths = (settings.TOWNHALL_IMPORTS.get("PATHS") or {}).get(source) or []
    return [str(path) for path in paths]


def queued_run_carry_out(run_id: int) -> None:
    """Run the import of the waiting run ``run_id`` (the worker's task)."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).first()
    if run is None:
        return  # given up meanwhile (see locking.py), or carried out already
    notices: list[str] = []

    def notify(message: str) -> None:
        notices.append(message)
        ImportRun.objects.filter(pk=run.pk).update(notices=list(notices))

    try:
        with _input_path(run) as path:
            registry[run.source](path, notify=notify, queued=run).run()
    except ImportAbort as error:
        _fail_waiting(run, str(error))
    except BaseException as error:
        _fail_waiting(run, f"{type(error).__name__}: {error}")
        raise
    finally:
        if run.upload:
            default_storage.delete(run.upload)
            ImportRun.objects.filter(pk=run.pk).update(upload="")


def _fail_waiting(run: ImportRun, error: str) -> None:
    """Fail a run that never started (an error after the start failed it already)."""
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.FAILED, error=error[:2000], updated_at=timezone.now()
    )


@contextlib.contextmanager
def _input_path(run: ImportRun) -> Iterator[Path]:
    """The run's input as a local file, under the name staff gave it."""
    if run.server_path:
        if run.server_path not in configured_paths(run.source):
            raise ImportAbort(GONE)
        yield Path(run.server_path)
        return
    if not run.upload or not default_storage.exists(run.upload):
        raise ImportAbort(GONE)
    try:
        local = Path(default_storage.path(run.upload))
    except NotImplementedError:  # a storage without local files (S3 and the like)
        local = None
    # Some storages name a path where nothing lies (Django's in-memory one): copy those too.
    if local is not None and local.is_file():
        yield local
        return
    with tempfile.TemporaryDirectory(prefix="townhall-import-") as folder:
        local = Path(folder) / Path(run.upload).name
        with default_storage.open(run.upload, "rb") as stored, open(local, "wb") as copy:
            shutil.copyfileobj(stored, copy, 1 << 20)
        yield local
