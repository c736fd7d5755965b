"""Reads of the outbox that are more than a line: a person's messages, the
broadcasts, the failures, the letter batches, the templates and the counts.

Nothing here writes. Opening a person's messages is a logged look at the
person: the page writes the access log (a service) before it calls a read here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min, Q, QuerySet

from townhall.keyset import KeysetPage, keyset_page
from townhall.messaging.models import (
    Broadcast,
    LetterBatch,
    Message,
    MessageStateCount,
    MessageTemplate,
)
from townhall.registry.models import Person

PROBLEM_STATES = (Message.State.FAILED, Message.State.BOUNCED)


def _shown_to_resident(messages: QuerySet[Message]) -> QuerySet[Message]:
    # A message that never had a way to reach the person has no text to read.
    return messages.exclude(state=Message.State.CANCELLED, sent_at__isnull=True).exclude(body="")


def message_page_for_resident(*, person: Person, params, size: int) -> KeysetPage[Message]:
    """A page of the messages a resident reads on My messages, newest first (one query)."""
    return keyset_page(
        _shown_to_resident(Message.objects.filter(person=person)), params=params, size=size
    )


def message_get_for_resident(*, person: Person, uuid) -> Message | None:
    """One message of the resident by its random id, or None when it is not theirs
    (or has no text to read)."""
    return _shown_to_resident(Message.objects.filter(person=person, uuid=uuid)).first()


def message_log_page_for_person(*, person: Person, params, size: int) -> KeysetPage[Message]:
    """A page of what was sent to the person, for staff, newest first: each with its
    broadcast, sender, letter batch and events (three queries however many messages)."""
    return keyset_page(
        Message.objects.filter(person=person)
        .select_related("broadcast", "created_by", "letter_batch")
        .prefetch_related("events__actor"),
        params=params,
        size=size,
    )


def message_list_problems(*, limit: int) -> list[Message]:
    """The last messages that failed or bounced, with their recipient (one query)."""
    return list(
        Message.objects.filter(state__in=PROBLEM_STATES)
        .select_related("person")
        .order_by("-created_at", "-id")[:limit]
    )


def broadcast_page(*, params, size: int) -> KeysetPage[Broadcast]:
    """A page of the broadcasts, newest first, with their template and sender (one query)."""
    return keyset_page(
        Broadcast.objects.select_related("template", "created_by"), params=params, size=size
    )


def broadcast_get(*, uuid) -> Broadcast | None:
    """One broadcast by its random id, with template and sender, or None."""
    return Broadcast.objects.select_related("template", "created_by").filter(uuid=uuid).first()


def message_counts() -> dict[tuple[str, str], int]:
    """Every message of the outbox per (channel, state), from the kept counts (one
    query over a few rows, however large the outbox); states nobody is in are left out."""
    return {
        (channel, state): n
        for channel, state, n in MessageStateCount.objects.filter(messages__gt=0).values_list(
            "channel", "state", "messages"
        )
    }


def broadcast_counts(*, broadcast: Broadcast) -> dict[tuple[str, str], int]:
    """The broadcast's messages per (channel, state), in one grouped query over its
    own rows (the index on broadcast and state)."""
    return {
        (channel, state): n
        for channel, state, n in Message.objects.filter(broadcast=broadcast)
        .order_by()
        .values_list("channel", "state")
        .annotate(n=Count("pk"))
        .values_list("channel", "state", "n")
    }


@dataclass(frozen=True)
class BroadcastWaiting:
    """Why the broadcast's messages that are still on their way wait, and until when."""

    quiet_hours: int  # text messages held until the quiet hours end
    quiet_hours_until: datetime | None
    retrying: int  # failed for a moment, tried again later
    retrying_next: datetime | None
    in_queue: int  # due now: a worker takes them next


def broadcast_waiting(*, broadcast: Broadcast, now: datetime) -> BroadcastWaiting:
    """The broadcast's waiting messages by reason (one query on its (broadcast,
    state) index). A queued message with a next attempt in the future waits for
    the end of the SMS quiet hours: nothing else holds a queued message back."""
    later = Q(next_attempt_at__gt=now)
    queued, retrying = Q(state=Message.State.QUEUED), Q(state=Message.State.RETRYING)
    found = Message.objects.filter(
        broadcast=broadcast, state__in=(Message.State.QUEUED, Message.State.RETRYING)
    ).aggregate(
        quiet=Count("pk", filter=queued & later),
        quiet_until=Max("next_attempt_at", filter=queued & later),
        retrying=Count("pk", filter=retrying & later),
        retrying_next=Min("next_attempt_at", filter=retrying & later),
        due=Count("pk", filter=~later),
    )
    return BroadcastWaiting(
        quiet_hours=found["quiet"],
        quiet_hours_until=found["quiet_until"],
        retrying=found["retrying"],
        retrying_next=found["retrying_next"],
        in_queue=found["due"],
    )


def broadcast_letters_waiting(*, broadcast: Broadcast) -> int:
    """How many of the broadcast's letters wait in a print batch (one query)."""
    return broadcast.messages.filter(
        state=Message.State.SENDING, letter_batch__isnull=False
    ).count()


def letter_batch_lists(
    *, params, posted_size: int
) -> dict[str, list[LetterBatch] | KeysetPage[LetterBatch]]:
    """The open batches (today's first), the printed ones to post, and a page of the
    posted ones (newest first), each with its number of letters (three queries)."""
    waiting = LetterBatch.objects.annotate(
        letters=Count("messages", filter=Q(messages__state=Message.State.SENDING))
    )
    return {
        "open_batches": list(waiting.filter(state=LetterBatch.State.OPEN)),
        "printed": list(waiting.filter(state=LetterBatch.State.PRINTED)),
        "posted": keyset_page(
            LetterBatch.objects.filter(state=LetterBatch.State.POSTED)
            .annotate(letters=Count("messages"))
            .select_related("posted_by"),
            params=params,
            size=posted_size,
            field="day",
        ),
    }


def message_template_list() -> list[MessageTemplate]:
    """The templates offered for reuse, each with its texts (two queries)."""
    return list(MessageTemplate.objects.filter(is_adhoc=False).prefetch_related("texts"))
