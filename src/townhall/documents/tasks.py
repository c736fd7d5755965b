"""The documents' tasks: a print batch is rendered by the ``bulk`` worker, beside the
broadcasts, never by the workers that deliver personal messages."""

from django_tasks import task

from townhall.documents import batches


@task(queue_name="bulk")
def document_batch_task(batch_id: int) -> None:
    batches.document_batch_render(batch_id)
