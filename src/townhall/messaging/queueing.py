"""How messaging puts its work on the task queues, without importing the tasks.

:mod:`townhall.messaging.tasks` holds the task functions and calls the work
modules (delivery, broadcasts); the work modules enqueue the next step through
this module, which finds each task by name in :data:`TASKS`, filled by
``tasks.py`` when it is imported (``MessagingConfig.ready()`` imports it). So
the work never imports the tasks back and the import graph has no loop, while
queued jobs keep their paths (``townhall.messaging.tasks.<name>``).

Everything is enqueued after the commit (:func:`townhall.tasks.enqueue_after_commit`)
and each message's ``enqueued_at`` is stamped in the same transaction, so the
sweeper (:func:`townhall.messaging.delivery.messages_sweep`) finds and enqueues
again whatever a lost commit hook or a dead worker left behind.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from townhall.messaging.models import Message
from townhall.tasks import enqueue_after_commit

# The task functions by name; tasks.py registers each one when it is imported.
TASKS: dict[str, object] = {}


def task_register(name: str, task: object) -> None:
    """Make ``task`` the one :func:`task_get` returns for ``name``."""
    TASKS[name] = task


def task_get(name: str):
    """The task registered as ``name``; a clear error when tasks.py was never imported."""
    try:
        return TASKS[name]
    except KeyError:
        raise LookupError(
            f"No messaging task {name!r}: townhall.messaging.tasks is not imported "
            "(MessagingConfig.ready() imports it)."
        ) from None


def message_enqueue(message: Message, *, run_after: datetime | None = None) -> None:
    """Put one message on its queue after the commit (for ``run_after`` when the
    backend can wait; otherwise the sweeper enqueues it when it is due)."""
    deliver = task_get("message_deliver_task").using(queue_name=message.queue)
    if run_after is not None:
        if not deliver.get_backend().supports_defer:
            Message.objects.filter(pk=message.pk).update(enqueued_at=None)
            return
        deliver = deliver.using(run_after=run_after)
    Message.objects.filter(pk=message.pk).update(enqueued_at=run_after or timezone.now())
    enqueue_after_commit(deliver, message.pk)


def messages_enqueue(messages: Iterable[Message]) -> int:
    """Put many messages on their queues: personal ones one by one, those of a
    broadcast (bulk, or urgent for an urgent one) in chunks on their queue."""
    chunks: dict[str, list[int]] = {}
    count = 0
    for message in messages:
        count += 1
        if message.queue != Message.Queue.BULK and message.broadcast_id is None:
            message_enqueue(message)
            continue
        chunk = chunks.setdefault(message.queue, [])
        chunk.append(message.pk)
        if len(chunk) >= settings.TOWNHALL_MESSAGING["CHUNK_SIZE"]:
            chunk_enqueue(chunk, queue=message.queue)
            chunks[message.queue] = []
    for queue, chunk in chunks.items():
        if chunk:
            chunk_enqueue(chunk, queue=queue)
    return count


def chunk_enqueue(message_ids: list[int], *, queue: str = Message.Queue.BULK) -> None:
    """Put one chunk of a broadcast's messages on ``queue`` (bulk, or urgent for an
    urgent broadcast) after the commit."""
    Message.objects.filter(pk__in=message_ids).update(enqueued_at=timezone.now())
    deliver = task_get("messages_deliver_task").using(queue_name=queue)
    enqueue_after_commit(deliver, list(message_ids))


def broadcast_prepare_enqueue(broadcast_id: int, *, queue: str = Message.Queue.BULK) -> None:
    """Enqueue the fan-out of a broadcast after the commit, on the broadcast's queue."""
    enqueue_after_commit(task_get("broadcast_prepare_task").using(queue_name=queue), broadcast_id)


def broadcast_prepare_part_enqueue(part_id: int, *, queue: str = Message.Queue.BULK) -> None:
    """Enqueue the preparation of one part of a broadcast after the commit."""
    enqueue_after_commit(task_get("broadcast_prepare_part_task").using(queue_name=queue), part_id)
