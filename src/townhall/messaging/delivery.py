"""Message delivery: from a queued row in the outbox to a message handed over.

1. :func:`~townhall.messaging.services.message_send` commits the message as
   ``queued`` with the change that caused it, and enqueues a task after the
   commit: personal messages on the ``default`` or ``urgent`` queue, broadcasts
   in chunks on ``bulk`` (an urgent one on ``urgent``), so a newsletter never
   waits in front of a decision.
2. The task *claims* each message with one conditional UPDATE (queued or
   retrying, and due → sending). A second task for the same message claims
   nothing, so a message enqueued twice is still sent once.
3. The channel plugin hands the message over (SMTP, an SMS gateway, the day's
   letter batch). Each result is written at once, message by message, so a
   worker killed half-way through a chunk loses at most the one message it
   was sending (see 6).
4. A temporary failure is retried with exponential backoff until the retry
   horizon; then, or on a permanent failure, the message ends as ``failed``
   with its reason. A refused e-mail address ends as ``bounced`` and the
   address is blocked for later messages. Either sends its domain event
   (``messaging.events``) after the commit.
5. A letter goes into the day's :class:`~townhall.messaging.models.LetterBatch`
   and stays ``sending`` until staff confirm the batch was posted.
6. :func:`messages_sweep` runs every minute: it re-enqueues messages whose task
   was lost (queued too long) and takes back messages left ``sending`` by a
   worker that died. Those are tried again; for e-mail the same ``Message-ID``
   marks a copy if the server had already accepted the first.
"""

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from townhall.messaging.broadcasts import broadcast_finish_if_done
from townhall.messaging.channels import Handover
from townhall.messaging.channels import register as channels
from townhall.messaging.errors import AddressRefused, PermanentFailure, TemporaryFailure
from townhall.messaging.events import message_bounced, message_failed
from townhall.messaging.models import Message, MessageEvent, Suppression
from townhall.messaging.queueing import broadcast_prepare_enqueue, message_enqueue, messages_enqueue

logger = logging.getLogger(__name__)
DUE_STATES = (Message.State.QUEUED, Message.State.RETRYING)
SENT_UPDATE_TABLE = Message._meta.db_table  # a model name, never input


def _due() -> Q:
    return Q(state__in=DUE_STATES) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )


CLAIM_SQL = (
    f"UPDATE {SENT_UPDATE_TABLE} SET state = 'sending', claimed_at = %s,"  # noqa: S608
    " attempts = attempts + 1 WHERE id = ANY(%s) AND state = ANY(%s)"
    " AND (next_attempt_at IS NULL OR next_attempt_at <= %s) RETURNING id"
)
SENT_SQL = (
    f"UPDATE {SENT_UPDATE_TABLE} SET state = 'sent', sent_at = %s, provider = %s,"  # noqa: S608
    " provider_reference = %s, reason = '' WHERE id = %s AND state = 'sending'"
)


