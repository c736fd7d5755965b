"""The messaging tasks.

Personal messages go one task per message on ``default`` (``urgent`` when the
sender says so); broadcasts go in chunks on ``bulk``, an urgent broadcast's on
``urgent`` (the queue is chosen when the task is enqueued; the names below are
the defaults). Workers for ``urgent`` and ``default`` run apart from the bulk
worker (``run_demo`` starts both), so an announcement to thousands never
delays a decision, and a storm warning never waits behind a newsletter.
Social media posts (:mod:`townhall.messaging.social`) go one task per post on
``default``.

This module calls the work modules and registers each task by name with
:mod:`townhall.messaging.queueing`, through which the work modules enqueue the
next step: they never import this module, so there is no import loop.
"""

from django_tasks import task

from townhall.messaging import broadcasts, delivery, queueing

# Kept importable from here, where they used to live.
from townhall.messaging.queueing import chunk_enqueue, message_enqueue, messages_enqueue
from townhall.messaging.social import delivery as social_delivery

__all__ = ["chunk_enqueue", "message_enqueue", "messages_enqueue"]


@task(queue_name="default")
def message_deliver_task(message_id: int) -> None:
    delivery.message_deliver(message_id)


@task(queue_name="bulk")
def messages_deliver_task(message_ids: list[int]) -> None:
    delivery.messages_deliver(message_ids)


@task(queue_name="bulk")
def broadcast_prepare_task(broadcast_id: int) -> None:
    broadcasts.broadcast_prepare(broadcast_id)


@task(queue_name="bulk")
def broadcast_prepare_part_task(part_id: int) -> None:
    broadcasts.broadcast_prepare_part(part_id)


@task(queue_name="default")
def messages_sweep_task() -> None:
    delivery.messages_sweep()
    social_delivery.social_posts_sweep()


@task(queue_name="default")
def social_post_deliver_task(post_id: int) -> None:
    social_delivery.social_post_deliver(post_id)


for _task in (
    message_deliver_task,
    messages_deliver_task,
    broadcast_prepare_task,
    broadcast_prepare_part_task,
    messages_sweep_task,
    social_post_deliver_task,
):
    queueing.task_register(_task.name, _task)
