"""The news app's tasks: a publication's delivery, and the digests.

The delivery runs on ``bulk``, or on ``urgent`` for an urgent alert (the queue is
chosen when it is enqueued, :func:`townhall.news.delivery.delivery_start`); its
messages are delivered by messaging's own tasks.
"""

from django_tasks import task

from townhall.news import delivery


@task(queue_name="bulk")
def publication_deliver_task(publication_id: int) -> None:
    delivery.publication_deliver(publication_id)


delivery.task_register(publication_deliver_task)
