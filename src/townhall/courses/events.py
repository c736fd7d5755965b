"""The courses app's domain events (see :mod:`townhall.events`).

Sent after the commit of the service that made the change. The subject is the
registration's id; the data are ids and codes (the session, the course, the new
state, the channel), never a name or a phone number.
"""

from townhall.events import DomainEvent

# Someone registered: confirmed at once, or put on the waiting list (state says which).
registration_created = DomainEvent(
    "be.townhall.courses.registration.created",
    subject="registration",
    data=["session", "course", "state", "channel"],
)

# A freed place was offered to the first person on the waiting list.
registration_offered = DomainEvent(
    "be.townhall.courses.registration.offered",
    subject="registration",
    data=["session", "course"],
)

# An offered place was confirmed.
registration_confirmed = DomainEvent(
    "be.townhall.courses.registration.confirmed",
    subject="registration",
    data=["session", "course"],
)

# A registration was cancelled (by the participant with their code, or by staff).
registration_cancelled = DomainEvent(
    "be.townhall.courses.registration.cancelled",
    subject="registration",
    data=["session", "course", "cancelled_by", "held_place"],
)

# An offer was not confirmed before its deadline: the place went to the next one.
registration_expired = DomainEvent(
    "be.townhall.courses.registration.expired",
    subject="registration",
    data=["session", "course"],
)
