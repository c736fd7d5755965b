"""Messaging's domain events: a message that did not reach its recipient (see
:mod:`townhall.events`).

Sent after the commit that records the outcome, by the delivery worker
(:mod:`townhall.messaging.delivery`) or a provider's report
(:mod:`townhall.messaging.webhooks`). A message that had no channel at all
is failed from the start, inside the sender's own transaction, and sends no
event: the sender sees that at once in what ``message_send`` returns.
"""

from townhall.events import DomainEvent

# The message ended as failed: a permanent refusal, or retries gave up, or the
# provider reported it failed. ``person`` is None for an account's own address.
message_failed = DomainEvent(
    "be.townhall.messaging.message.failed",
    subject="message",
    data=["message", "person", "channel"],
)

# The address refused the message (``reason`` "bounced"), or the recipient marked it as
# spam ("complained"); the address is blocked for later messages.
message_bounced = DomainEvent(
    "be.townhall.messaging.message.bounced",
    subject="message",
    data=["message", "person", "channel", "reason"],
)
