"""The messaging tasks and how messages are put on their queues.

Personal messages go one task per message on ``default`` (``urgent`` when the
sender says so); broadcasts go in chunks on ``bulk``. Workers for ``urgent``
and ``default`` run apart from the bulk worker (``run_demo`` starts both), so
an announcement to thousands never delays a decision.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from townhall.messaging import delivery
from townhall.messaging.models import Message
from townhall.tasks import enqueue_after_commit


@task(queue_name="default")
def message_deliver_task(message_id: int) -> None:
    delivery.message_deliver(message_id)


@task(queue_name="bulk")
def messages_deliver_task(message_ids: list[int]) -> None:
    delivery.messages_deliver(message_ids)


@task(queue_name="bulk")
def broadcast_prepare_task(broadcast_id: int) -> None:
    from townhall.messaging.broadcasts import broadcast_prepare

    broadcast_prepare(broadcast_id)


@task(queue_name="bulk")
def broadcast_prepare_part_task(part_id: int) -> None:
    from townhall.messaging.broadcasts import broadcast_prepare_part

    broadcast_prepare_part(part_id)


@task(queue_name="default")
def messages_sweep_task() -> None:
    delivery.messages_sweep()


def message_enqueue(message: Message, *, run_after: datetime | None = None) -> None:
    """Put one message on its queue after the commit (for ``run_after`` when the
    backend can wait; otherwise the sweeper enqueues it when it is due)."""
    deliver = message_deliver_task.using(queue_name=message.queue)
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            Message.objects.filter(pk=message.pk).update(enqueued_at=None)
            return
        deliver = deliver.using(run_after=run_after)
    Message.objects.filter(pk=message.pk).update(enqueued_at=run_after or timezone.now())
    enqueue_after_commit(deliver, message.pk)


def messages_enqueue(messages: Iterable[Message]) -> int:
    """Put many messages on their queues: personal ones one by one, bulk ones in chunks."""
    chunk: list[int] = []
    count = 0
    for message in messages:
        count += 1
        if message.queue != Message.Queue.BULK:
            message_enqueue(message)
            continue
        chunk.append(message.pk)
        if len(chunk) >= settings.TOWNHALL_MESSAGING["CHUNK_SIZE"]:
            chunk_enqueue(chunk)
            chunk = []
    if chunk:
        chunk_enqueue(chunk)
    return count


def chunk_enqueue(message_ids: list[int]) -> None:
    Message.objects.filter(pk__in=message_ids).update(enqueued_at=timezone.now())
    enqueue_after_commit(messages_deliver_task, list(message_ids))
