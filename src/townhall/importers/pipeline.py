"""Committing batches in a second thread while the next batch is read.

Reading and checking rows is Python work; writing them is mostly the database
server's (indexes, constraints, the write-ahead log), which runs in its own
process. With one batch committing while the next one is read, both proceed
at once. Nothing else changes:

1. batches are committed one at a time, in order, each in its own transaction,
   so the run's position still names the last line whose effects are saved;
2. at most one batch waits, so memory stays bounded by two batches;
3. an error while committing is raised in the reading thread at its next
   hand-over (or at the end); the failed batch is rolled back, and no later
   batch is committed after it;
4. the thread has its own database connection and closes it when done.

The importer uses it only outside a transaction (a command run, not a test
wrapped in one), where a second connection sees what the first committed.
"""

import queue
import threading
from collections.abc import Callable

from django.db import connection


class Committer(threading.Thread):
    """Runs ``commit(*job)`` for each job handed over, in order, on its own connection."""

    def __init__(self, commit: Callable[..., None]):
        super().__init__(name="import-committer", daemon=True)
        self._commit = commit
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self.error is None:  # after an error, drain without committing
                    try:
                        self._commit(*job)
                    except BaseException as error:
                        self.error = error
        finally:
            connection.close()

    def submit(self, *job) -> None:
        """Hand a batch over; waits while the previous one is still waiting."""
        self._raise()
        self._jobs.put(job)

    def finish(self) -> None:
        """Wait for every batch handed over; raise the error of a failed one."""
        self.stop()
        self._raise()

    def stop(self) -> None:
        """Wait for the batch being committed, and end the thread."""
        self._jobs.put(None)
        self.join()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
