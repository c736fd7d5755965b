"""The importers' task: a back-office import, carried out by the worker.

On the ``bulk`` queue: an import may take many minutes, and must not hold up
the personal messages of ``default`` (:mod:`townhall.messaging.tasks`).
"""

from django_tasks import task

from townhall.importers.queued import queued_run_carry_out


@task(queue_name="bulk")
def import_run_task(run_id: int) -> None:
    queued_run_carry_out(run_id)