def messages_claim(ids: Iterable[int]) -> list[Message]:
    """Mark the due messages among ``ids`` as sending and return them; others are left alone.

    On PostgreSQL one ``UPDATE ... RETURNING`` does it: a second worker that
    claims the same rows waits for the first, then finds them no longer due.
    """
    ids = list(ids)
    now = timezone.now()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL, [now, ids, [str(s) for s in DUE_STATES], now])
            claimed_ids = [row[0] for row in cursor.fetchall()]
        return list(
            Message.objects.raw(
                f"SELECT * FROM {SENT_UPDATE_TABLE} WHERE id = ANY(%s) ORDER BY id",  # noqa: S608
                [claimed_ids],
            )
        )
    # SQLite (the demo and tests): one writer at a time, so select, then update.
    with transaction.atomic():
        claimed_ids = list(Message.objects.filter(_due(), pk__in=ids).values_list("pk", flat=True))
        Message.objects.filter(pk__in=claimed_ids).update(
            state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(Message.objects.filter(pk__in=claimed_ids).order_by("pk"))


def message_deliver(message_id: int) -> None:
    """Deliver one message (the task body): a personal one, or one of a broadcast
    on its own (a text message held for the quiet hours, a retry)."""
    for message in messages_claim([message_id]):
        try:
            handover = channels[message.channel].deliver(message)
        except Exception as error:
            result_record(message, error)
        else:
            result_record(message, handover)
        if message.broadcast_id:
            # It may be the broadcast's last message on its way.
            broadcast_finish_if_done(message.broadcast_id)


def messages_deliver(message_ids: list[int]) -> None:
    """Deliver a chunk of a broadcast, sharing one connection per channel."""
    with commits_without_flush_wait():
        claimed = messages_claim(message_ids)
    by_channel: dict[str, list[Message]] = {}
    for message in claimed:
        by_channel.setdefault(message.channel, []).append(message)
    with commits_without_flush_wait():
        for channel, messages in by_channel.items():
            channels[channel].deliver_many(messages, result_record)
    for broadcast_id in {m.broadcast_id for m in claimed if m.broadcast_id}:
        broadcast_finish_if_done(broadcast_id)


@contextmanager
def commits_without_flush_wait():
    """Let PostgreSQL commit the delivery bookkeeping without waiting for its WAL
    flush, for this connection and this block. A worker killed right after a
    commit still leaves the row written (the server has it); only a crash of the
    database server itself could lose the last few tenths of a second of such
    marks, and those messages would then go again. The outbox rows themselves are
    written by the caller's transaction, with full durability."""

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def result_record(message: Message, result: Handover | Exception) -> None:
    """Write what became of a message that was sending."""
    if (
        isinstance(result, Handover)
        and result.wait_until is None
        and result.letter_batch_id is None
    ):
        # The common case, once per message of a broadcast: one statement in
        # autocommit, prepared once per connection on PostgreSQL.
        parameters = [timezone.now(), result.provider[:60], result.reference[:200], message.pk]
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            connection.ensure_connection()
            connection.connection.execute(SENT_SQL, parameters, prepare=True)
        else:
            with connection.cursor() as cursor:
                cursor.execute(SENT_SQL, parameters)
        return
    with transaction.atomic():
        _result_record(message, result)


def _result_record(message: Message, result: Handover | Exception) -> None:
    now = timezone.now()
    sending = Message.objects.filter(pk=message.pk, state=Message.State.SENDING)
    if isinstance(result, Handover):
        if result.wait_until is not None:
            sending.update(
                state=Message.State.QUEUED,
                next_attempt_at=result.wait_until,
                attempts=F("attempts") - 1,
            )
            retry_schedule(message, result.wait_until)
        else:
            sending.update(letter_batch_id=result.letter_batch_id, provider=result.provider)
        return
    if isinstance(result, TemporaryFailure):
        _temporary_failure(message, sending, str(result), now)
        return
    if not isinstance(result, PermanentFailure):
        # A bug or an unexpected error: keep the message and try again rather than lose it.
        logger.exception("Unexpected error delivering message %s", message.pk, exc_info=result)
        _temporary_failure(message, sending, _("Unexpected error; we will try again."), now)
        return
    state = Message.State.FAILED
    if isinstance(result, AddressRefused):
        state = Message.State.BOUNCED
        Suppression.objects.get_or_create(
            channel=message.channel,
            address=message.address.lower(),
            defaults={
                "reason": Suppression.Reason.BOUNCED,
                "detail": str(result)[:500],
                "message": message,
            },
        )
    sending.update(state=state, reason=str(result)[:500])
    MessageEvent.objects.create(message=message, state=state, detail=str(result)[:500])
    if state == Message.State.BOUNCED:
        message_outcome_send(message, bounced=Suppression.Reason.BOUNCED)
    else:
        message_outcome_send(message)


def message_outcome_send(message: Message, *, bounced: str = "") -> None:
    """Send ``message_bounced`` (with the reason, "bounced" or "complained") or else
    ``message_failed`` for ``message``, after the commit that records it."""
    ids = {"subject_id": message.pk, "message": message.pk, "person": message.person_id}
    if bounced:
        message_bounced.send_on_commit(**ids, channel=message.channel, reason=bounced)
    else:
        message_failed.send_on_commit(**ids, channel=message.channel)


def _temporary_failure(message: Message, sending, reason: str, now) -> None:
    attempts = Message.objects.values_list("attempts", flat=True).get(pk=message.pk)
    backoff = retry_backoff(attempts)
    horizon = message.created_at + timedelta(seconds=settings.TOWNHALL_MESSAGING["RETRY_HORIZON"])
    with transaction.atomic():
        if now + backoff > horizon:
            detail = _("Gave up after %(attempts)s attempts: %(reason)s") % {
                "attempts": attempts,
                "reason": reason,
            }
            sending.update(state=Message.State.FAILED, reason=detail[:500])
            MessageEvent.objects.create(
                message=message, state=Message.State.FAILED, detail=detail[:500]
            )
            message_outcome_send(message)
            return
        sending.update(
            state=Message.State.RETRYING, next_attempt_at=now + backoff, reason=reason[:500]
        )
        MessageEvent.objects.create(
            message=message, state=Message.State.RETRYING, detail=reason[:500]
        )
    retry_schedule(message, now + backoff)


def retry_backoff(attempts: int) -> timedelta:
    """Wait 1, 2, 4, 8 … minutes (from the settings), capped."""
    config = settings.TOWNHALL_MESSAGING
    seconds = config["RETRY_FIRST"] * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config["RETRY_MAX"]))


def retry_schedule(message: Message, when) -> None:
    """Enqueue the next attempt for ``when`` where the task backend can wait; the
    sweeper picks it up otherwise."""
    message_enqueue(message, run_after=when)


def messages_sweep() -> dict[str, int]:
    """Re-enqueue lost messages and take back those a dead worker left sending."""
    config = settings.TOWNHALL_MESSAGING
    now = timezone.now()
    stuck_sending = Message.objects.filter(
        state=Message.State.SENDING,
        letter_batch__isnull=True,
        claimed_at__lt=now - timedelta(seconds=config["SENDING_TIMEOUT"]),
    )
    taken_back = []
    for message in stuck_sending.iterator():
        with transaction.atomic():
            changed = Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
                state=Message.State.RETRYING, next_attempt_at=None
            )
            if changed:
                taken_back.append(message)
                MessageEvent.objects.create(
                    message=message,
                    state=Message.State.RETRYING,
                    detail=_("The worker stopped while sending; trying again."),
                )
    messages_enqueue(taken_back)
    lost = Message.objects.filter(_due()).filter(
        Q(enqueued_at__isnull=True)
        | Q(enqueued_at__lt=now - timedelta(seconds=config["QUEUED_TIMEOUT"]))
    )
    requeued = messages_enqueue(lost.only("pk", "queue", "broadcast_id"))
    return {
        "taken_back": len(taken_back),
        "requeued": requeued,
        "broadcasts": broadcasts_resume(now - timedelta(seconds=config["QUEUED_TIMEOUT"])),
    }


def broadcasts_resume(before) -> int:
    """Prepare again the broadcasts whose preparation stopped half-way (it skips
    recipients who have their message already)."""
    from townhall.messaging.models import Broadcast

    stalled = list(
        Broadcast.objects.filter(state=Broadcast.State.PREPARING, created_at__lt=before).only(
            "pk", "urgent"
        )
    )
    for broadcast in stalled:
        broadcast_prepare_enqueue(broadcast.pk, queue=broadcast.queue)
    return len(stalled)
