"""How Townhall runs background work (the Django Tasks API).

Tasks are enqueued only once the surrounding transaction commits. The database
backend would otherwise make the task part of the transaction while RQ would
not; after commit, both behave alike and a worker never sees a row that is not
there yet.
"""

from functools import partial

from django.db import transaction


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Enqueue ``task`` with these arguments when the current transaction commits
    (at once when there is none)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))
